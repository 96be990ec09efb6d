from django.urls import path

from villages import audit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("places/<str:code>/", views.place_detail, name="place-detail"),
    path("audit/", audit_views.audit_page, name="audit"),
]
