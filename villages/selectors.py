"""Reads of places, always through the user's scope."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from access.scope import restrict
from villages.choices import VillageKind
from villages.models import County, Township, Village


def county_list(*, user: Any) -> QuerySet[County]:
    return restrict(County.objects.select_related("city"), user)


def township_choices(*, user: Any) -> QuerySet[Township]:
    """The townships `user` may pick from (codes and names, in code order)."""
    return restrict(Township.objects.only("code", "name").order_by("code"), user)


def township_list(*, user: Any, county: County | None = None) -> QuerySet[Township]:
    """Townships with their counts of villages, communities, branches and flags, in one query."""
    queryset = restrict(Township.objects.select_related("county"), user)
    if county is not None:
        queryset = queryset.filter(county=county)
    return queryset.annotate(
        rural_count=Count("villages", filter=Q(villages__kind=VillageKind.RURAL)),
        community_count=Count("villages", filter=Q(villages__kind=VillageKind.COMMUNITY)),
        branch_count=Count("villages__branch"),
        weak_lax_count=Count("villages__branch", filter=Q(villages__branch__weak_lax=True)),
        first_secretary_count=Count(
            "villages__branch", filter=~Q(villages__branch__first_secretary="")
        ),
    )


def village_list(*, user: Any, township: Township | None = None) -> QuerySet[Village]:
    queryset = restrict(
        Village.objects.select_related("township", "branch", "branch__secretary"), user
    )
    if township is not None:
        queryset = queryset.filter(township=township)
    return queryset


def place_get(*, user: Any, model: type[County] | type[Township] | type[Village], code: str) -> Any:
    """The place with `code` if `user` may see it; 404 otherwise (never 403: no existence leak)."""
    return get_object_or_404(restrict(model.objects.all(), user), code=code)
