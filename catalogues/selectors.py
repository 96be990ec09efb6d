"""Reads of the rulebook: a catalogue as the engine needs it, the current one, cycles and
deadlines."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from catalogues import engine
from catalogues.models import Catalogue, Criterion, Cycle, Deadline, Star


@dataclass(frozen=True)
class LoadedCatalogue:
    """A catalogue as the engine needs it, plus criterion ids for reading stored answers."""

    spec: engine.CatalogueSpec
    code_of: dict[int, str]  # criterion id → code
    id_of: dict[str, int]  # criterion code → id
    text_of: dict[str, str]  # criterion code → its Chinese text
    facts: dict[str, str] = field(default_factory=dict)  # criterion code → register it follows


# Published catalogues never change, so their specs are kept for the life of the process, keyed
# by what identifies the published content (a restored or flushed database may reuse an id).
_loaded: dict[tuple[int, str, object], LoadedCatalogue] = {}


def catalogue_load(*, catalogue: Catalogue) -> LoadedCatalogue:
    """The engine's view of `catalogue` (two queries, then cached when published)."""
    key = (catalogue.pk, catalogue.code, catalogue.published_at)
    cached = _loaded.get(key)
    if cached is not None:
        return cached
    stars = list(catalogue.stars.order_by("order").values_list("pk", "code"))
    star_code = dict(stars)
    criteria = list(
        Criterion.objects.filter(catalogue=catalogue)
        .order_by("star__order", "order", "code")
        .values_list(
            "pk",
            "code",
            "star_id",
            "kind",
            "points",
            "threshold",
            "direction",
            "hard",
            "veto",
            "text",
            "fact",
            "signed",
        )
    )
    base = star_code.get(catalogue.base_star_id) if catalogue.base_star_id else None
    spec = engine.CatalogueSpec(
        code=catalogue.code,
        pass_mark=Decimal(catalogue.pass_mark),
        stars=tuple(code for _, code in stars),
        base_star=base,
        criteria=tuple(
            engine.CriterionSpec(
                code=code,
                star=star_code[star_id],
                kind=kind,
                points=points,
                threshold=threshold,
                direction=direction,
                hard=hard,
                veto=veto,
                signed=signed,
            )
            for _, code, star_id, kind, points, threshold, direction, hard, veto, *_tf, signed in (
                criteria
            )
        ),
    )
    loaded = LoadedCatalogue(
        spec=spec,
        code_of={pk: code for pk, code, *_ in criteria},
        id_of={code: pk for pk, code, *_ in criteria},
        text_of={code: text for _, code, *_, text, _f, _s in criteria},
        facts={code: fact for _, code, *_, fact, _s in criteria if fact},
    )
    if catalogue.is_published:
        _loaded[key] = loaded
    return loaded


def catalogue_current(*, branch_kind: str, year: int) -> Catalogue:
    """The latest published catalogue of a branch kind for a year."""
    catalogue = (
        Catalogue.objects.filter(branch_kind=branch_kind, year=year, published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if catalogue is None:
        raise ValidationError(_("%(year)s年尚未发布该类支部的星级标准。") % {"year": year})
    return catalogue


def cycles_newest_first() -> QuerySet[Cycle]:
    """Newest year first, and within a year the annual rating before the quarters (newest
    quarter first): the annual cycle is the one that awards stars."""
    return Cycle.objects.order_by("-year", F("quarter").desc(nulls_first=True))


def catalogue_layout(*, catalogue_id: int) -> tuple[list[Star], list[Criterion]]:
    """A catalogue's stars in order and its criteria in page order (two queries)."""
    stars = list(Star.objects.filter(catalogue_id=catalogue_id).order_by("order"))
    criteria = list(
        Criterion.objects.filter(catalogue_id=catalogue_id).order_by("star__order", "order", "code")
    )
    return stars, criteria


def star_names_of(*, year: int) -> dict[str, str]:
    """Each star code of the year's catalogues → its name (ZB → 支部过硬星)."""
    return dict(Star.objects.filter(catalogue__year=year).values_list("code", "name"))


def deadline_of(*, county_id: int | None, cycle: Cycle | None) -> date | None:
    """The submission deadline a county's branches work to: the county's, else the cycle's."""
    if cycle is None:
        return None
    if county_id is not None:
        found = Deadline.objects.filter(county_id=county_id, cycle=cycle).values_list(
            "due", flat=True
        )
        for due in found:
            return due
    return cycle.due


def deadlines_of(*, county_ids: list[int], cycle: Cycle) -> dict[int, date | None]:
    """`deadline_of` for many counties at once (one query)."""
    found: dict[int, date | None] = dict.fromkeys(county_ids, cycle.due)
    found.update(
        Deadline.objects.filter(county_id__in=county_ids, cycle=cycle).values_list(
            "county_id", "due"
        )
    )
    return found
