from django.urls import path

from tallies.views import dashboard, quarters, region, responsibility

urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("wallchart/<str:code>.pdf", dashboard.wallchart_pdf, name="wallchart"),
    path("dashboard/<str:code>/", dashboard.dashboard, name="dashboard-place"),
    path("tallies/", dashboard.tally_request, name="tally-request"),
    path("tallies/<int:pk>/status/", dashboard.tally_status, name="tally-status"),
    path("bulletin/", dashboard.bulletin, name="bulletin"),
    path("bulletin/<str:code>/", region.region_bulletin, name="region-bulletin"),
]

urlpatterns += [
    path("responsibility/", responsibility.responsibility, name="responsibility"),
    path("responsibility/person/", responsibility.person, name="responsibility-person"),
]

urlpatterns += [
    path("quarters/", quarters.quarters, name="quarters"),
    path("adjustments/<int:pk>/", quarters.adjustment_decide_view, name="adjustment-decide"),
]
