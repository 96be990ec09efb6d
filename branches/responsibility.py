"""The responsibility chain as a spreadsheet (责任分工表): one row per township and per
village or community of the county, by code, with who answers for it in the year. Columns:
区划代码, 名称, 包乡县级领导, 组织部联系人 (township rows), 帮建单位, 包村责任干部 (village rows).
Several names go in one cell separated by 、 or a comma; a post may follow a name in brackets:
张三（副县长）. Importing sets exactly what each listed row says (a blank cell clears it) and
leaves rows the sheet does not list alone; all or nothing, every bad cell named."""

import re
from typing import Any

import tablib
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import gated
from access.rules import may
from access.scope import restrict
from audit.services import audit
from branches.choices import BRANCH_DUTIES, TOWNSHIP_DUTIES, AuditAction, Duty
from branches.models import Assignment, Branch
from uploads.imports import CellError
from uploads.spreadsheets import SpreadsheetError, Upload, read_table
from villages.codes import Level, level_of, normalise
from villages.models import Township

CODE, NAME = "区划代码", "名称"
COLUMNS = {duty: str(duty.label) for duty in Duty}
HEADERS = (CODE, NAME, *COLUMNS.values())
_SPLIT = re.compile(r"[、，,;；\n]+")
_POST = re.compile(r"^(?P<name>[^（(]+)[（(](?P<post>[^）)]*)[）)]$")

Names = list[tuple[str, str]]  # (name, post)


def responsibility_template(*, user: Any, year: int) -> tablib.Dataset:
    """Every township and branch the user may see, with the year's assignments filled in."""
    held: dict[tuple[int, int | None, str], Names] = {}
    for a in restrict(Assignment.objects.filter(year=year), user).order_by("pk"):
        held.setdefault((a.township_id, a.branch_id, a.duty), []).append((a.name, a.post))
    dataset = tablib.Dataset(headers=list(HEADERS), title=_("责任分工"))
    townships = restrict(Township.objects.order_by("code"), user)
    branches: dict[int, list[Branch]] = {}
    for branch in restrict(Branch.objects.select_related("village"), user):
        branches.setdefault(branch.village.township_id, []).append(branch)
    for township in townships:
        dataset.append(
            [township.code, township.name]
            + [_shown(held.get((township.pk, None, d), [])) for d in TOWNSHIP_DUTIES]
            + ["", ""]
        )
        for branch in sorted(branches.get(township.pk, []), key=lambda b: b.village.code):
            dataset.append(
                [branch.village.code, branch.village.name, "", ""]
                + [_shown(held.get((township.pk, branch.pk, d), [])) for d in BRANCH_DUTIES]
            )
    return dataset


def _shown(names: Names) -> str:
    return "、".join(f"{n}（{p}）" if p else n for n, p in names)


def _place_of_row(
    row: dict[str, Any], townships: dict[str, Township], branches: dict[str, Branch]
) -> Township | Branch | None:
    code = normalise(row.get(CODE))
    level = level_of(code) if code else None
    return townships.get(code) if level == Level.TOWNSHIP else branches.get(code)


def _row_read(
    row: dict[str, Any],
    number: int,
    place: Township | Branch,
    headers: list[str],
    wanted: dict[tuple[int, int | None], dict[str, Names]],
    errors: list[CellError],
) -> None:
    """One row's names for each duty of its place (a township's or a branch's), into `wanted`;
    what is wrong with it, into `errors`."""
    township_row = isinstance(place, Township)
    own, other = (
        (TOWNSHIP_DUTIES, BRANCH_DUTIES) if township_row else (BRANCH_DUTIES, TOWNSHIP_DUTIES)
    )
    for duty in other:
        if str(row.get(COLUMNS[duty]) or "").strip():
            where = _("乡镇(街道)行") if township_row else _("村(社区)行")
            errors.append(
                CellError(number, COLUMNS[duty], str(row[COLUMNS[duty]]),
                          _("%(where)s不填此列。") % {"where": where})
            )  # fmt: skip
    key = (place.pk, None) if township_row else (place.village.township_id, place.pk)  # type: ignore[union-attr]
    if key in wanted:
        code = normalise(row.get(CODE))
        errors.append(CellError(number, CODE, code, _("同一地区在表中重复出现。")))
        return
    wanted[key] = {}
    for duty in own:
        if COLUMNS[duty] not in headers:
            continue  # a column the sheet lacks is left as it is
        names, problem = _names(row.get(COLUMNS[duty]))
        if problem:
            errors.append(CellError(number, COLUMNS[duty], str(row[COLUMNS[duty]]), problem))
        else:
            wanted[key][duty] = names


def responsibility_import(*, user: Any, year: int, upload: Upload) -> tuple[int, list[CellError]]:
    """Read the sheet and set the year's assignments of every listed row, or nothing."""
    if not may(user, "responsibility.set"):
        raise PermissionDenied(_("只有县委组织部可以设定责任分工。"))
    try:
        dataset = read_table(upload)
    except SpreadsheetError as exc:
        return 0, [CellError(0, "", "", str(exc))]
    headers = [str(h or "").strip() for h in dataset.headers or []]
    if CODE not in headers:
        return 0, [CellError(1, "", "", _("缺少必需的列：区划代码（表头应在第1行）。"))]
    codes = [normalise(dict(zip(headers, v, strict=False)).get(CODE)) for v in dataset]
    townships = {t.code: t for t in restrict(Township.objects.filter(code__in=codes), user)}
    branches = {
        b.village.code: b
        for b in restrict(Branch.objects.filter(village__code__in=codes), user).select_related(
            "village"
        )
    }
    wanted: dict[tuple[int, int | None], dict[str, Names]] = {}
    errors: list[CellError] = []
    for number, values in enumerate(dataset, start=2):
        if all(v in (None, "") for v in values):
            continue
        row = dict(zip(headers, values, strict=False))
        place = _place_of_row(row, townships, branches)
        if place is None:
            message = _("区划代码不存在、没有党支部，或不在您管辖的范围内。")
            errors.append(CellError(number, CODE, normalise(row.get(CODE)), message))
            continue
        _row_read(row, number, place, headers, wanted, errors)
    if errors:
        return 0, errors
    with transaction.atomic():
        changed = assignments_set(user=user, year=year, wanted=wanted)
    return changed, []


def _names(value: Any) -> tuple[Names, str]:
    names: Names = []
    for part in _SPLIT.split(str(value or "").strip()):
        part = part.strip()
        if not part:
            continue
        match = _POST.match(part)
        name, post = (match["name"].strip(), match["post"].strip()) if match else (part, "")
        if len(name) > 60 or len(post) > 60:
            return [], _("“%(part)s”太长：姓名或单位、职务各不超过60字。") % {"part": part}
        if (name, post) not in names:
            names.append((name, post))
    return names, ""


@gated("responsibility.set", refused=gettext_lazy("只有县委组织部可以设定责任分工。"))
def assignments_set(
    *, user: Any, year: int, wanted: dict[tuple[int, int | None], dict[str, Names]]
) -> int:
    """Make the year's assignments of each (township, branch) say exactly `wanted`; returns how
    many places changed. One delete and one insert for the lot, one audit entry."""
    held: dict[tuple[int, int | None, str], Names] = {}
    townships = {t for t, _b in wanted}
    for a in Assignment.objects.filter(year=year, township_id__in=townships).order_by("pk"):
        held.setdefault((a.township_id, a.branch_id, a.duty), []).append((a.name, a.post))
    changed_places, stale, fresh = set(), [], []
    for (township, branch), duties in wanted.items():
        for duty, names in duties.items():
            if held.get((township, branch, duty), []) == names:
                continue
            changed_places.add((township, branch))
            stale.append((township, branch, duty))
            fresh += [
                Assignment(year=year, township_id=township, branch_id=branch, duty=duty,
                           name=name, post=post)
                for name, post in names
            ]  # fmt: skip
    for township, branch, duty in stale:
        Assignment.objects.filter(
            year=year, township_id=township, branch_id=branch, duty=duty
        ).delete()
    Assignment.objects.bulk_create(fresh)
    if changed_places:
        audit(
            user=user,
            action=AuditAction.RESPONSIBILITY,
            target=_("%(year)s年责任分工") % {"year": year},
            place=getattr(user, "place", None),
            after={"places": len(changed_places), "assignments": len(fresh)},
        )
    return len(changed_places)
