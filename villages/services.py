"""Writes for places. Pages, API, admin, commands and imports all come here."""

from typing import Any

from villages.models import Place


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
