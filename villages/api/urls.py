from rest_framework.routers import SimpleRouter

from villages.api import views

router = SimpleRouter()
router.register("counties", views.CountyViewSet, basename="county")
router.register("townships", views.TownshipViewSet, basename="township")
router.register("villages", views.VillageViewSet, basename="village")
urlpatterns = router.urls
