"""Issue 13.4: quarterly dynamic scoring with reward and penalty items, rankings and movement;
quarters never change an annual level."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from access.gate import SYSTEM
from branches.models import Rating
from catalogues.services import cycle_get_or_create
from catalogues.tests.conftest import YEAR, answers_for
from scoring.models import Adjustment
from scoring.services.checklists import answers_save, checklist_open
from scoring.tests.test_workflow import awarded

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 200


def scored(world, cycle, village, failing=()):
    checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
    secretary = world.sec_v1 if village == world.v1 else world.sec_v2
    answers_save(
        checklist=checklist,
        user=secretary,
        answers=answers_for(checklist.catalogue, failing=failing),
    )
    return checklist


def record(client, code, kind, star="", reason="获评县级先进党组织"):
    photo = SimpleUploadedFile("表彰.jpg", JPEG, "image/jpeg")
    data = {"place_code": code, "kind": kind, "star": star, "reason": reason, "evidence": photo}
    return client.post(f"{reverse('quarters')}?cycle={YEAR}Q2", data)


def test_items_count_once_confirmed_and_rank_villages_and_townships_with_movement(
    client, world, rural, community, cycle
):
    q1, q2 = cycle_get_or_create(code=f"{YEAR}Q1"), cycle_get_or_create(code=f"{YEAR}Q2")
    annual = scored(world, cycle, world.v1, failing=("CY-01",))
    awarded(world, annual)
    level = Rating.objects.get().level
    # Q1: v2 (黄寨镇) ahead of v1 (城关镇); Q2: v1 ahead once its reward is confirmed.
    scored(world, q1, world.v1, failing=("WM-01", "WM-02"))
    scored(world, q1, world.v2)
    scored(world, q2, world.v1)
    scored(world, q2, world.v2, failing=("ST-01",))

    client.force_login(world.town1_user)
    assert record(client, world.v1.code, "JF-01", star="ZB").status_code == 302
    assert record(client, world.v1.code, "JF-01", star="ZB").status_code == 302
    assert record(client, world.v1.code, "JF-01", star="ZB").status_code == 302  # past the cap
    assert record(client, world.v1.code, "KF-03", reason="调解不力").status_code == 302
    refused = record(client, world.v1.code, "JF-01", star="")
    assert refused.status_code == 400 and "请选择计入哪颗星" in refused.content.decode()
    foreign = record(client, world.v2.code, "JF-01", star="ZB")  # the next township's village
    assert foreign.status_code == 400 and "不在您管辖的范围内" in foreign.content.decode()
    assert Adjustment.objects.count() == 4

    page = client.get(reverse("quarters"), {"cycle": f"{YEAR}Q2"})
    [town] = [t for t in page.context["figures"] if t.code == world.town1.code]
    v1 = next(b for b in town.branches if b.code == world.v1.code)
    assert v1.stars["ZB"] == 100 and v1.stars["PA"] == 100  # nothing counts before the county
    assert page.context["ranks_townships"] is False  # a township sees its own villages

    client.force_login(world.county_user)
    for item in Adjustment.objects.order_by("pk"):
        client.post(reverse("adjustment-decide", args=[item.pk]), {"do": "confirm"})
    page = client.get(reverse("quarters"), {"cycle": f"{YEAR}Q2", "township": world.town1.code})
    figures = {t.code: t for t in page.context["figures"]}
    v1 = figures[world.town1.code].branches[0]
    assert v1.stars["ZB"] == 100  # never above 100
    assert v1.stars["PA"] == 97 and v1.moved["PA"] == -3  # the penalty, limited to PA
    assert (figures[world.town1.code].rank, figures[world.town2.code].rank) == (1, 2)
    assert figures[world.town1.code].change == 1 and figures[world.town2.code].change == -1
    html = page.content.decode()
    assert "↑1" in html and "(-3.0)" in html

    # The quarter never touched the annual rating or checklist.
    annual.refresh_from_db()
    assert Rating.objects.get().level == level and annual.level == level


def test_the_county_refuses_an_item_only_with_a_reason_and_it_does_not_count(
    client, world, rural, community
):
    q2 = cycle_get_or_create(code=f"{YEAR}Q2")
    scored(world, q2, world.v1, failing=("CY-01",))
    client.force_login(world.town1_user)
    record(client, world.v1.code, "JF-02", star="CY", reason="经验被推广")
    item = Adjustment.objects.get()
    assert (
        client.post(reverse("adjustment-decide", args=[item.pk]), {"do": "confirm"}).status_code
        == 403
    )
    client.force_login(world.county_user)
    client.post(reverse("adjustment-decide", args=[item.pk]), {"do": "refuse", "note": ""})
    assert Adjustment.objects.get().state == "proposed"
    client.post(
        reverse("adjustment-decide", args=[item.pk]), {"do": "refuse", "note": "非县级推广"}
    )
    assert Adjustment.objects.get().state == "refused"
    page = client.get(reverse("quarters"), {"cycle": f"{YEAR}Q2"})
    v1 = next(t for t in page.context["figures"] if t.code == world.town1.code).branches[0]
    assert v1.moved["CY"] == 0


def test_the_dashboard_and_bulletin_of_a_quarter_show_the_quarter_ranking(
    client, world, rural, community
):
    q1 = cycle_get_or_create(code=f"{YEAR}Q1")
    scored(world, q1, world.v1)
    scored(world, q1, world.v2, failing=("ZB",))
    from tallies.services import tally_inline

    tally_inline(place=world.county, cycle=q1)
    client.force_login(world.county_user)
    dashboard = client.get(reverse("dashboard"), {"cycle": q1.code}).content.decode()
    bulletin = client.get(reverse("bulletin"), {"cycle": q1.code}).content.decode()
    for page in (dashboard, bulletin):
        assert "季度考评排名" in page and world.town1.name in page
