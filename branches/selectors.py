"""Reads of branches, always through the user's scope."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from access.scope import restrict
from branches.models import Branch, Target
from villages.models import County, Township


def branch_list(*, user: Any) -> QuerySet[Branch]:
    return restrict(Branch.objects.select_related("village__township__county", "secretary"), user)


def branch_get(*, user: Any, code: str) -> Branch:
    """The branch of the village with `code`, if `user` may see it; 404 otherwise."""
    return get_object_or_404(branch_list(user=user), village__code=code)


def targets_of(*, county: County, year: int) -> list[tuple[County | Township, Target | None]]:
    """The county and each of its townships with its target of `year` (two queries)."""
    townships = list(Township.objects.filter(county=county).order_by("code"))
    existing = {
        (t.county_id, t.township_id): t
        for t in Target.objects.filter(year=year, county=county)
        | Target.objects.filter(year=year, township__county=county)
    }
    return [(county, existing.get((county.pk, None)))] + [
        (t, existing.get((None, t.pk))) for t in townships
    ]
