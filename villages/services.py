"""Writes for places. Pages, API, admin, commands and imports all come here."""

from typing import Any

from villages.codes import PROVINCES
from villages.models import Place, Province


def place_save(*, place: Place) -> Place:
    """Validate (codes, parent prefix) and save a place of any level."""
    place.full_clean()
    place.save()
    return place


def place_upsert(*, model: type[Place], code: str, defaults: dict[str, Any]) -> Place:
    """Create or update the place with `code`, validated like any other entry point."""
    place = model._default_manager.filter(code=code).first() or model(code=code)
    for field, value in defaults.items():
        setattr(place, field, value)
    return place_save(place=place)


def province_of(code: str) -> Province:
    """The province a code lies in, kept under its name in the statistical list when it is not
    kept yet (a city set up on its own, synthetic data)."""
    prefix = code[:2]
    province, _created = Province.objects.get_or_create(
        code=f"{prefix}0000000000", defaults={"name": PROVINCES.get(prefix, f"{prefix}省")}
    )
    return province
