"""Who may see which place: the one function every queryset goes through.

A user is bound to one place (a province, a city, a county, a township or a village) and may
see that place, everything below it, and the places above it on their own chain (a township
clerk sees the name of their county, not its other townships). Superusers see everything;
anyone else without a role sees nothing.

Models opt in by declaring PLACE_PATHS (or PLACE_VIA, a relation to a model that does): for
each level, the lookup from the model to that level's primary key (a tuple of lookups means
"any of these"). The province is reached through the city: its lookups are derived from the
city's, so a model that knows its city needs to declare nothing more. The places themselves
(villages.models) declare their LEVEL and their own PLACE_PATHS up the chain; the gate finds
them in the app registry and imports no app.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.apps import apps
from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

# The levels of places, finest first: a user is filtered at the finest level that both they
# and the model know. Each is the name of a place model's LEVEL (villages.codes.Level).
_FINEST_FIRST = ("village", "township", "county", "city", "province")


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    province_id: int | None = None
    city_id: int | None = None
    county_id: int | None = None
    township_id: int | None = None
    village_id: int | None = None

    @property
    def level(self) -> str | None:
        for level in _FINEST_FIRST:
            if self.id_at(level) is not None:
                return level
        return None

    def id_at(self, level: str) -> int | None:
        return getattr(self, f"{level}_id")


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
    place = _BOUND.get(user.role)
    place_id = getattr(user, f"{place}_id", None) if place else None
    if place is None or place_id is None:
        return NOTHING
    ids = _chain_ids(place, place_id)
    return Scope(**{f"{level}_id": pk for level, pk in ids.items()})  # type: ignore[arg-type]


# Each role (accounts.choices.Role) is bound to a place of its own level.
_BOUND = {
    "province": "province",
    "city": "city",
    "county": "county",
    "township": "township",
    "secretary": "village",
}


@cache  # the app registry is fixed once it is ready
def place_models() -> dict[str, Any]:
    """Each level's place model: those models that declare a LEVEL of a place."""
    return {
        level: model
        for model in apps.get_models()
        if (level := getattr(model, "LEVEL", None)) in _FINEST_FIRST
    }


def is_place(obj: Any) -> bool:
    return getattr(type(obj), "LEVEL", None) in _FINEST_FIRST and isinstance(obj, Model)


def _chain_ids(level: str, pk: int) -> dict[str, int]:
    """The ids of the place `pk` at `level` and of every place above it (one query)."""
    model = place_models()[level]
    lookups = {
        above: path.replace(".", "__") for above, path in _chain(model).items() if path != "pk"
    }
    ids = {level: pk}
    if lookups:
        row = model.objects.filter(pk=pk).values_list(*lookups.values()).get()
        ids.update(zip(lookups, row, strict=True))
    return ids


@cache  # models' PLACE_PATHS are fixed: derived once per model, not on every query
def paths_of(model: Any) -> dict[str, tuple[str, ...]]:
    """A model's PLACE_PATHS with every entry a tuple, the province's derived from the city's.
    A model that declares PLACE_VIA instead is placed where that relation's record is."""
    via = getattr(model, "PLACE_VIA", None)
    if via is not None:
        related = model._meta.get_field(via).related_model
        return {
            level: tuple(f"{via}__{lookup}" for lookup in lookups)
            for level, lookups in paths_of(related).items()
        }
    paths = {
        level: (lookups,) if isinstance(lookups, str) else tuple(lookups)
        for level, lookups in model.PLACE_PATHS.items()
    }
    derived = tuple(_via_city(lookup) for lookup in paths.get("city", ()))
    if derived:
        paths["province"] = paths.get("province", ()) + derived
    return paths


def _via_city(lookup: str) -> str:
    if lookup == "pk":
        return "province_id"
    return lookup.removesuffix("_id") + "__province_id"


def restrict(queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    """`queryset` narrowed to what `user` may see."""
    return restrict_to_scope(queryset, scope_of(user))


def restrict_to_scope(queryset: QuerySet[M], scope: Scope) -> QuerySet[M]:
    if scope.everything:
        return queryset
    paths = paths_of(queryset.model)
    for level in _FINEST_FIRST:
        place_id = scope.id_at(level)
        lookups = paths.get(level)
        if place_id is None or lookups is None:
            continue
        condition = Q()
        for lookup in lookups:
            condition |= Q(**{lookup: place_id})
        return queryset.filter(condition)
    return queryset.none()


def governs(user: Any, level: str) -> bool:
    """Whether `user` works at `level` or above it: pages of a place are for those who govern it,
    not for those below (a secretary may read their township's name, not open its page)."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if scope.level is None:
        return False
    return _FINEST_FIRST.index(scope.level) >= _FINEST_FIRST.index(level)


def place_of(obj: Any) -> Any:
    """The place a record belongs to, found by walking its usual relations (no query when the
    caller has selected them)."""
    for _hop in range(5):
        if obj is None or is_place(obj):
            return obj
        for attribute in (
            "village",
            "branch",
            "checklist",
            "answer",
            "township",
            "county",
            "city",
            "province",
        ):
            found = getattr(obj, attribute, None)
            if found is not None:
                obj = found
                break
        else:
            return None
    return obj if is_place(obj) else None


def governs_place(user: Any, place: Any) -> bool:
    """Whether `user` works at `place` or above it on its chain: county staff govern their
    county's townships and villages, a clerk their township's villages, a secretary their own
    village. Reads only the user's own place id and the place's parent id at that level (no
    query when the place's parents are selected), so it can check a thousand recipients."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    level = _BOUND.get(user.role)
    if level is None:
        return False
    own = getattr(user, f"{level}_id", None)
    return own is not None and id_at(place, level) == own


@cache
def _chain(model: Any) -> dict[str, str]:
    """From a kind of place, the attribute path to the id of its place at each level above it
    (a village: township.county_id for its county), from its PLACE_PATHS."""
    return {
        level: "pk" if lookups[0] == "pk" else lookups[0].replace("__", ".")
        for level, lookups in paths_of(model).items()
    }


def id_at(place: Any, level: str) -> int | None:
    """The id of `place`'s own place at `level` on its chain; None above `place` or off it."""
    kind: Any = type(place)
    path = _chain(kind).get(level) if is_place(place) else None
    if path is None:
        return None
    value = place
    for attribute in path.split("."):
        value = getattr(value, attribute)
    return value
