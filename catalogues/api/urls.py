from rest_framework.routers import SimpleRouter

from catalogues.api import views

router = SimpleRouter()
router.register("catalogues", views.CatalogueViewSet, basename="catalogue")
urlpatterns = router.urls
