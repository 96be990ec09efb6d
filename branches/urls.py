from django.urls import path

from branches import views

urlpatterns = [
    path("registers/<str:kind>.<str:fmt>", views.register_export, name="register-export"),
]
