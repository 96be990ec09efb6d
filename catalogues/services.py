"""Writes for catalogues and cycles."""

import csv
import io
import re
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated, internal
from access.rules import may
from audit.services import audit
from catalogues.choices import AuditAction
from catalogues.models import AdjustmentKind, Catalogue, Criterion, Cycle, Deadline, Star
from catalogues.resources import CriterionResource
from catalogues.validators import catalogue_ensure_editable
from uploads.imports import register_import
from uploads.spreadsheets import Upload
from villages.choices import VillageKind

DEFAULT_CATALOGUES = Path(__file__).resolve().parent / "data"
_CYCLE_CODE = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4]))?$")


@internal("the rulebook is published by superusers in the admin and by load_catalogues")
def catalogue_publish(*, catalogue: Catalogue, user: Any = None) -> Catalogue:
    """Check the catalogue is complete and freeze it."""
    catalogue_ensure_editable(catalogue=catalogue)
    problems = []
    stars = list(catalogue.stars.all())
    if not stars:
        problems.append(_("没有设置星。"))
    for star in stars:
        scored = [c for c in star.criteria.all() if not c.veto and c.points > 0]
        if not scored:
            problems.append(_("“%(star)s”没有计分指标。") % {"star": star})
    base = catalogue.base_star
    if base is not None and base.catalogue_id != catalogue.pk:
        problems.append(_("基础星不属于本标准。"))
    if problems:
        raise ValidationError(problems)
    catalogue.published_at = timezone.now()
    catalogue.save(update_fields=["published_at"])
    audit(
        user=user,
        action=AuditAction.CATALOGUE,
        target=catalogue,
        before={"published": False},
        after={"published": True, "criteria": catalogue.criteria.count()},
    )
    return catalogue


@internal("the rulebook is versioned by superusers in the admin and by load_catalogues")
@transaction.atomic
def catalogue_new_version(
    *, catalogue: Catalogue, code: str | None = None, user: Any = None
) -> Catalogue:
    """A draft copy of `catalogue` (stars and criteria) as the next version of its year and kind."""
    version = (
        Catalogue.objects.filter(year=catalogue.year, branch_kind=catalogue.branch_kind).aggregate(
            Max("version")
        )["version__max"]
        + 1
    )
    copy = Catalogue(
        code=code or f"{catalogue.branch_kind}-{catalogue.year}-v{version}",
        name=catalogue.name,
        year=catalogue.year,
        branch_kind=catalogue.branch_kind,
        version=version,
        pass_mark=catalogue.pass_mark,
    )
    copy.full_clean()
    copy.save()
    stars = {}
    for star in catalogue.stars.all():
        stars[star.pk] = Star.objects.create(
            catalogue=copy, code=star.code, name=star.name, order=star.order
        )
    Criterion.objects.bulk_create(
        Criterion(
            catalogue=copy,
            star=stars[c.star_id],
            code=c.code,
            text=c.text,
            kind=c.kind,
            points=c.points,
            threshold=c.threshold,
            direction=c.direction,
            hard=c.hard,
            veto=c.veto,
            fact=c.fact,
            signed=c.signed,
            order=c.order,
        )
        for c in catalogue.criteria.all()
    )
    AdjustmentKind.objects.bulk_create(
        AdjustmentKind(
            catalogue=copy, code=k.code, name=k.name, sign=k.sign, points=k.points, cap=k.cap,
            star=k.star,
        )
        for k in catalogue.adjustment_kinds.all()
    )  # fmt: skip
    if catalogue.base_star_id:
        copy.base_star = stars[catalogue.base_star_id]
        copy.save(update_fields=["base_star"])
    audit(
        user=user,
        action=AuditAction.CATALOGUE,
        target=copy,
        after={"draft_of": catalogue.code, "version": version},
    )
    return copy


@internal("load_catalogues and the demo load the default rulebook")
@transaction.atomic
def catalogue_load_default(*, branch_kind: str, year: int) -> tuple[Catalogue, bool]:
    """Load the default catalogue of `branch_kind` for `year` from the data files; idempotent.

    A published catalogue never changes: when the data files hold rules that no published
    version of the year has (a new item, a changed threshold), they are loaded as the next
    version, which new checklists use; checklists already open keep theirs. A version a county
    made and published itself is not superseded while one of the year still matches the files.
    Returns the catalogue and whether it was created now.
    """
    meta = tomllib.loads((DEFAULT_CATALOGUES / f"{branch_kind}.toml").read_text("utf-8"))
    csv_text = (DEFAULT_CATALOGUES / f"{branch_kind}.csv").read_text("utf-8")
    wanted = _file_content(meta, csv_text)
    published = Catalogue.objects.filter(
        year=year, branch_kind=branch_kind, published_at__isnull=False
    ).order_by("-version")
    for catalogue in published:
        if _stored_content(catalogue) == wanted:
            return catalogue, False
    latest = Catalogue.objects.filter(year=year, branch_kind=branch_kind).aggregate(Max("version"))[
        "version__max"
    ]
    version = 1 if latest is None else latest + 1
    catalogue = Catalogue(
        code=f"{branch_kind}-{year}" if version == 1 else f"{branch_kind}-{year}-v{version}",
        name=f"{year}年{meta['name']}",
        year=year,
        branch_kind=VillageKind(meta["branch_kind"]),
        version=version,
        pass_mark=meta["pass_mark"],
    )
    catalogue.full_clean()
    catalogue.save()
    for order, star in enumerate(meta["stars"], 1):
        Star.objects.create(catalogue=catalogue, code=star["code"], name=star["name"], order=order)
    lines = csv_text.splitlines()
    with_catalogue = [f"标准编码,{lines[0]}"] + [f"{catalogue.code},{line}" for line in lines[1:]]
    report = register_import(
        resource=CriterionResource(),
        upload=Upload(f"{branch_kind}.csv", "\n".join(with_catalogue).encode()),
        dry_run=False,
    )
    if not report.ok:
        raise ValidationError([str(e) for e in report.errors])
    if meta.get("base_star"):
        catalogue.base_star = catalogue.stars.get(code=meta["base_star"])
        catalogue.save(update_fields=["base_star"])
    for fact, code in meta.get("facts", {}).items():
        catalogue.criteria.filter(code=code).update(fact=fact)
    catalogue.criteria.filter(code__in=meta.get("signed", [])).update(signed=True)
    AdjustmentKind.objects.bulk_create(
        AdjustmentKind(catalogue=catalogue, **_adjustment(a)) for a in meta.get("adjustments", [])
    )
    return catalogue_publish(catalogue=catalogue), True


def _adjustment(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": entry["code"],
        "name": entry["name"],
        "sign": entry["sign"],
        "points": Decimal(str(entry["points"])),
        "cap": Decimal(str(entry["cap"])),
        "star": entry.get("star", ""),
    }


def _file_content(meta: dict[str, Any], csv_text: str) -> tuple[Any, ...]:
    """What the data files say a catalogue holds, comparable with `_stored_content`."""
    facts = {code: fact for fact, code in meta.get("facts", {}).items()}
    signed = set(meta.get("signed", []))
    rows = csv.DictReader(io.StringIO(csv_text))
    criteria = sorted(
        (
            row["编码"], row["星"], row["内容"], row["类型"], _number(row["分值"] or "0"),
            _number(row["阈值"]) if row["阈值"] else None, row["方向"], row["硬指标"] == "是",
            row["一票否决"] == "是", facts.get(row["编码"], ""), row["编码"] in signed,
        )
        for row in rows
    )  # fmt: skip
    stars = tuple((s["code"], s["name"]) for s in meta["stars"])
    kinds = sorted(
        (a["code"], a["name"], a["sign"], _number(str(a["points"])), _number(str(a["cap"])),
         a.get("star", ""))
        for a in meta.get("adjustments", [])
    )  # fmt: skip
    return (_number(str(meta["pass_mark"])), meta.get("base_star"), stars, tuple(criteria),
            tuple(kinds))  # fmt: skip


def _stored_content(catalogue: Catalogue) -> tuple[Any, ...]:
    criteria = sorted(
        (
            c.code, c.star.code, c.text, c.kind, _number(str(c.points)),
            _number(str(c.threshold)) if c.threshold is not None else None, c.direction, c.hard,
            c.veto, c.fact, c.signed,
        )
        for c in catalogue.criteria.select_related("star")
    )  # fmt: skip
    stars = tuple(catalogue.stars.order_by("order").values_list("code", "name"))
    base = catalogue.base_star.code if catalogue.base_star else None
    kinds = sorted(
        (k.code, k.name, k.sign, _number(str(k.points)), _number(str(k.cap)), k.star)
        for k in catalogue.adjustment_kinds.all()
    )
    return (_number(str(catalogue.pass_mark)), base, stars, tuple(criteria), tuple(kinds))


def _number(text: str) -> Decimal:
    return Decimal(text).normalize()


def _cycle_parts(code: str) -> tuple[str, int, int | None]:
    match = _CYCLE_CODE.match(code.strip())
    if not match:
        raise ValidationError(
            _("周期编码“%(code)s”无效：年度写作 2026，季度写作 2026Q1～2026Q4。") % {"code": code}
        )
    quarter = int(match["quarter"]) if match["quarter"] else None
    return code.strip(), int(match["year"]), quarter


@internal("a step of the gated cycle_open, of load_catalogues and of the demo")
def cycle_get_or_create(*, code: str) -> Cycle:
    """The cycle named `code`: `2026` for a year, `2026Q1`–`2026Q4` for a quarter."""
    code, year, quarter = _cycle_parts(code)
    cycle, _created = Cycle.objects.get_or_create(
        code=code, defaults={"year": year, "quarter": quarter}
    )
    return cycle


@gated("deadline.set", refused=gettext_lazy("只有县委组织部可以设定填报截止日。"))
def deadline_set(*, user: Any, cycle: Cycle, due: date) -> Deadline:
    """Set the user's county's submission deadline for `cycle` (audited)."""
    county = user.county
    if county is None or not may(user, "deadline.set", county):
        raise PermissionDenied(_("只有县委组织部可以设定填报截止日。"))
    if not date(cycle.year - 1, 1, 1) <= due <= date(cycle.year + 1, 12, 31):
        raise ValidationError(_("截止日应在%(year)s年前后一年之内。") % {"year": cycle.year})
    deadline = Deadline.objects.filter(county=county, cycle=cycle).first()
    before = {"due": deadline.due.isoformat()} if deadline else {}
    if deadline is None:
        deadline = Deadline.objects.create(county=county, cycle=cycle, due=due)
    elif deadline.due != due:
        deadline.due = due
        deadline.save(update_fields=["due"])
    else:
        return deadline
    audit(
        user=user,
        action=AuditAction.DEADLINE,
        target=_("%(cycle)s填报截止日") % {"cycle": cycle.code},
        place=county,
        before=before,
        after={"due": due.isoformat()},
    )
    return deadline


@gated("cycle.open", refused=gettext_lazy("只有县委组织部可以开设评定周期。"))
def cycle_open(*, code: str, user: Any) -> Cycle:
    """Open a rating cycle for answering (county staff). The year needs a published catalogue,
    or nobody could answer it."""
    code, year, _quarter = _cycle_parts(code)
    if not Catalogue.objects.filter(year=year, published_at__isnull=False).exists():
        raise ValidationError(
            _("%(year)s年还没有发布星级标准，请先发布标准再开设周期。") % {"year": year}
        )
    if Cycle.objects.filter(code=code).exists():
        return Cycle.objects.get(code=code)
    cycle = cycle_get_or_create(code=code)
    audit(
        user=user,
        action=AuditAction.CYCLE_OPEN,
        target=cycle,
        place=user.county,
        after={"cycle": cycle.code},
    )
    return cycle
