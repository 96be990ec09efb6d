"""City and province snapshots, gathered from the snapshots of the places one level down (a
city's counties, a province's cities): the same headline figures as a county's, by kind and
together, with the children ranked. Plain functions over snapshot documents: no queries but
the targets."""

from typing import Any

from branches.models import Target
from catalogues.models import Cycle
from tallies.figures import WARNING_KINDS, average_of, sum_up
from tallies.kinds import kinds_add, kinds_headline, kinds_raw, targets_by_place
from villages.models import City, Province

CHILD_LABEL = {"province": "市", "city": "县(市、区)"}


def region_snapshot(
    *,
    place: City | Province,
    cycle: Cycle,
    children: list[tuple[Any, dict[str, Any]]],
    targets: dict[str, dict[str, Target]] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`place`'s snapshot from its children's snapshot documents, each with its place."""
    if targets is None:
        targets = _targets(place, cycle)
    documents = [data for _child, data in children]
    total = sum(d["branches"] for d in documents)
    star_kinds: dict[str, list[str]] = {}
    for d in documents:
        for star, owners in d.get("star_kinds", {}).items():
            star_kinds.setdefault(star, [k for k in owners])
    raw = kinds_add([kinds_raw(d["kinds"]) for d in documents])
    kinds = {k: v["branches"] for k, v in raw.items()}

    rows = _children_ranked(children, targets)
    by_kind = kinds_headline(raw, targets.get(place.code, {}))
    counts = dict.fromkeys(WARNING_KINDS, 0)
    for row in rows:
        for kind, n in row["warning_counts"].items():
            counts[kind] = counts.get(kind, 0) + n
    level = "province" if isinstance(place, Province) else "city"
    projected, official = (
        sum_up(documents, key, total=total, kinds=kinds, star_kinds=star_kinds)
        for key in ("projected", "official")
    )
    data = {
        "place": {"code": place.code, "name": place.name, "level": level},
        "cycle": {"code": cycle.code, "annual": cycle.is_annual},
        "branches": total,
        "projected": projected,
        "official": official,
        "kinds": by_kind,
        "target": by_kind["all"]["target"],
        "children": rows,
        "child_label": CHILD_LABEL[level],
        "warning_counts": counts,
        "not_started": sum(r["not_started"] for r in rows),
        "star_kinds": star_kinds,
    }
    summary = {
        "branches": total,
        "projected": {k: projected[k] for k in ("levels", "three_plus", "share")},
        "official": {k: official[k] for k in ("levels", "three_plus", "share")},
        "kinds": {k: {"share": v["projected"]["share"]} for k, v in by_kind.items()},
        "target": data["target"],
        "warnings": sum(counts.values()),
        "children": {
            r["code"]: {"share": r["projected"]["share"], "average": r["projected"]["average"]}
            for r in rows
        },
    }
    return data, summary


def _targets(place: Province | City, cycle: Cycle) -> dict[str, dict[str, Target]]:
    """The targets of `place` and of the places one level down, for the cycle's year."""
    rows = Target.objects.filter(year=cycle.year)
    if isinstance(place, Province):
        rows = rows.filter(province=place) | rows.filter(city__province=place)
    else:
        rows = rows.filter(city=place) | rows.filter(county__city=place)
    return targets_by_place(rows)


def _children_ranked(
    children: list[tuple[Any, dict[str, Any]]], targets: dict[str, dict[str, Target]]
) -> list[dict[str, Any]]:
    """Each child place's row of the table, ranked by share at three stars or more, then
    average level."""
    rows = []
    for child, d in children:
        projected = d["projected"]
        rows.append(
            {
                "code": child.code,
                "name": child.name,
                "branches": d["branches"],
                "projected": {k: projected[k] for k in ("levels", "three_plus", "share")}
                | {"average": projected.get("average", average_of(projected["levels"]))},
                "official": {k: d["official"][k] for k in ("levels", "three_plus", "share")},
                "kinds": kinds_headline(kinds_raw(d["kinds"]), targets.get(child.code, {})),
                "warning_counts": d.get("warning_counts", {}),
                "warning_count": sum(d.get("warning_counts", {}).values()),
                "not_started": d.get("not_started", _not_started(d)),
                "children": len(d.get("townships", d.get("children", []))),
            }
        )
    rows.sort(key=lambda r: (-r["projected"]["share"], -r["projected"]["average"], r["code"]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
        row["target"] = row["kinds"]["all"]["target"]
    return rows


def _not_started(county: dict[str, Any]) -> int:
    return sum(t.get("not_started", 0) for t in county.get("townships", []))
