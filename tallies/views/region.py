"""The dashboards and bulletins of a city or a province (市、省驾驶舱与排名通报): headline
figures against targets by kind, each child place ranked, warnings rolled up, drill-down to
the child's dashboard. Read from the place's latest snapshot: a fixed number of queries
whatever the size of the province."""

from typing import Any

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import may
from access.scope import governs, restrict
from branches.models import Target
from catalogues.selectors import cycles_newest_first, star_names_of
from core.views import cycle_chosen
from scoring.views.common import change_words, previous_summary
from tallies.figures import WARNING_KINDS
from tallies.selectors.snapshots import snapshot_latest, snapshot_trend, tally_live
from uploads.exports import dataset_response
from villages.codes import Level, level_of
from villages.models import PLACE_MODELS, City, County, Province, Township

KIND_LABELS = dict(Target.Kind.choices)  # rural, community, and both together


_PARENT = {Township: "county", County: "city", City: "province"}


def crumbs(user: Any, place: Any) -> list[Any]:
    """The places above `place` whose dashboards `user` may open, top first (the way back up
    a drill-down)."""
    above = []
    while field := _PARENT.get(type(place)):
        place = getattr(place, field)
        above.append(place)
    return [p for p in reversed(above) if governs(user, p.LEVEL)]


def region_dashboard(request: HttpRequest, place: City | Province) -> HttpResponse:
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    snapshot = snapshot_latest(place=place, cycle=cycle)
    data = snapshot.data if snapshot else None
    trend = snapshot_trend(place=place)
    context = {
        "place": place,
        "crumbs": crumbs(request.user, place),
        "cycles": cycles,
        "cycle": cycle,
        "snapshot": snapshot,
        "data": data,
        "kinds": kinds_rows(data),
        "warning_kinds": WARNING_KINDS,
        "live": tally_live(place=place, cycle=cycle),
        "trend": trend,
        "charts": place_charts(data, data["children"], trend) if data else {},
    }
    return render(request, "tallies/region.html", context)


def kinds_rows(data: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Rural, community and both, as rows of the headline table (of a snapshot, or of a
    township's part of one)."""
    if data is None or "kinds" not in data:
        return []
    return [{"label": label, **data["kinds"][kind]} for kind, label in KIND_LABELS.items()]


def place_charts(
    data: dict[str, Any], children: list[dict[str, Any]], trend: list[dict[str, Any]]
) -> dict[str, Any]:
    """What a place's dashboard draws (ECharts, from json_script): levels per child place
    (townships, counties or cities) as stacked bars, attainment per star, the trend."""
    attained = data["projected"]["attainment"]
    official = data["official"]["attainment"]
    return {
        "townships": {  # the stacked bars of levels per child (the county dashboard's chart)
            "labels": [c["name"] for c in children],
            "levels": [[c["projected"]["levels"][n] for c in children] for n in range(6)],
        },
        "stars": star_chart(data, attained, official),
        "trend": {
            "labels": [t["cycle"] for t in trend],
            "share": [t["projected"]["share"] for t in trend],
            # Quarters rank, they never award: no 已授 point there, rather than a drop to 0.
            "official": [None if "Q" in t["cycle"] else t["official"]["share"] for t in trend],
        },
    }


def star_chart(
    data: dict[str, Any], attained: dict[str, float], official: dict[str, float]
) -> dict[str, Any]:
    """Attainment per star, labelled with the stars' names (支部过硬星, not ZB)."""
    names = star_names_of(year=int(data["cycle"]["code"][:4]))
    return {
        "labels": [names.get(code, code) for code in attained],
        "projected": list(attained.values()),
        "official": [official.get(code, 0) for code in attained],
    }


def region_comment(child: dict[str, Any], previous: dict[str, Any] | None) -> str:
    """A sentence per child place for the bulletin, from its figures."""
    kinds = child["kinds"]
    parts = [
        _("三星以上占%(share)s%%（农村%(rural)s%%，社区%(community)s%%）")
        % {
            "share": child["projected"]["share"],
            "rural": kinds["rural"]["projected"]["share"],
            "community": kinds["community"]["projected"]["share"],
        }
    ]
    parts += change_words(child["projected"]["share"], previous)
    for kind, label in (("rural", _("农村")), ("community", _("社区"))):
        target = kinds[kind]["target"]
        if target and kinds[kind]["projected"]["share"] < target["three_plus_share"]:
            parts.append(
                _("%(label)s三星以上占比低于目标%(t)s%%")
                % {"label": label, "t": target["three_plus_share"]}
            )
    if child["warning_count"]:
        parts.append(_("预警%(n)s条") % {"n": child["warning_count"]})
    return "；".join(parts) + "。"


@login_required
def region_bulletin(request: HttpRequest, code: str) -> HttpResponse:
    """A city's or province's ranking bulletin (排名通报) of its children, printable or
    `?format=xlsx`."""
    user = request.user
    if not may(user, "region.view"):
        raise PermissionDenied
    level = level_of(code)
    if level not in (Level.PROVINCE, Level.CITY):
        raise Http404
    model = PLACE_MODELS[level]
    place = get_object_or_404(restrict(model.objects.all(), user), code=code)
    if not may(user, "region.view", place):
        raise Http404
    cycles = list(cycles_newest_first())
    cycle = cycle_chosen(request, cycles)
    snapshot = snapshot_latest(place=place, cycle=cycle)
    if snapshot is None:
        messages.error(request, _("该周期还没有统计结果，请先统计。"))
        return redirect("dashboard-place", code=place.code)
    before = previous_summary(snapshot_trend(place=place), cycle)
    rows = []
    for child in snapshot.data["children"]:
        previous = before.get("children", {}).get(child["code"])
        rows.append({**child, "comment": region_comment(child, previous)})
    if request.GET.get("format") == "xlsx":
        dataset = tablib.Dataset(
            headers=[_("排名"), snapshot.data["child_label"], _("支部数"), _("五星"), _("四星"),
                     _("三星以上占比(%)"), _("农村三星以上占比(%)"), _("社区三星以上占比(%)"),
                     _("平均星级"), _("预警"), _("点评")],
            title=_("排名通报"),
        )  # fmt: skip
        for r in rows:
            levels = r["projected"]["levels"]
            dataset.append(
                [r["rank"], r["name"], r["branches"], levels[5], levels[4],
                 r["projected"]["share"], r["kinds"]["rural"]["projected"]["share"],
                 r["kinds"]["community"]["projected"]["share"], r["projected"]["average"],
                 r["warning_count"], r["comment"]]
            )  # fmt: skip
        stamp = timezone.localdate().strftime("%Y%m%d")
        return dataset_response(
            dataset, fmt="xlsx", filename=f"排名通报-{place.name}-{cycle}-{stamp}"
        )
    context = {
        "place": place,
        "cycle": cycle,
        "snapshot": snapshot,
        "rows": rows,
        "kinds": kinds_rows(snapshot.data),
    }
    return render(request, "tallies/region_bulletin.html", context)
