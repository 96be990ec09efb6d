"""Reads of branches, always through the user's scope."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from access.scope import restrict
from branches.models import Branch, Target
from villages.models import City, County, Province, Township, Village


def branch_list(*, user: Any) -> QuerySet[Branch]:
    return restrict(Branch.objects.select_related("village__township__county", "secretary"), user)


def branch_get(*, user: Any, code: str) -> Branch:
    """The branch of the village with `code`, if `user` may see it; 404 otherwise."""
    return get_object_or_404(branch_list(user=user), village__code=code)


@dataclass
class TargetRow:
    """One place on the targets page: its targets by kind, its branches by kind, and (for the
    place whose page it is) where its children's targets add up to less than its own."""

    place: Any
    own: bool
    targets: dict[str, Target | None]
    branches: dict[str, int]
    short: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[dict[str, Any]]:
        """Rural, then community: what the page shows and edits for each."""
        return [
            {
                "kind": kind.value,
                "label": kind.label,
                "branches": self.branches[kind],
                "target": self.targets[kind],
            }
            for kind in KINDS[:2]
        ]


# A place's children, and the lookup from a village to its child place's id.
CHILDREN: dict[type, tuple[Any, str, str]] = {
    Province: (City, "province", "township__county__city_id"),
    City: (County, "city", "township__county_id"),
    County: (Township, "county", "township_id"),
}
_UNDER = {  # the lookup from a village to the place's own id
    Province: "township__county__city__province_id",
    City: "township__county__city_id",
    County: "township__county_id",
}


def targets_of(*, place: Any, year: int) -> list[TargetRow]:
    """`place` (a province, city or county) and each of its children with their targets of
    `year` by kind and their branches by kind; the place's own row flags where its children's
    targets add up to less than its own. Three queries whatever the size."""
    child_model, parent_field, child_path = CHILDREN[type(place)]
    children = list(child_model.objects.filter(**{parent_field: place}).order_by("code"))
    own_field, child_field = type(place).__name__.lower(), child_model.__name__.lower()
    rows: dict[int | None, TargetRow] = {
        None if p is place else p.pk: TargetRow(
            place=p,
            own=p is place,
            targets=dict.fromkeys(KINDS),
            branches=dict.fromkeys(KINDS[:2], 0),
        )
        for p in [place, *children]
    }
    for target in Target.objects.filter(year=year).filter(
        Q(**{own_field: place}) | Q(**{f"{child_field}__in": children})
    ):
        is_own = getattr(target, f"{own_field}_id") is not None
        key = None if is_own else getattr(target, f"{child_field}_id")
        rows[key].targets[target.kind] = target
    counts = (
        Village.objects.filter(**{_UNDER[type(place)]: place.pk}, branch__isnull=False)
        .values_list(child_path, "kind")
        .annotate(n=Count("pk"))
    )
    for child_id, kind, n in counts:
        rows[child_id].branches[kind] = rows[child_id].branches.get(kind, 0) + n
        rows[None].branches[kind] = rows[None].branches.get(kind, 0) + n
    own = rows[None]
    own.short = _short(own, [r for key, r in rows.items() if key is not None])
    return list(rows.values())


KINDS = (Target.Kind.RURAL, Target.Kind.COMMUNITY, Target.Kind.ALL)


def _short(own: TargetRow, children: list[TargetRow]) -> list[str]:
    """Where the children's targets add up to less than the place's own, in words."""
    found = []
    for kind in KINDS[:2]:
        mine = own.targets[kind]
        if mine is None:
            continue
        label = Target.Kind(kind).label
        theirs = [c.targets[kind] for c in children]
        five = sum(t.five_star for t in theirs if t)
        four = sum(t.four_star for t in theirs if t)
        if five < mine.five_star:
            found.append(
                _("%(kind)s五星：下级目标合计%(sum)s个，少于本级目标%(own)s个")
                % {"kind": label, "sum": five, "own": mine.five_star}
            )
        if four < mine.four_star:
            found.append(
                _("%(kind)s四星：下级目标合计%(sum)s个，少于本级目标%(own)s个")
                % {"kind": label, "sum": four, "own": mine.four_star}
            )
        weighted = sum(
            float(target.three_plus_share) * c.branches.get(kind, 0)
            for c in children
            if (target := c.targets[kind]) is not None
        )
        branches = sum(c.branches.get(kind, 0) for c in children)
        share = round(weighted / branches, 1) if branches else 0.0
        if branches and share < float(mine.three_plus_share):
            found.append(
                _("%(kind)s三星以上占比：下级目标按支部数加权为%(sum)s%%，低于本级目标%(own)s%%")
                % {"kind": label, "sum": share, "own": mine.three_plus_share}
            )
    return found
