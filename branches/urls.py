from django.urls import path

from branches import views
from branches.views import targets

urlpatterns = [
    path("registers/<str:kind>.<str:fmt>", views.register_export, name="register-export"),
    path("targets/", targets.targets_page, name="targets"),
    path("divisions/", views.divisions_page, name="divisions"),
    path("branches/<str:code>/weak-lax/list/", views.weak_lax_list_view, name="weak-lax-list"),
    path("branches/<str:code>/weak-lax/propose/", views.weak_lax_propose, name="weak-lax-propose"),
    path(
        "branches/<str:code>/weak-lax/decide/", views.weak_lax_decide_view, name="weak-lax-decide"
    ),
]
