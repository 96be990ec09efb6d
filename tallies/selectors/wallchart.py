"""The township's progress wall chart (挂图作战): each village × each star, earned or not in the
cycle, with its level and declared target, and the township's targets. Four queries."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery

from access.scope import restrict
from branches.models import Branch, Target
from catalogues.models import Cycle, Star
from scoring.models import Checklist, StarScore
from villages.models import Township

ORDER = ["ZB", "CY", "FW", "ST", "PA", "WM", "GJ"]


@dataclass
class WallRow:
    code: str
    name: str
    kind: str
    level: int | None
    target: int | None
    stars: dict[str, bool | None] = field(default_factory=dict)  # None: not this kind's star


def wallchart(*, user: Any, township: Township, cycle: Cycle) -> dict[str, Any]:
    level = Checklist.objects.filter(branch=OuterRef("pk"), cycle=cycle).values("level")[:1]
    branches = list(
        restrict(Branch.objects.filter(village__township=township), user)
        .annotate(cycle_level=Subquery(level))
        .select_related("village")
        .order_by("village__code")
    )
    earned: dict[int, dict[str, bool]] = {}
    for branch_id, star, got in StarScore.objects.filter(
        checklist__cycle=cycle, checklist__branch__in=branches
    ).values_list("checklist__branch_id", "star", "earned"):
        earned.setdefault(branch_id, {})[star] = got
    names = dict(Star.objects.filter(catalogue__year=cycle.year).values_list("code", "name"))
    stars = [code for code in ORDER if code in names]
    rows = [
        WallRow(
            code=b.village.code,
            name=b.village.name,
            kind=b.village.get_kind_display(),
            level=b.cycle_level,
            target=b.target_level,
            stars={s: earned.get(b.pk, {}).get(s) for s in stars},
        )
        for b in branches
    ]
    targets = {t.kind: t for t in Target.objects.filter(township=township, year=cycle.year)}
    scored = [r for r in rows if r.level is not None]
    return {
        "rows": rows,
        "stars": [(code, names[code]) for code in stars],
        "targets": targets,
        "five": sum(r.level == 5 for r in scored),
        "four": sum(r.level == 4 for r in scored),
        "three_plus": sum((r.level or 0) >= 3 for r in scored),
        "total": len(rows),
    }
