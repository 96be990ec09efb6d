from django.urls import path

from villages import views

urlpatterns = [
    path("places/<str:code>/", views.place_detail, name="place-detail"),
]
