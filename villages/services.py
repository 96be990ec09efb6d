"""Writes for places. Pages, API, admin, commands and imports all come here."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated, internal
from access.rules import may
from audit.choices import AuditAction
from audit.services import audit
from villages.codes import PROVINCES
from villages.models import County, Place, Province


@internal("the gated division import and the admin save places")
def place_save(*, place: Place) -> Place:
    """Validate (codes, parent prefix) and save a place of any level."""
    place.full_clean()
    place.save()
    return place


@internal("a step of the gated division import")
def place_upsert(*, model: type[Place], code: str, defaults: dict[str, Any]) -> Place:
    """Create or update the place with `code`, validated like any other entry point."""
    place = model._default_manager.filter(code=code).first() or model(code=code)
    for field, value in defaults.items():
        setattr(place, field, value)
    return place_save(place=place)


@internal("a step of the gated division import")
def province_of(code: str) -> Province:
    """The province a code lies in, kept under its name in the statistical list when it is not
    kept yet (a city set up on its own, synthetic data)."""
    prefix = code[:2]
    province, _created = Province.objects.get_or_create(
        code=f"{prefix}0000000000", defaults={"name": PROVINCES.get(prefix, f"{prefix}省")}
    )
    return province


@gated("county.work", refused=gettext_lazy("只有县委组织部可以设定公示联系方式。"))
def county_notice_set(*, user: Any, address: str, phone: str) -> County:
    """Where the public objects to a rating, as the county's staff print it on the notice."""
    county = user.county
    if county is None or not may(user, "county.work", county):
        raise PermissionDenied(_("只有县委组织部可以设定公示联系方式。"))
    address, phone = address.strip(), phone.strip()
    if len(address) > 100 or len(phone) > 40:
        raise ValidationError(_("地址不超过100字，电话不超过40字。"))
    before = {"address": county.notice_address, "phone": county.notice_phone}
    county.notice_address, county.notice_phone = address, phone
    county.save(update_fields=["notice_address", "notice_phone"])
    audit(
        user=user,
        action=AuditAction.RECORD_CHANGE,
        target=county,
        before=before,
        after={"address": address, "phone": phone},
    )
    return county
