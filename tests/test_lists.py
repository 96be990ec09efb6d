"""Long lists are paged and filtered the way the API filters them (issue 14.6)."""

import pytest
from django.urls import reverse

from access.gate import SYSTEM
from catalogues.tests.conftest import answers_for
from scoring.services.checklists import answers_save, checklist_open
from scoring.services.workflow import checklist_submit
from tallies.services import tally_inline

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world, rural, community, cycle):
    found = []
    for village, clerk in ((world.v1, world.town1_user), (world.c1, world.town1_user),
                           (world.v2, world.town2_user)):  # fmt: skip
        checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
        answers_save(checklist=checklist, user=clerk, answers=answers_for(checklist.catalogue))
        checklist_submit(checklist=checklist, user=clerk)
        found.append(checklist)
    return found


def test_ratings_filter_by_township_and_kind_as_the_api_does(client, api, world, submitted):
    client.force_login(world.county_user)
    url = reverse("ratings")
    every = client.get(url, {"state": "submitted"}).content.decode()
    assert all(v.name in every for v in (world.v1, world.c1, world.v2)) and "共 3 个" in every
    town = client.get(url, {"state": "submitted", "township": world.town2.code}).content.decode()
    assert world.v2.name in town and world.v1.name not in town and "共 1 个" in town
    kind = client.get(url, {"state": "submitted", "kind": "community"}).content.decode()
    assert world.c1.name in kind and world.v1.name not in kind
    api.force_authenticate(world.county_user)
    listed = api.get("/api/v1/checklists/", {"kind": "community"}).json()["results"]
    assert [c["id"] for c in listed] == [submitted[1].pk]  # the same filter serves the API


def test_the_review_queue_filters_by_kind(client, world, submitted):
    client.force_login(world.town1_user)
    page = client.get(reverse("review"), {"kind": "rural"}).content.decode()
    assert world.v1.name in page and world.c1.name not in page and "1份待审核" in page


def test_dashboard_warnings_filter_by_kind_and_township_and_are_paged(
    client, world, submitted, settings
):
    from branches.models import Branch
    from tallies.views import dashboard

    Branch.objects.filter(village__in=[world.v1, world.v2]).update(
        weak_lax=True, weak_lax_since=submitted[0].cycle.due or "2026-01-01"
    )
    snapshot = tally_inline(place=world.county, cycle=submitted[0].cycle)
    kinds = {w["kind"] for w in snapshot.data["warnings"]}
    assert kinds, "the fixture should raise some warnings"
    client.force_login(world.county_user)
    kind = sorted(kinds)[0]
    page = client.get(reverse("dashboard"), {"warning": kind}).content.decode()
    shown = [w for w in snapshot.data["warnings"] if w["kind"] == kind]
    assert all(w["name"] in page for w in shown)
    page = client.get(reverse("dashboard"), {"wt": world.town2.name}).content.decode()
    table = page.split('id="warnings"')[1]
    assert world.v1.name not in table
    dashboard.WARNINGS_PER_PAGE = 1
    try:
        page = client.get(reverse("dashboard"), {"page": 2}).content.decode()
        assert "第 2 /" in page
    finally:
        dashboard.WARNINGS_PER_PAGE = 50
