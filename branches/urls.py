from django.urls import path

from branches import targets, views

urlpatterns = [
    path("registers/<str:kind>.<str:fmt>", views.register_export, name="register-export"),
    path("targets/", targets.targets_page, name="targets"),
    path("divisions/", views.divisions_page, name="divisions"),
    path("branches/<str:code>/weak-lax/", views.weak_lax_step, name="weak-lax-step"),
]
