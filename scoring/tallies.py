"""What a tally counts, as plain functions: one township's figures from the database (a fixed
number of set-based queries), and a county's snapshot gathered from its townships' figures.

Levels are the ones the scoring services store whenever answers change, so "projected" needs no
rescoring here; "official" is the awarded rating (Rating) of the cycle's year.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _

from branches.models import Branch, Rating, Rectification, RectificationStatus, Target
from scoring.choices import EDITABLE_STATES
from scoring.models import Checklist, Cycle, StarScore
from villages.models import County, Township

LEVELS = range(6)
POSTING_WARNING_DAYS = 180  # first-secretary postings ending within this are watched


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def township_figures(*, township: Township, cycle: Cycle, today: date) -> dict[str, Any]:
    """Counts by level and by star (projected and official), the branch list and the warnings
    of one township, in four queries whatever its size."""
    checklists = Checklist.objects.filter(branch=OuterRef("pk"), cycle=cycle)
    overdue_tasks = Rectification.objects.filter(
        branch=OuterRef("pk"), status=RectificationStatus.OPEN, deadline__lt=today
    )
    vetoes = StarScore.objects.filter(
        checklist__branch=OuterRef("pk"), checklist__cycle=cycle, vetoed=True
    )
    rows = list(
        Branch.objects.filter(village__township=township)
        .annotate(
            level=Subquery(checklists.values("level")[:1]),
            state=Subquery(checklists.values("state")[:1]),
            vetoed=Exists(vetoes),
            overdue_tasks=Subquery(
                overdue_tasks.values("branch").annotate(n=Count("pk")).values("n")[:1]
            ),
        )
        .values(
            "pk", "village__code", "village__name", "village__kind", "weak_lax",
            "first_secretary", "first_secretary_until", "target_level", "level", "state",
            "vetoed", "overdue_tasks",
        )
        .order_by("village__code")
    )  # fmt: skip
    stars = dict(
        StarScore.objects.filter(
            checklist__cycle=cycle, checklist__branch__village__township=township, earned=True
        )
        .values("star")
        .annotate(n=Count("pk"))
        .values_list("star", "n")
    )
    vetoed_stars: dict[int, list[str]] = {}
    for branch_id, star in StarScore.objects.filter(
        checklist__cycle=cycle, checklist__branch__village__township=township, vetoed=True
    ).values_list("checklist__branch_id", "star"):
        vetoed_stars.setdefault(branch_id, []).append(star)
    ratings = {
        branch_id: (level, stars_held)
        for branch_id, level, stars_held in Rating.objects.filter(
            year=cycle.year, branch__village__township=township
        ).values_list("branch_id", "level", "stars")
    }
    projected = [0] * 6
    official = [0] * 6
    official_stars: dict[str, int] = {}
    not_started = submitted = 0
    branches, warnings = [], []
    for row in rows:
        level = row["level"] or 0
        projected[level] += 1
        if row["state"] is None:
            not_started += 1
        elif row["state"] not in EDITABLE_STATES:
            submitted += 1
        rating = ratings.get(row["pk"])
        if rating is not None:
            official[rating[0]] += 1
            for star in rating[1]:
                official_stars[star] = official_stars.get(star, 0) + 1
        branches.append(
            {
                "code": row["village__code"],
                "name": row["village__name"],
                "kind": row["village__kind"],
                "level": row["level"],
                "state": row["state"],
                "target": row["target_level"],
                "official": rating[0] if rating else None,
            }
        )
        warnings += _warnings(row, level, cycle, today, vetoed_stars.get(row["pk"], []))
    total = len(rows)
    return {
        "code": township.code,
        "name": township.name,
        "branches": total,
        "not_started": not_started,
        "submitted": submitted,
        "projected": {
            "levels": projected,
            "stars": stars,
            "three_plus": sum(projected[3:]),
            "share": _share(sum(projected[3:]), total),
            "average": round(sum(n * c for n, c in enumerate(projected)) / total, 2)
            if total
            else 0,
        },
        "official": {
            "levels": official,
            "stars": official_stars,
            "three_plus": sum(official[3:]),
            "share": _share(sum(official[3:]), total),
            "rated": sum(official),
        },
        "branch_list": branches,
        "warnings": warnings,
    }


def _warnings(
    row: dict[str, Any], level: int, cycle: Cycle, today: date, vetoed: list[str]
) -> list[dict[str, str]]:
    found = []

    def warn(kind: str, detail: str) -> None:
        found.append(
            {
                "kind": kind,
                "code": row["village__code"],
                "name": row["village__name"],
                "detail": detail,
            }
        )

    if row["vetoed"]:
        warn("veto", _("触发一票否决：%(stars)s") % {"stars": "、".join(sorted(vetoed))})
    target = row["target_level"]
    if target is not None and level < target:
        warn(
            "target",
            _("测算%(level)s星，低于创星目标%(target)s星") % {"level": level, "target": target},
        )
    if (
        cycle.due
        and today > cycle.due
        and (row["state"] is None or row["state"] in EDITABLE_STATES)
    ):
        warn("overdue", _("已过填报截止日%(due)s仍未提交") % {"due": cycle.due.isoformat()})
    if row["overdue_tasks"]:
        warn("rectification", _("%(n)s项整改任务已超期") % {"n": row["overdue_tasks"]})
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
    targets = {
        (t.county_id, t.township_id): t
        for t in Target.objects.filter(year=cycle.year).filter(
            Q(county=county) | Q(township__county=county)
        )
    }
    township_ids = dict(Township.objects.filter(county=county).values_list("code", "pk"))
    parts = sorted(parts, key=lambda p: p["code"])
    total = sum(p["branches"] for p in parts)

    def add(key: str) -> dict[str, Any]:
        levels = [sum(p[key]["levels"][n] for p in parts) for n in LEVELS]
        stars: dict[str, int] = {}
        for p in parts:
            for star, n in p[key]["stars"].items():
                stars[star] = stars.get(star, 0) + n
        return {
            "levels": levels,
            "stars": stars,
            "three_plus": sum(levels[3:]),
            "share": _share(sum(levels[3:]), total),
            "attainment": {star: _share(n, total) for star, n in sorted(stars.items())},
        }

    projected, official = add("projected"), add("official")
    ranking = sorted(
        parts,
        key=lambda p: (-p["projected"]["share"], -p["projected"]["average"], p["code"]),
    )
    townships = []
    for rank, part in enumerate(ranking, 1):
        target = targets.get((None, township_ids.get(part["code"])))
        townships.append(
            {
                **{k: v for k, v in part.items() if k not in ("warnings",)},
                "rank": rank,
                "target": _target(target),
                "warning_count": len(part["warnings"]),
            }
        )
    warnings = [w | {"township": p["name"]} for p in parts for w in p["warnings"]]
    county_target = _target(targets.get((county.pk, None)))
    summary = {
        "branches": total,
        "projected": {k: projected[k] for k in ("levels", "three_plus", "share")},
        "official": {k: official[k] for k in ("levels", "three_plus", "share")},
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
        "target": county_target,
        "townships": townships,
        "warnings": warnings,
    }
    return data, summary


def _target(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "five_star": target.five_star,
        "four_star": target.four_star,
        "three_plus_share": float(Decimal(target.three_plus_share)),
    }
