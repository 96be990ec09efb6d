"""The county dashboard (驾驶舱) and the township's, the bulletin (通报) and targets. Pages read
the latest tally snapshot: a fixed number of queries whatever the county's size."""

from typing import Any

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.rules import may
from access.scope import governs, restrict
from catalogues.models import Cycle
from catalogues.selectors import cycles_newest_first
from core.views import cycle_chosen
from printing.pdf import pdf_response
from scoring.choices import ChecklistState
from scoring.views.common import change_words, previous_summary
from tallies.figures import WARNING_KINDS
from tallies.kinds import attainment, kinds_of
from tallies.models import TallyRun
from tallies.selectors.quarters import quarter_figures
from tallies.selectors.responsibility import codes_answered_by
from tallies.selectors.snapshots import snapshot_latest, snapshot_trend, tally_live
from tallies.selectors.wallchart import wallchart
from tallies.tasks import tally_start
from tallies.views.region import (
    crumbs,
    kinds_rows,
    place_charts,
    region_dashboard,
    star_chart,
)
from uploads.exports import dataset_response
from villages.codes import Level, level_of
from villages.models import PLACE_MODELS, City, County, Province, Township

WARNINGS_PER_PAGE = 50


@login_required
def dashboard(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """The dashboard of a place (`code`), or of the user's own: a province's or a city's
    (children ranked), a county's (townships ranked) or a township's (its branches). Each
    user drills down from their own place; township staff see only their own township."""
    user = request.user
    if not may(user, "dashboard.view"):
        raise PermissionDenied
    level = level_of(code) if code is not None else None
    if code is not None and level in (None, Level.VILLAGE):
        raise Http404
    place = user.place if code is None else _governed(user, level, code)
    if isinstance(place, Province | City):
        return region_dashboard(request, place)
    if isinstance(place, County):
        return _county_dashboard(request, place, None)
    if isinstance(place, Township):
        if code is None:
            return redirect("dashboard-place", code=place.code)
        return _county_dashboard(request, place.county, place)
    raise PermissionDenied  # a superuser bound to no place: the admin is theirs


def _governed(user: Any, level: Level | None, code: str) -> Any:
    """The place with `code` if `user` works there or above it; 404 otherwise (the name of a
    place above one's own is visible, its dashboard is not)."""
    if level in (None, Level.VILLAGE) or not governs(user, level):
        raise Http404
    related = {Level.TOWNSHIP: ("county",)}.get(level, ())
    return get_object_or_404(
        restrict(PLACE_MODELS[level].objects.select_related(*related), user), code=code
    )


def _county_dashboard(
    request: HttpRequest, county: County, township: Township | None
) -> HttpResponse:
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    snapshot = snapshot_latest(place=county, cycle=cycle)
    live = tally_live(place=county, cycle=cycle)
    data = snapshot.data if snapshot else None
    part, warnings = _township_part(data, township)
    trend = snapshot_trend(place=county)
    if township is not None:
        trend = [
            {"cycle": t["cycle"], **t.get("townships", {}).get(township.code, {})} for t in trend
        ]
    wanted = {
        "warning": request.GET.get("warning", ""),
        "wt": request.GET.get("wt", ""),
        "person": request.GET.get("person", "").strip()[:60],
    }
    shown, part = _filtered(request.user, wanted, warnings, part, township, cycle)
    page = Paginator(shown, WARNINGS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "crumbs": crumbs(request.user, township or county),
        "page": page,
        "query": query.urlencode(),
        "wanted": wanted,
        "county": county,
        "township": township,
        "cycles": cycles,
        "cycle": cycle,
        "snapshot": snapshot,
        "data": data,
        "part": part,
        "warnings": warnings,
        "warning_kinds": WARNING_KINDS,
        "warning_counts": [
            (kind, label, sum(1 for w in warnings if w["kind"] == kind))
            for kind, label in WARNING_KINDS.items()
        ],
        "trend": trend,
        "live": live,
        "charts": _charts(data, part, trend),
        "kinds": kinds_rows(part if township is not None else data),
        **_quarter(request.user, county, township, cycle),
    }
    return render(request, "tallies/dashboard.html", context)


def _township_part(
    data: dict[str, Any] | None, township: Township | None
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The township's part of the county's snapshot (its branches with their states' words)
    and the warnings shown: the township's, or the whole county's."""
    if data is None:
        return None, []
    if township is None:
        return None, data["warnings"]
    part = next((t for t in data["townships"] if t["code"] == township.code), None)
    labels = dict(ChecklistState.choices)
    for branch in part["branch_list"] if part else []:
        branch["state_label"] = labels.get(branch["state"], _("未开始"))
    return part, [w for w in data["warnings"] if w["township"] == township.name]


def _filtered(
    user: Any,
    wanted: dict[str, str],
    warnings: list[dict[str, Any]],
    part: dict[str, Any] | None,
    township: Township | None,
    cycle: Any,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The warnings (and the township's branches) as filtered by kind, township and person."""
    shown = warnings
    if wanted["warning"] in WARNING_KINDS:
        shown = [w for w in shown if w["kind"] == wanted["warning"]]
    if wanted["wt"] and township is None:
        shown = [w for w in shown if w["township"] == wanted["wt"]]
    if wanted["person"] and cycle is not None:
        # 五级分包: what one cadre or helping unit answers for (queries only when asked).
        codes = codes_answered_by(user=user, year=cycle.year, name=wanted["person"])
        shown = [w for w in shown if w["code"] in codes]
        if part is not None:
            part = {**part, "branch_list": [b for b in part["branch_list"] if b["code"] in codes]}
    return shown, part


def _quarter(user: Any, county: County, township: Township | None, cycle: Any) -> dict[str, Any]:
    """A quarterly cycle's dynamic scoring ranking (季度考评), for the dashboard and bulletin."""
    if cycle is None or cycle.is_annual:
        return {}
    figures = quarter_figures(user=user, county=county, cycle=cycle)
    opened = next((t for t in figures if township and t.code == township.code), None)
    return {"quarter": figures, "quarter_township": opened}


def _charts(
    data: dict[str, Any] | None, part: dict[str, Any] | None, trend: list[dict[str, Any]]
) -> dict[str, Any]:
    """What the ECharts code draws, as plain data (rendered with json_script)."""
    if data is None:
        return {}
    if part is not None:
        kinds = kinds_of(part["branch_list"])
        star_kinds = data.get("star_kinds", {})
        projected = attainment(part["projected"]["stars"], kinds, star_kinds)
        official = attainment(part["official"]["stars"], kinds, star_kinds)
        return {
            "levels": {
                "labels": [f"{n}星" for n in range(6)],
                "projected": part["projected"]["levels"],
                "official": part["official"]["levels"],
            },
            "stars": star_chart(data, projected, official),
            "trend": {
                "labels": [t["cycle"] for t in trend],
                "share": [t.get("share") for t in trend],
            },
        }
    return place_charts(data, data["townships"], trend)


@login_required
@require_POST
def tally_request(request: HttpRequest) -> HttpResponse:
    """Start a tally of a place (the user's own unless `place` names one they govern, county
    or above) now, or join the one under way."""
    user = request.user
    if not may(user, "tally.start"):
        raise PermissionDenied
    cycle = get_object_or_404(Cycle, code=request.POST.get("cycle", ""))
    code = request.POST.get("place") or getattr(user.place, "code", "")
    level = level_of(code)
    if level not in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        raise Http404
    place = _governed(user, level, code)
    if not may(user, "tally.start", place):
        raise PermissionDenied
    run, started = tally_start(place=place, cycle=cycle, user=user)
    run.refresh_from_db(fields=["status", "error"])
    if run.status == TallyRun.Status.FAILED:
        messages.error(request, run.error)
    elif started:
        messages.success(request, _("已开始统计，完成后页面自动刷新。"))
    else:
        messages.info(request, _("统计正在进行中，已为您接上进度。"))
    return redirect(f"{reverse('dashboard-place', args=[place.code])}?cycle={cycle.code}")


@login_required
def tally_status(request: HttpRequest, pk: int) -> JsonResponse:
    if not may(request.user, "tally.view"):
        raise Http404  # the dashboard's progress is for township and county staff
    run = get_object_or_404(restrict(TallyRun.objects.all(), request.user), pk=pk)
    return JsonResponse(
        {"status": run.status, "progress": run.progress, "message": run.error},
        headers={"Cache-Control": "no-store"},
    )


def _kind_share(kinds: dict[str, Any], kind: str) -> float | str:
    """A township's share at three stars or more among its branches of `kind`; blank where it
    has none of that kind."""
    figures = kinds.get(kind)
    return figures["projected"]["share"] if figures and figures["branches"] else ""


def bulletin_comment(township: dict[str, Any], previous: dict[str, Any] | None) -> str:
    """A sentence per township for the bulletin, from its figures."""
    projected = township["projected"]
    parts = [
        _("三星以上%(n)s个，占%(share)s%%，平均%(avg)s星")
        % {"n": projected["three_plus"], "share": projected["share"], "avg": projected["average"]}
    ]
    parts += change_words(projected["share"], previous)
    target = township.get("target")
    if target:
        five = projected["levels"][5]
        parts.append(_("五星目标%(t)s个，已测算%(n)s个") % {"t": target["five_star"], "n": five})
        if projected["share"] < target["three_plus_share"]:
            parts.append(_("三星以上占比低于目标%(t)s%%") % {"t": target["three_plus_share"]})
    if township["warning_count"]:
        parts.append(_("预警%(n)s条，请抓紧整改") % {"n": township["warning_count"]})
    if township["not_started"]:
        parts.append(_("%(n)s个支部尚未填报") % {"n": township["not_started"]})
    return "；".join(parts) + "。"


@login_required
def bulletin(request: HttpRequest) -> HttpResponse:
    """The ranking bulletin (定期通报排名) as a printable page, or `?format=xlsx`."""
    if not may(request.user, "county.work"):
        raise PermissionDenied
    county = request.user.county
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    snapshot = snapshot_latest(place=county, cycle=cycle)
    if snapshot is None:
        messages.error(request, _("该周期还没有统计结果，请先统计。"))
        return redirect("dashboard")
    before = previous_summary(snapshot_trend(place=county), cycle)
    rows = []
    for t in snapshot.data["townships"]:
        previous = before.get("townships", {}).get(t["code"])
        rows.append({**t, "comment": bulletin_comment(t, previous)})
    if request.GET.get("format") == "xlsx":
        dataset = tablib.Dataset(
            headers=[_("排名"), _("乡镇(街道)"), _("支部数"), _("五星"), _("四星"), _("三星"),
                     _("三星以上占比(%)"), _("农村三星以上占比(%)"), _("社区三星以上占比(%)"),
                     _("平均星级"), _("预警"), _("点评")],
            title=_("排名通报"),
        )  # fmt: skip
        for r in rows:
            levels = r["projected"]["levels"]
            kinds = r.get("kinds", {})
            dataset.append(
                [r["rank"], r["name"], r["branches"], levels[5], levels[4], levels[3],
                 r["projected"]["share"], _kind_share(kinds, "rural"),
                 _kind_share(kinds, "community"), r["projected"]["average"],
                 r["warning_count"], r["comment"]]
            )  # fmt: skip
        stamp = timezone.localdate().strftime("%Y%m%d")
        return dataset_response(dataset, fmt="xlsx", filename=f"排名通报-{cycle}-{stamp}")
    context = {
        "county": county,
        "cycle": cycle,
        "snapshot": snapshot,
        "rows": rows,
        "kinds": kinds_rows(snapshot.data),
        **_quarter(request.user, county, None, cycle),
    }
    return render(request, "tallies/bulletin.html", context)


@login_required
def wallchart_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """A township's progress wall chart (挂图作战) as an A3 landscape PDF (`?format=html` to
    look at it first), for the township's staff and those above it."""
    if not may(request.user, "dashboard.view"):
        raise PermissionDenied
    township = _governed(request.user, Level.TOWNSHIP, code)
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    if cycle is None:
        raise Http404
    context = {
        "township": township,
        "cycle": cycle,
        "chart": wallchart(user=request.user, township=township, cycle=cycle),
    }
    if request.GET.get("format") == "html":
        return render(request, "print/wallchart.html", context)
    return pdf_response(
        "print/wallchart.html", context, request, filename=f"{township.name}{cycle.code}挂图作战表"
    )
