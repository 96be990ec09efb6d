"""The audit trail: every service that changes a county's records calls `audit` (or builds
entries with `audit_entry` and writes them with `audit_many` when it changes many at once).

Entries are written inside the caller's transaction: a change that rolls back takes its entry
with it, and no change commits without one.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import Model, QuerySet
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from access.gate import internal
from access.scope import id_at, place_of, restrict
from audit.models import AuditEntry


def audit_entry(
    *,
    user: Any,
    action: str,
    target: object,
    place: Any = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> AuditEntry:
    """An unsaved entry. `place` defaults to the place the target belongs to."""
    place = place if place is not None else place_of(target)
    entry = AuditEntry(
        at=at or timezone.now(),
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "",
        action=action,
        target=str(target)[:200],
        before=_plain(before),
        after=_plain(after),
        note=note[:300],
    )
    if place is not None:
        entry.place_code, entry.place_name = place.code, place.name
    if place is not None:
        setattr(entry, place.LEVEL, place)
        # A village's or a township's entry is found by its township and county too (the
        # county's log and its township filter); above the county, by its own place only.
        for above in _FOUND_BY[place.LEVEL]:
            setattr(entry, f"{above}_id", id_at(place, above))
    return entry


_FOUND_BY = {
    "village": ("township", "county"),
    "township": ("county",),
    "county": (),
    "city": (),
    "province": (),
}


def _plain(values: Mapping[str, Any] | None) -> dict[str, Any]:
    """Numbers as JSON numbers (a stored 150000.00 reads back as 150000), not as strings."""
    plain = {}
    for key, value in (values or {}).items():
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        plain[key] = value
    return plain


@internal("the record of a step that a gated service takes")
def audit(**kwargs: Any) -> AuditEntry:
    entry = audit_entry(**kwargs)
    entry.save()
    return entry


@internal("the record of steps that a gated service takes")
def audit_many(entries: Iterable[AuditEntry]) -> None:
    """Write many entries in one statement from one JSON document. Django's bulk_create sends
    each column as an array, and psycopg quotes a JSON text inside an array character by
    character: a sheet's 1,000 entries of 100 answers each took a second that way."""
    names = [f"{n}_id" if n in _FOREIGN else n for n in _COLUMNS]
    rows = [{name: getattr(e, name) for name in names} for e in entries]
    if not rows:
        return
    table = AuditEntry._meta.db_table
    columns = ", ".join(names)
    typed = ", ".join(f"{n} {_TYPES.get(n, 'bigint' if n.endswith('_id') else 'text')}"
                      for n in names)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} "  # noqa: S608  (names are ours)
            f"FROM jsonb_to_recordset(%s::jsonb) AS t({typed})",
            [json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False)],
        )


_FOREIGN = ("user", "province", "city", "county", "township", "village")
_COLUMNS = ("at", "username", "action", "target", "place_code", "place_name", "before", "after",
            "note", *_FOREIGN)  # fmt: skip
_TYPES = {"at": "timestamptz", "before": "jsonb", "after": "jsonb"}


def changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict, dict]:
    """Only the keys whose value differs, from both sides."""
    keys = [k for k in after.keys() | before.keys() if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in sorted(keys)}, {k: after.get(k) for k in sorted(keys)}


def record_fields(obj: Model | None) -> dict[str, Any]:
    """A record's own field values, as a before or after picture (files by name)."""
    if obj is None or obj.pk is None:
        return {}
    values = model_to_dict(obj)
    values.pop("password", None)
    return {
        k: v.name if isinstance(v, FieldFile) else v
        for k, v in values.items()
        if not isinstance(v, list)  # many-to-many: not a change of this record's own fields
    }


def audit_list(
    *,
    user: Any,
    action: str = "",
    place_code: str = "",
    username: str = "",
    since: date | None = None,
    until: date | None = None,
    text: str = "",
) -> QuerySet[AuditEntry]:
    """The entries `user` may read, newest first, narrowed by the page's filters."""
    entries = restrict(AuditEntry.objects.all(), user)
    if action:
        entries = entries.filter(action=action)
    if place_code:  # a township's (the page offers the county's townships)
        entries = entries.filter(township__code=place_code)
    if username:
        entries = entries.filter(username__icontains=username)
    zone = timezone.get_current_timezone()
    if since:
        entries = entries.filter(at__gte=datetime.combine(since, time.min, tzinfo=zone))
    if until:
        entries = entries.filter(at__lte=datetime.combine(until, time.max, tzinfo=zone))
    if text:
        entries = entries.filter(target__icontains=text)
    return entries
