from rest_framework.routers import SimpleRouter

from branches.api import views

router = SimpleRouter()
router.register("branches", views.BranchViewSet, basename="branch")
urlpatterns = router.urls
