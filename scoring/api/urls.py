from rest_framework.routers import SimpleRouter

from scoring.api import checklists, views

router = SimpleRouter()
router.register("catalogues", views.CatalogueViewSet, basename="catalogue")
router.register("cycles", checklists.CycleViewSet, basename="cycle")
router.register("checklists", checklists.ChecklistViewSet, basename="checklist")
router.register("objections", checklists.ObjectionViewSet, basename="objection")
urlpatterns = router.urls
