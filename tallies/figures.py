"""What a tally counts, as plain functions: one township's figures from the database (a fixed
number of set-based queries), and a county's snapshot gathered from its townships' figures.

Levels are the ones the scoring services store whenever answers change, so "projected" needs no
rescoring here; "official" is the awarded rating (Rating) of the cycle's year.
"""

import json
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from branches.models import RectificationStatus, Target
from catalogues.models import Cycle
from scoring.choices import EDITABLE_STATES
from tallies.kinds import (
    LEVELS,
    attainment,
    kinds_add,
    kinds_headline,
    kinds_of,
    no_branches,
    share_of,
    star_kinds_of,
    targets_by_place,
)
from villages.models import County, Township

POSTING_WARNING_DAYS = 180  # first-secretary postings ending within this are watched


_BRANCH_ROWS = """
    SELECT v.township_id, b.id, v.code, v.name, v.kind, b.weak_lax, b.first_secretary,
           b.first_secretary_until, b.target_level, k.level, k.state,
           COALESCE((SELECT array_agg(s.star ORDER BY s.star) FROM scoring_starscore s
                     WHERE s.checklist_id = k.id AND s.earned), '{}') AS earned,
           COALESCE((SELECT array_agg(s.star ORDER BY s.star) FROM scoring_starscore s
                     WHERE s.checklist_id = k.id AND s.vetoed), '{}') AS vetoed,
           (SELECT count(*) FROM branches_rectification r
             WHERE r.branch_id = b.id AND r.status = %s AND r.deadline < %s) AS overdue,
           g.level AS official, g.stars::text AS official_stars
    FROM branches_branch b
    JOIN villages_village v ON v.id = b.village_id
    LEFT JOIN scoring_checklist k ON k.branch_id = b.id AND k.cycle_id = %s
    LEFT JOIN branches_rating g ON g.branch_id = b.id AND g.year = %s
    WHERE v.township_id = ANY(%s)
    ORDER BY v.code
"""
_KEYS = (
    "pk", "code", "name", "kind", "weak_lax", "first_secretary", "first_secretary_until",
    "target_level", "level", "state", "earned", "vetoed", "overdue", "official", "official_stars",
)  # fmt: skip


def branch_rows_many(
    *, township_ids: list[int], cycle: Cycle, today: date
) -> dict[int, list[dict[str, Any]]]:
    """One row per branch of each township with what a tally needs: its checklist's level and
    state, earned and vetoed stars, overdue rectification, the awarded rating. One query for
    them all."""
    found: dict[int, list[dict[str, Any]]] = {pk: [] for pk in township_ids}
    with connection.cursor() as cursor:
        cursor.execute(
            _BRANCH_ROWS,
            [RectificationStatus.OPEN, today, cycle.pk, cycle.year, list(township_ids)],
        )
        for township_id, *values in cursor.fetchall():
            row = dict(zip(_KEYS, values, strict=True))
            row["official_stars"] = json.loads(row["official_stars"] or "[]")
            found[township_id].append(row)
    return found


def branch_rows(*, township: Township, cycle: Cycle, today: date) -> list[dict[str, Any]]:
    """`branch_rows_many` of one township."""
    return branch_rows_many(township_ids=[township.pk], cycle=cycle, today=today)[township.pk]


def township_figures(
    *,
    township: Township,
    cycle: Cycle,
    today: date,
    rows: list[dict[str, Any]] | None = None,
    due: date | None = None,
    star_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Counts by level and by star (projected and official), the branch list and the warnings
    of one township, from `branch_rows` (or the rows given)."""
    if rows is None:
        rows = branch_rows(township=township, cycle=cycle, today=today)
    counts = _Counts()
    for row in rows:
        counts.add(row)
    warnings = [
        warning
        for row in rows
        for warning in _warnings(row, row["level"] or 0, due or cycle.due, today, star_names or {})
    ]
    total = len(rows)
    return {
        "code": township.code,
        "name": township.name,
        "branches": total,
        "not_started": counts.not_started,
        "submitted": counts.submitted,
        "projected": {
            **_levels_document(counts.projected, counts.stars, total),
            "average": round(sum(n * c for n, c in enumerate(counts.projected)) / total, 2)
            if total
            else 0,
        },
        "official": {
            **_levels_document(counts.official, counts.official_stars, total),
            "rated": sum(counts.official),
        },
        "kinds": counts.kinds,
        "branch_list": [{key: row[field] for key, field in _LISTED} for row in rows],
        "warnings": warnings,
    }


# A branch in a township's list: key → the branch row's field.
_LISTED = (
    ("code", "code"), ("name", "name"), ("kind", "kind"), ("level", "level"), ("state", "state"),
    ("target", "target_level"), ("official", "official"),
)  # fmt: skip


class _Counts:
    """One township's branches counted by level, star, kind and state."""

    def __init__(self) -> None:
        self.projected, self.official = [0] * 6, [0] * 6
        self.stars: dict[str, int] = {}
        self.official_stars: dict[str, int] = {}
        self.kinds: dict[str, dict[str, Any]] = {}
        self.not_started = self.submitted = 0

    def add(self, row: dict[str, Any]) -> None:
        level = row["level"] or 0
        self.projected[level] += 1
        for star in row["earned"]:
            self.stars[star] = self.stars.get(star, 0) + 1
        kind = self.kinds.setdefault(row["kind"], no_branches())
        kind["branches"] += 1
        kind["projected"][level] += 1
        if row["state"] is None:
            self.not_started += 1
        elif row["state"] not in EDITABLE_STATES:
            self.submitted += 1
        if row["official"] is not None:
            kind["official"][row["official"]] += 1
            self.official[row["official"]] += 1
            for star in row["official_stars"]:
                self.official_stars[star] = self.official_stars.get(star, 0) + 1


def _levels_document(levels: list[int], stars: dict[str, int], total: int) -> dict[str, Any]:
    return {
        "levels": levels,
        "stars": stars,
        "three_plus": sum(levels[3:]),
        "share": share_of(sum(levels[3:]), total),
    }


def _warnings(
    row: dict[str, Any], level: int, due: date | None, today: date, names: dict[str, str]
) -> list[dict[str, str]]:
    found = []

    def warn(kind: str, detail: str) -> None:
        found.append(
            {
                "kind": kind,
                "code": row["code"],
                "name": row["name"],
                "detail": detail,
            }
        )

    if row["vetoed"]:
        stars = "、".join(f"{code} {names.get(code, '')}".strip() for code in row["vetoed"])
        warn("veto", _("触发一票否决，不能评：%(stars)s") % {"stars": stars})
    target = row["target_level"]
    if target is not None and level < target:
        warn(
            "target",
            _("测算%(level)s星，低于创星目标%(target)s星") % {"level": level, "target": target},
        )
    if due and today > due and (row["state"] is None or row["state"] in EDITABLE_STATES):
        warn("overdue", _("已过填报截止日%(due)s仍未提交") % {"due": due.isoformat()})
    if row["overdue"]:
        warn("rectification", _("%(n)s项整改任务已超期") % {"n": row["overdue"]})
    if row["weak_lax"]:
        warn("weak_lax", _("软弱涣散党组织"))
    until = row["first_secretary_until"]
    if (
        row["first_secretary"]
        and until
        and today <= until <= today + timedelta(days=POSTING_WARNING_DAYS)
        and level < 3
    ):
        warn(
            "first_secretary",
            _("第一书记%(name)s任期%(until)s届满，测算仅%(level)s星（应达三星以上）")
            % {"name": row["first_secretary"], "until": until.isoformat(), "level": level},
        )
    return found


WARNING_KINDS = {
    "veto": _("一票否决"),
    "target": _("低于创星目标"),
    "overdue": _("逾期未提交"),
    "rectification": _("整改超期"),
    "weak_lax": _("软弱涣散"),
    "first_secretary": _("第一书记任期将满未达三星"),
}


def county_snapshot(
    *, county: County, cycle: Cycle, parts: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The county's snapshot (and its headline summary) from its townships' figures."""
    targets = targets_by_place(
        Target.objects.filter(year=cycle.year).filter(Q(county=county) | Q(township__county=county))
    )
    parts = sorted(parts, key=lambda p: p["code"])
    total = sum(p["branches"] for p in parts)
    kinds = kinds_of([b for p in parts for b in p["branch_list"]])
    star_kinds = star_kinds_of(cycle)
    projected, official = (
        sum_up(parts, key, total=total, kinds=kinds, star_kinds=star_kinds)
        for key in ("projected", "official")
    )
    warnings = [w | {"township": p["name"]} for p in parts for w in p["warnings"]]
    by_kind = kinds_headline(
        kinds_add([p.get("kinds", {}) for p in parts]), targets.get(county.code, {})
    )
    county_target = by_kind["all"]["target"]
    summary = {
        "branches": total,
        "projected": {k: projected[k] for k in ("levels", "three_plus", "share")},
        "official": {k: official[k] for k in ("levels", "three_plus", "share")},
        "kinds": {k: {"share": v["projected"]["share"]} for k, v in by_kind.items()},
        "target": county_target,
        "warnings": len(warnings),
        "townships": {
            p["code"]: {"share": p["projected"]["share"], "average": p["projected"]["average"]}
            for p in parts
        },
    }
    data = {
        "county": {"code": county.code, "name": county.name},
        "cycle": {"code": cycle.code, "annual": cycle.is_annual},
        "branches": total,
        "projected": projected,
        "official": official,
        "kinds": by_kind,
        "target": county_target,
        "townships": _townships_ranked(parts, targets),
        "warnings": warnings,
        "warning_counts": warning_counts(warnings),
        "star_kinds": star_kinds,
    }
    return data, summary


def _townships_ranked(
    parts: list[dict[str, Any]], targets: dict[str, dict[str, Target]]
) -> list[dict[str, Any]]:
    """Townships by share at three stars or more, then average level: their rows of the
    county's table (without their warnings, counted instead)."""
    ranking = sorted(
        parts,
        key=lambda p: (-p["projected"]["share"], -p["projected"]["average"], p["code"]),
    )
    townships = []
    for rank, part in enumerate(ranking, 1):
        by_kind = kinds_headline(part.get("kinds", {}), targets.get(part["code"], {}))
        townships.append(
            {
                **{k: v for k, v in part.items() if k not in ("warnings", "kinds")},
                "rank": rank,
                "kinds": by_kind,
                "target": by_kind["all"]["target"],
                "warning_count": len(part["warnings"]),
            }
        )
    return townships


def sum_up(
    documents: list[dict[str, Any]],
    key: str,
    *,
    total: int,
    kinds: dict[str, int],
    star_kinds: dict[str, list[str]],
) -> dict[str, Any]:
    """Levels and stars (`key`: projected or official) of several places added up, with the
    share at three stars or more of `total` branches and each star's attainment."""
    levels = [sum(d[key]["levels"][n] for d in documents) for n in LEVELS]
    stars: dict[str, int] = {}
    for d in documents:
        for star, n in d[key]["stars"].items():
            stars[star] = stars.get(star, 0) + n
    return {
        "levels": levels,
        "stars": stars,
        "three_plus": sum(levels[3:]),
        "share": share_of(sum(levels[3:]), total),
        "average": average_of(levels),
        "attainment": attainment(stars, kinds, star_kinds),
    }


def average_of(levels: list[int]) -> float:
    total = sum(levels)
    return round(sum(n * c for n, c in enumerate(levels)) / total, 2) if total else 0


def warning_counts(warnings: list[dict[str, Any]]) -> dict[str, int]:
    counts = dict.fromkeys(WARNING_KINDS, 0)
    for warning in warnings:
        counts[warning["kind"]] = counts.get(warning["kind"], 0) + 1
    return counts
