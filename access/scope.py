"""Who may see which place: the one function every queryset goes through.

A user is bound to one place (a county, a township or a village) and may see that place,
everything below it, and the places above it on their own chain (a township clerk sees the
name of their county, not its other townships). Superusers see everything; anyone else
without a role sees nothing.

Models opt in by declaring PLACE_PATHS: for each level, the lookup from the model to that
level's primary key (a tuple of lookups means "any of these").
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from accounts.choices import Role
from villages.codes import Level
from villages.models import City, County, Township, Village

M = TypeVar("M", bound=Model)

# Finest first: a user is filtered at the finest level that both they and the model know.
_FINEST_FIRST = (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY, Level.CITY)


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    city_id: int | None = None
    county_id: int | None = None
    township_id: int | None = None
    village_id: int | None = None

    @property
    def level(self) -> Level | None:
        for level in _FINEST_FIRST:
            if self.id_at(level) is not None:
                return level
        return None

    def id_at(self, level: Level) -> int | None:
        return getattr(self, f"{level.value}_id")


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def scope_of(user: Any) -> Scope:
    """The places `user` may see, computed once per user object (at most one query)."""
    cached = getattr(user, "_wuxing_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    if getattr(user, "pk", None) is not None:
        user._wuxing_scope = scope
    return scope


def _compute_scope(user: Any) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return EVERYTHING
    if user.role == Role.COUNTY and user.county_id:
        county = County.objects.only("city_id").get(pk=user.county_id)
        return Scope(city_id=county.city_id, county_id=county.pk)
    if user.role == Role.TOWNSHIP and user.township_id:
        township = Township.objects.select_related("county").get(pk=user.township_id)
        return Scope(
            city_id=township.county.city_id, county_id=township.county_id, township_id=township.pk
        )
    if user.role == Role.SECRETARY and user.village_id:
        village = Village.objects.select_related("township__county").get(pk=user.village_id)
        return Scope(
            city_id=village.township.county.city_id,
            county_id=village.township.county_id,
            township_id=village.township_id,
            village_id=village.pk,
        )
    return NOTHING


def restrict(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """`queryset` narrowed to what `user` may see."""
    return restrict_to_scope(queryset, scope_of(user))


def restrict_to_scope(queryset: QuerySet[M], scope: Scope) -> QuerySet[M]:
    if scope.everything:
        return queryset
    paths: dict[str, str | tuple[str, ...]] = queryset.model.PLACE_PATHS  # type: ignore[attr-defined]
    for level in _FINEST_FIRST:
        place_id = scope.id_at(level)
        lookups = paths.get(level.value)
        if place_id is None or lookups is None:
            continue
        if isinstance(lookups, str):
            lookups = (lookups,)
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: place_id})
        return queryset.filter(condition)
    return queryset.none()


def governs(user: Any, level: Level) -> bool:
    """Whether `user` works at `level` or above it: pages of a place are for those who govern it,
    not for those below (a secretary may read their township's name, not open its page)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.level is None:
        return False
    return _FINEST_FIRST.index(scope.level) >= _FINEST_FIRST.index(level)


def place_of(obj: Any) -> County | Township | Village | None:
    """The place a record belongs to, found by walking its usual relations (no query when the
    caller has selected them)."""
    for _hop in range(5):
        if obj is None or isinstance(obj, County | Township | Village):
            return obj
        for attribute in ("village", "branch", "checklist", "answer", "township", "county"):
            found = getattr(obj, attribute, None)
            if found is not None:
                obj = found
                break
        else:
            return None
    return obj if isinstance(obj, County | Township | Village) else None


def governs_place(user: Any, place: Any) -> bool:
    """Whether `user` works at `place` or above it on its chain: county staff govern their
    county's townships and villages, a clerk their township's villages, a secretary their own
    village. Reads only the parent id at the user's level (a village needs its township)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.level is None:
        return False
    return _id_at(place, scope.level) == scope.id_at(scope.level)


# From each kind of place, the attribute path to the id of its place at each level above it.
_CHAIN: dict[type, dict[Level, str]] = {
    Village: {Level.VILLAGE: "pk", Level.TOWNSHIP: "township_id",
              Level.COUNTY: "township.county_id", Level.CITY: "township.county.city_id"},
    Township: {Level.TOWNSHIP: "pk", Level.COUNTY: "county_id", Level.CITY: "county.city_id"},
    County: {Level.COUNTY: "pk", Level.CITY: "city_id"},
    City: {Level.CITY: "pk"},
}  # fmt: skip


def _id_at(place: Any, level: Level) -> int | None:
    """The id of `place`'s own place at `level` on its chain; None above `place` or off it."""
    path = _CHAIN.get(type(place), {}).get(level)
    if path is None:
        return None
    value = place
    for attribute in path.split("."):
        value = getattr(value, attribute)
    return value
