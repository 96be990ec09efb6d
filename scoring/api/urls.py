from rest_framework.routers import SimpleRouter

from scoring.api import checklists, imports, rectifications

router = SimpleRouter()
router.register("cycles", checklists.CycleViewSet, basename="cycle")
router.register("checklists", checklists.ChecklistViewSet, basename="checklist")
router.register("objections", checklists.ObjectionViewSet, basename="objection")
router.register("rectifications", rectifications.RectificationViewSet, basename="rectification")
router.register("imports", imports.ImportViewSet, basename="import")
urlpatterns = router.urls
