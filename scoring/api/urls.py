from rest_framework.routers import SimpleRouter

from scoring.api import views

router = SimpleRouter()
router.register("catalogues", views.CatalogueViewSet, basename="catalogue")
urlpatterns = router.urls
