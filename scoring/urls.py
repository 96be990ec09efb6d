from django.urls import path

from scoring.views import (
    branch,
    checklist,
    county,
    events,
    exports,
    home,
    imports,
    public,
    review,
)  # fmt: skip

urlpatterns = [
    path("", home.home, name="home"),
    path("remind/", home.township_remind, name="township-remind"),
    path("checklists/<int:pk>/", checklist.checklist_page, name="checklist"),
    path("checklists/<int:pk>/print/", checklist.checklist_print, name="checklist-print"),
    path("checklists/<int:pk>/checklist.pdf", checklist.checklist_print, name="checklist-pdf"),
    path("checklists/<int:pk>/<str:action>/", checklist.checklist_action, name="checklist-action"),
    path("branches/<str:code>/open/<str:cycle>/", checklist.checklist_open, name="checklist-open"),
    path("evidence/<int:pk>/", checklist.evidence_file, name="evidence-file"),
    path("evidence/<int:pk>/delete/", checklist.evidence_delete, name="evidence-delete"),
    path("review/", review.review_queue, name="review"),
    path("ratings/", county.ratings, name="ratings"),
    path("ratings/remind/", county.ratings_remind, name="ratings-remind"),
    path("ratings/contact/", county.ratings_contact, name="ratings-contact"),
    path("ratings/deadline/", county.ratings_deadline, name="ratings-deadline"),
    path("ratings/cycle/", county.ratings_cycle, name="ratings-cycle"),
    path("ratings/approve/", county.ratings_approve, name="ratings-approve"),
    path("ratings/publish/", county.ratings_publish, name="ratings-publish"),
    path("ratings/award/", county.ratings_award, name="ratings-award"),
    path("objections/<int:pk>/rule/", county.objection_rule, name="objection-rule"),
    path("public/<str:code>/", public.public_page, name="public"),
    path("public/<str:code>/notice/", public.publicity_notice, name="publicity-notice"),
    path("public/<str:code>/notice.pdf", public.publicity_notice, name="publicity-notice-pdf"),
]

urlpatterns += [
    path("branches/<str:code>/", branch.branch_page, name="branch"),
    path("branches/<str:code>/print/", branch.branch_print, name="branch-print"),
    path("branches/<str:code>/record.pdf", branch.branch_print, name="branch-record-pdf"),
    path(
        "branches/<str:code>/rectifications/",
        branch.rectification_assign,
        name="rectification-assign",
    ),
    path(
        "rectifications/<int:pk>/evidence/",
        branch.rectification_evidence,
        name="rectification-evidence",
    ),
    path(
        "rectifications/<int:pk>/<str:step>/",
        branch.rectification_update,
        name="rectification-step",
    ),
]

urlpatterns += [
    path("answers/", imports.answers_page, name="answers"),
    path("answers/template.xlsx", imports.answer_template_download, name="answer-template"),
    path("imports/<int:pk>/", imports.import_run, name="import-run"),
    path("imports/<int:pk>/status/", imports.import_run_status, name="import-run-status"),
    path("imports/<int:pk>/confirm/", imports.import_run_confirm, name="import-run-confirm"),
    path("imports/<int:pk>/marked.xlsx", imports.import_run_marked, name="import-run-marked"),
]

urlpatterns += [path("exports/<str:what>.xlsx", exports.export, name="export")]


urlpatterns += [
    path("zeros/", events.zeros, name="zeros"),
    path("zeros/<int:pk>/withdraw/", events.event_withdraw_view, name="event-withdraw"),
    path("revocations/", events.revocations, name="revocations"),
    path("revocations/<int:pk>/", events.revocation_decide_view, name="revocation-decide"),
]
