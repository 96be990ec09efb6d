"""County tallies: the counts, the warnings, one live run, parts and gather, the reconciler, the
dashboard read from the snapshot in a fixed number of queries, the bulletin, and targets."""

import io
import json
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from access.gate import SYSTEM
from branches.models import Branch, Rating, Rectification, Target
from catalogues.models import Cycle, Star
from catalogues.tests.conftest import YEAR, answers_for
from scoring.services.checklists import answers_save, checklist_open
from tallies.models import TallyPart, TallyRun, TallySnapshot
from tallies.services import tally_gather, tally_inline, tally_part, tally_reconcile
from tallies.tasks import tally_start
from villages.choices import VillageKind
from villages.models import Township, Village

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(world, rural, community, cycle):
    """v1 at five stars, c1 at three (two community stars missed), v2 at zero (ZB vetoed: the
    county lists it as weak and lax, and the register answers its veto item)."""
    Branch.objects.filter(village=world.v2).update(
        weak_lax=True, weak_lax_since=date(2026, 3, 1), weak_lax_reason="班子不团结"
    )
    for village, failing in ((world.v1, ()), (world.c1, ("GJ", "WM")), (world.v2, ())):
        checklist = checklist_open(branch=world.branch(village), cycle=cycle, user=SYSTEM)
        answers = answers_for(checklist.catalogue, failing=failing)
        if village == world.v2:
            answers.pop("ZB-17")  # the register's to answer
        clerk = world.town2_user if village == world.v2 else world.town1_user
        answers_save(checklist=checklist, user=clerk, answers=answers)
    Rating.objects.create(
        branch=world.branch(world.v1),
        year=cycle.year,
        catalogue="rural",
        level=4,
        stars=["ZB", "CY", "ST", "PA"],
        awarded_at=timezone.now(),
    )
    return cycle


def test_a_tally_counts_by_level_and_star_projected_and_official(world, scored):
    data = tally_inline(place=world.county, cycle=scored).data
    assert data["branches"] == 3
    assert data["projected"]["levels"] == [1, 0, 0, 1, 0, 1]
    assert data["projected"]["three_plus"] == 2 and data["projected"]["share"] == 66.7
    assert data["projected"]["stars"]["ZB"] == 2 and "GJ" not in data["projected"]["stars"]
    attainment = data["projected"]["attainment"]  # over the branches that can earn each star
    assert (attainment["CY"], attainment["FW"], attainment["ZB"]) == (50.0, 100.0, 66.7)
    assert list(attainment)[:5] == ["ZB", "CY", "ST", "PA", "WM"]
    assert data["official"]["levels"] == [0, 0, 0, 0, 1, 0]
    assert data["official"]["stars"] == {"ZB": 1, "CY": 1, "ST": 1, "PA": 1}
    town1, town2 = sorted(data["townships"], key=lambda t: t["code"])
    assert (town1["projected"]["levels"], town2["projected"]["levels"]) == (
        [0, 0, 0, 1, 0, 1],
        [1, 0, 0, 0, 0, 0],
    )
    assert [t["name"] for t in sorted(data["townships"], key=lambda t: t["rank"])] == [
        "城关镇",
        "黄寨镇",
    ]
    assert all(w["code"] != world.v3.code for w in data["warnings"])  # another county's


def test_each_kind_of_warning_is_raised(world, scored):
    Branch.objects.filter(village=world.v1).update(target_level=5)
    Branch.objects.filter(village=world.c1).update(target_level=4)  # at three: below target
    Branch.objects.filter(village=world.v2).update(
        weak_lax=True,
        weak_lax_since=date(2026, 1, 1),
        first_secretary="赵第一",
        first_secretary_from=date(2024, 1, 1),
        first_secretary_until=timezone.localdate() + timedelta(days=30),
    )
    Cycle.objects.filter(pk=scored.pk).update(due=timezone.localdate() - timedelta(days=1))
    Rectification.objects.create(
        branch=world.branch(world.v2), cycle=scored.code, star="ZB", criterion="ZB-01",
        title="整改", owner="李", deadline=timezone.localdate() - timedelta(days=2),
    )  # fmt: skip
    scored.refresh_from_db()
    warnings = tally_inline(place=world.county, cycle=scored).data["warnings"]
    kinds = {(w["code"], w["kind"]) for w in warnings}
    assert (world.v2.code, "veto") in kinds
    assert (world.c1.code, "target") in kinds and (world.v1.code, "target") not in kinds
    assert {(c, "overdue") for c in (world.v1.code, world.c1.code, world.v2.code)} <= kinds
    assert (world.v2.code, "rectification") in kinds
    assert (world.v2.code, "weak_lax") in kinds
    assert (world.v2.code, "first_secretary") in kinds
    veto = next(w for w in warnings if w["kind"] == "veto")
    zb = Star.objects.filter(code="ZB").values_list("name", flat=True).first()
    assert f"ZB {zb}" in veto["detail"] and veto["township"] == "黄寨镇"  # named, not a code


def test_a_second_request_joins_the_live_run(world, scored, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run, started = tally_start(place=world.county, cycle=scored, user=SYSTEM)
        again, started_again = tally_start(place=world.county, cycle=scored, user=SYSTEM)
    assert started and not started_again and again.pk == run.pk
    assert len(callbacks) == 1  # one message for one run
    with pytest.raises(IntegrityError):
        TallyRun.objects.create(county=world.county, cycle=scored)  # the database says so too


def test_parts_are_idempotent_and_the_snapshot_is_written_once(world, scored):
    run = TallyRun.objects.create(
        county=world.county, cycle=scored, status="running", parts_total=2
    )
    assert tally_part(run_id=run.pk, township_id=world.town1.pk) is False
    assert tally_part(run_id=run.pk, township_id=world.town1.pk) is False  # a redelivery
    run.refresh_from_db()
    assert run.parts_done == 1 and not TallySnapshot.objects.exists()
    assert tally_gather(run_id=run.pk) is None  # not all parts in: nothing visible yet
    assert tally_part(run_id=run.pk, township_id=world.town2.pk) is True
    snapshot = tally_gather(run_id=run.pk)
    assert tally_gather(run_id=run.pk) == snapshot
    run.refresh_from_db()
    assert (run.status, run.progress) == ("done", 100)
    assert TallySnapshot.objects.count() == 1 and not TallyPart.objects.exists()


def test_the_reconciler_gathers_finished_runs_and_fails_stalled_ones(world, scored):
    finished = TallyRun.objects.create(
        county=world.county, cycle=scored, status="running", parts_total=2
    )
    for township in (world.town1, world.town2):
        tally_part(run_id=finished.pk, township_id=township.pk)
    TallySnapshot.objects.all().delete()
    TallyRun.objects.filter(pk=finished.pk).update(status="running")
    stalled = TallyRun.objects.create(
        county=world.other_county, cycle=scored, status="running", parts_total=1,
        heartbeat_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    assert tally_reconcile() == {"gathered": 1, "failed": 1}
    stalled.refresh_from_db()
    assert stalled.status == "failed" and "重新统计" in stalled.error
    assert tally_start(place=world.other_county, cycle=scored, user=SYSTEM)[
        1
    ]  # a rerun starts afresh


def test_a_tally_joins_a_run_at_work_and_replaces_one_whose_worker_died(world, scored, settings):
    """立即统计 joins the live run while it beats; silent past WUXING_TALLY_ALIVE_SECONDS (its
    worker died), it is failed with the reason and a new run starts at once, not after the
    reconciler or the queue's visibility timeout."""
    from tallies.services import tally_open

    beating = TallyRun.objects.create(
        county=world.county, cycle=scored, status="running", parts_total=2,
        heartbeat_at=timezone.now() - timedelta(seconds=30),
    )  # fmt: skip
    joined, started = tally_open(place=world.county, cycle=scored, user=world.county_user)
    assert (joined.pk, started) == (beating.pk, False)
    TallyRun.objects.filter(pk=beating.pk).update(
        heartbeat_at=timezone.now() - timedelta(seconds=settings.WUXING_TALLY_ALIVE_SECONDS + 1)
    )
    fresh, started = tally_open(place=world.county, cycle=scored, user=world.county_user)
    assert started and fresh.pk != beating.pk
    beating.refresh_from_db()
    assert beating.status == "failed" and "工作进程停止响应" in beating.error


def test_a_part_beats_as_it_starts_and_a_dead_runs_late_part_counts_for_nothing(world, scored):
    run = TallyRun.objects.create(
        county=world.county, cycle=scored, status="running", parts_total=2,
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )  # fmt: skip
    tally_part(run_id=run.pk, township_id=world.town1.pk)
    run.refresh_from_db()
    assert timezone.now() - run.heartbeat_at < timedelta(seconds=5) and run.parts_done == 1
    TallyRun.objects.filter(pk=run.pk).update(status="failed")
    assert tally_part(run_id=run.pk, township_id=world.town2.pk) is False  # redelivered late
    assert TallyRun.objects.get(pk=run.pk).parts_done == 1


@pytest.mark.django_db(transaction=True)
def test_the_command_runs_a_tally_and_prints_its_summary(world, scored, capsys, tasks_in_process):
    call_command("tally", county=world.county.code, cycle=scored.code, timeout=30)
    out = capsys.readouterr().out
    assert "清河县" in out and "三星以上 2 个（66.7%）" in out and "第1名 城关镇" in out
    call_command("tally", city=world.county.city.code, cycle=scored.code, timeout=30)
    out = capsys.readouterr().out
    assert "中原市" in out and "农村 3 个" in out and "第1名 清河县" in out
    with pytest.raises(CommandError, match="没有区划代码为 420000000000 的省"):
        call_command("tally", province="420000000000", cycle=scored.code)


def test_the_api_starts_joins_and_reports(
    api, world, scored, django_capture_on_commit_callbacks, tasks_in_process
):
    api.force_authenticate(world.county_user)
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("/api/v1/tallies/", {"county": world.county.code, "cycle": scored.code})
    assert first.status_code == 201
    done = api.get(f"/api/v1/tallies/{first.json()['id']}/").json()
    assert done["status"] == "done" and done["progress"] == 100
    assert done["result"]["projected"]["levels"] == [1, 0, 0, 1, 0, 1]
    api.force_authenticate(world.town1_user)
    refused = api.post("/api/v1/tallies/", {"county": world.county.code, "cycle": scored.code})
    assert refused.status_code == 403
    api.force_authenticate(world.other_county_user)
    assert api.get(f"/api/v1/tallies/{first.json()['id']}/").status_code == 404
    api.force_authenticate(world.city_user)
    city = world.county.city.code
    with django_capture_on_commit_callbacks(execute=True):
        run = api.post("/api/v1/tallies/", {"city": city, "cycle": scored.code})
    assert run.status_code == 201 and run.json()["city"] == city
    result = api.get(f"/api/v1/tallies/{run.json()['id']}/").json()["result"]
    assert result["place"]["code"] == city and len(result["children"]) == 2
    both = api.post("/api/v1/tallies/", {"city": city, "county": world.county.code, "cycle": "x"})
    assert both.status_code == 400
    api.force_authenticate(world.county_user)  # a county's staff may not run their city's
    assert api.post("/api/v1/tallies/", {"city": city, "cycle": scored.code}).status_code == 403


@pytest.fixture
def big_county(world, rural, cycle):
    """Twelve more townships of thirty branches each, scored and tallied."""
    towns = Township.objects.bulk_create(
        Township(code=f"419921{120 + n:03d}000", name=f"新镇{n}", county=world.county)
        for n in range(12)
    )
    villages = Village.objects.bulk_create(
        Village(code=f"{t.code[:9]}{200 + i:03d}", name=f"{t.name}{i}村", township=t,
                kind=VillageKind.RURAL)
        for t in towns
        for i in range(1, 31)
    )  # fmt: skip
    Branch.objects.bulk_create(Branch(village=v, name=f"中共{v.name}支部") for v in villages)
    tally_inline(place=world.county, cycle=cycle)
    return cycle


@pytest.mark.parametrize("size", ["small", "big"])
def test_the_dashboard_reads_the_snapshot_in_a_fixed_number_of_queries(
    client, world, rural, cycle, request, django_assert_max_num_queries, size
):
    if size == "big":
        request.getfixturevalue("big_county")
    else:
        tally_inline(place=world.county, cycle=cycle)
    client.force_login(world.county_user)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("dashboard"), {"cycle": cycle.code})
    assert page.status_code == 200 and "chart-data" in page.content.decode()
    with django_assert_max_num_queries(15):
        township = client.get(reverse("dashboard-place", args=[world.town1.code]))
    assert township.status_code == 200


def test_township_staff_see_only_their_own_township(client, world, scored):
    tally_inline(place=world.county, cycle=scored)
    client.force_login(world.town1_user)
    response = client.get(reverse("dashboard"))
    assert response["Location"] == reverse("dashboard-place", args=[world.town1.code])
    page = client.get(response["Location"]).content.decode()
    assert world.v1.name in page and world.v2.name not in page
    assert client.get(reverse("dashboard-place", args=[world.town2.code])).status_code == 404
    client.force_login(world.sec_v1)
    assert client.get(reverse("dashboard")).status_code == 403
    client.force_login(world.other_county_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert world.v1.name not in page and "尚无统计结果" in page


def test_the_bulletin_ranks_with_comments_as_a_page_and_a_workbook(client, world, scored):
    Target.objects.create(
        year=YEAR, kind="rural", township=world.town2, five_star=2, four_star=3, three_plus_share=50
    )
    tally_inline(place=world.county, cycle=scored)
    client.force_login(world.county_user)
    page = client.get(reverse("bulletin"), {"cycle": scored.code}).content.decode()
    assert "排名通报" in page and "三星以上占比低于目标50.0%" in page
    book = openpyxl.load_workbook(
        io.BytesIO(
            client.get(reverse("bulletin"), {"cycle": scored.code, "format": "xlsx"}).content
        )
    )
    rows = [[c.value for c in row] for row in book.active.iter_rows(values_only=False)]
    assert rows[0][:2] == ["排名", "乡镇(街道)"] and rows[1][:2] == [1, "城关镇"]
    assert rows[1][-1].startswith("三星以上2个")
    # Rural and community apart: 城关镇 has one of each (v1 five stars, c1 three), 黄寨镇 no
    # community at all.
    rural, community = rows[0].index("农村三星以上占比(%)"), rows[0].index("社区三星以上占比(%)")
    assert (rows[1][rural], rows[1][community]) == (100, 100)
    assert rows[2][community] is None


def test_targets_and_branch_targets_import_from_sheets(client, world, tmp_path, capsys):
    client.force_login(world.county_user)
    sheet = (
        "年度,区划代码,名称,类型,五星目标数,四星目标数,三星以上占比(%)\n"
        f"{YEAR},{world.town1.code},城关镇,农村,3,5,80\n"
        f"{YEAR},{world.town1.code},城关镇,社区,1,1,60%\n"
    )
    upload = SimpleUploadedFile("目标.csv", sheet.encode("gbk"), "text/csv")
    page = client.post(
        reverse("targets") + f"?year={YEAR}", {"kind": "targets", "file": upload}, follow=True
    ).content.decode()
    assert "已导入2行创建目标" in page
    rural = Target.objects.get(township=world.town1, kind="rural")
    assert (rural.five_star, rural.four_star, float(rural.three_plus_share)) == (3, 5, 80.0)
    assert float(Target.objects.get(township=world.town1, kind="community").three_plus_share) == 60
    bad = (
        sheet.replace(",农村,3,", ",乡村,3,")
        + f"{YEAR},{world.other_town.code},柳林镇,农村,1,1,1\n"
    )
    upload = SimpleUploadedFile("目标.csv", bad.encode("utf-8"), "text/csv")
    page = client.post(
        reverse("targets") + f"?year={YEAR}", {"kind": "targets", "file": upload}, follow=True
    ).content.decode()
    assert "第2行“类型”（乡村）：应为“农村”或“社区”" in page
    template = client.get(reverse("targets"), {"year": YEAR, "format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(template.content)).active.values)
    assert rows[0][:4] == ("年度", "区划代码", "名称", "类型")
    assert (YEAR, world.town1.code, "城关镇", "农村", 3, 5, 80) in rows
    levels = tmp_path / "levels.csv"
    levels.write_text(f"区划代码,村(社区),创星目标\n{world.v1.code},王庄村,4\n", encoding="utf-8")
    call_command("import_registers", "branch-targets", str(levels), username="town1")
    assert Branch.objects.get(village=world.v1).target_level == 4
    outside = tmp_path / "outside.csv"
    outside.write_text(f"区划代码,村(社区),创星目标\n{world.v2.code},李楼村,4\n", encoding="utf-8")
    with pytest.raises(Exception, match="有错误"):
        call_command("import_registers", "branch-targets", str(outside), username="town1")
    assert Branch.objects.get(village=world.v2).target_level is None


def test_generate_load_builds_scored_counties_ready_to_tally(capsys):
    call_command("generate_load", counties=2, branches_per_county=40, cycle=str(YEAR))
    from scoring.models import Answer, Checklist

    assert Branch.objects.count() == 80
    assert Answer.objects.count() == 80 * 91
    assert not Checklist.objects.filter(level__isnull=True).exists()  # scored as they were made
    county = Township.objects.first().county
    data = tally_inline(place=county, cycle=Cycle.objects.get(code=str(YEAR))).data
    assert data["branches"] == 40 and sum(data["projected"]["levels"]) == 40
    call_command("generate_load", counties=1, branches_per_county=5, cycle=str(YEAR))
    assert Branch.objects.count() == 85  # more counties, numbered on
    assert "完成" in capsys.readouterr().out


def test_county_staff_set_targets_by_kind_on_a_page_and_the_tally_uses_them(client, world, scored):
    client.force_login(world.county_user)
    page = client.get(reverse("targets"), {"year": YEAR}).content.decode()
    assert world.town1.name in page and world.other_town.name not in page
    form = {f"{k}-{kind}-{code}": "0" for k in ("five", "four", "share")
            for kind in ("rural", "community")
            for code in (world.county.code, world.town1.code, world.town2.code)}  # fmt: skip
    form |= {f"five-rural-{world.county.code}": "2", f"share-rural-{world.county.code}": "80"}
    form |= {
        f"five-community-{world.county.code}": "1",
        f"share-community-{world.county.code}": "50",
    }
    client.post(reverse("targets") + f"?year={YEAR}", form)
    target = Target.objects.get(county=world.county, year=YEAR, kind="rural")
    assert (target.five_star, float(target.three_plus_share)) == (2, 80.0)
    page = client.get(reverse("targets"), {"year": YEAR}).content.decode()
    # The townships' targets (all zero) add up to less than the county's own.
    assert "农村五星：下级目标合计0个，少于本级目标2个" in page
    assert "农村三星以上占比：下级目标按支部数加权为0.0%，低于本级目标80.0%" in page
    bad = form | {f"share-rural-{world.town1.code}": "120"}
    page = client.post(reverse("targets") + f"?year={YEAR}", bad, follow=True).content.decode()
    assert "占比须在0～100之间" in page
    data = tally_inline(place=world.county, cycle=scored).data
    # Two rural branches (v1, v2) and one community (c1): both kinds together is the sum, the
    # share weighted by branches.
    assert data["kinds"]["rural"]["target"]["five_star"] == 2
    assert data["kinds"]["community"]["target"]["three_plus_share"] == 50.0
    assert data["target"] == {"five_star": 3, "four_star": 0, "three_plus_share": 70.0}
    assert data["kinds"]["rural"]["branches"] == 2 and data["kinds"]["community"]["branches"] == 1
    client.force_login(world.town1_user)
    assert client.get(reverse("targets")).status_code == 403


def test_a_year_that_is_not_one_is_said_so_on_the_targets_page(client, world):
    client.force_login(world.county_user)
    for bad in ("abc", "99999", "-1"):
        page = client.get(reverse("targets"), {"year": bad})
        assert (
            page.status_code == 200 and "年度应为2000～2100之间的四位数字" in page.content.decode()
        )


def test_a_city_tally_writes_every_county_and_the_city_and_its_dashboard_drills_down(
    client, world, scored, django_assert_max_num_queries
):
    Target.objects.create(
        year=YEAR, kind="rural", city=world.county.city, five_star=9, four_star=9,
        three_plus_share=90,
    )  # fmt: skip
    snapshot = tally_inline(place=world.county.city, cycle=scored)
    assert TallySnapshot.objects.filter(county__isnull=False).count() == 2  # both counties
    data = snapshot.data
    assert data["branches"] == 4 and [c["name"] for c in data["children"]] == [
        c["name"] for c in sorted(data["children"], key=lambda c: c["rank"])
    ]
    assert {c["code"] for c in data["children"]} == {world.county.code, world.other_county.code}
    assert data["kinds"]["rural"]["branches"] == 3 and data["kinds"]["community"]["branches"] == 1
    assert data["kinds"]["rural"]["target"]["five_star"] == 9
    province = tally_inline(place=world.county.city.province, cycle=scored).data
    assert province["children"][0]["code"] == world.county.city.code
    client.force_login(world.city_user)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("dashboard"), {"cycle": scored.code})
    text = page.content.decode()
    assert "县(市、区)排名" in text and world.other_county.name in text and "未达目标" in text
    county = client.get(reverse("dashboard-place", args=[world.county.code]))
    assert world.town1.name in county.content.decode() and "中原市" in county.content.decode()
    assert client.get(reverse("region-bulletin", args=[world.county.city.code])).status_code == 200
    book = client.get(reverse("region-bulletin", args=[world.county.city.code]), {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(book.content)).active.values)
    assert rows[0][:2] == ("排名", "县(市、区)") and len(rows) == 3
    client.force_login(world.province_user)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("dashboard"), {"cycle": scored.code})
    assert "中原市" in page.content.decode() and "市排名" in page.content.decode()
    client.force_login(world.county_user)  # a county never opens its city's dashboard
    assert client.get(reverse("dashboard-place", args=[world.county.city.code])).status_code == 404


def chart_data(page) -> dict:
    html = page.content.decode()
    start = html.index('<script id="chart-data" type="application/json">') + len(
        '<script id="chart-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_charts_name_the_stars_and_quarters_draw_no_awarded_point(
    client, world, scored, quarter
):
    """Issue 28: the axes showed star codes (CY, FW) and the 已授 trend dropped to 0 on each
    quarter (quarters rank, they never award), which read as a collapse."""
    tally_inline(place=world.county, cycle=quarter)
    tally_inline(place=world.county, cycle=scored)
    client.force_login(world.county_user)
    charts = chart_data(client.get(reverse("dashboard"), {"cycle": scored.code}))
    assert "支部过硬星" in charts["stars"]["labels"] and "ZB" not in charts["stars"]["labels"]
    trend = dict(zip(charts["trend"]["labels"], charts["trend"]["official"], strict=True))
    assert trend[quarter.code] is None and trend[scored.code] is not None
    township = chart_data(client.get(reverse("dashboard-place", args=[world.town1.code])))
    assert "产业兴旺星" in township["stars"]["labels"]
