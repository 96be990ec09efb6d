from rest_framework.routers import SimpleRouter

from tallies.api import views

router = SimpleRouter()
router.register("tallies", views.TallyViewSet, basename="tally")
urlpatterns = router.urls
