from rest_framework.routers import SimpleRouter

from scoring.api import checklists, rectifications, views

router = SimpleRouter()
router.register("catalogues", views.CatalogueViewSet, basename="catalogue")
router.register("cycles", checklists.CycleViewSet, basename="cycle")
router.register("checklists", checklists.ChecklistViewSet, basename="checklist")
router.register("objections", checklists.ObjectionViewSet, basename="objection")
router.register("rectifications", rectifications.RectificationViewSet, basename="rectification")
urlpatterns = router.urls
