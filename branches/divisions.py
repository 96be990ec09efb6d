"""Setting up places from the national statistical division list (统计用区划代码).

The list is read as published: a header row naming the code column (统计用区划代码, 代码 or
code) and the name column (名称 or name), optionally the urban-rural classification
(城乡分类代码). One file may hold a province, its cities, counties, townships and villages; each
row's level and parent come from its code. A village-level code ending in 001–199 is a
residents' committee (community), 200–399 a villagers' committee (rural); from 400 on (virtual
communities, farms, parks) the kind is read from the name, and a row whose name says neither is
reported rather than guessed. Every village and community gets its Party branch record.

All or nothing: every bad row is listed (row, column, value, reason) and nothing is written if
any row is bad. Running the same list again changes nothing; places missing from a newer list
are reported, never deleted. Writes are set-based (a province of 52,000 villages is a few
dozen statements).
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from access.gate import gated
from access.scope import scope_of
from audit.choices import AuditAction
from audit.services import audit
from branches.models import Branch
from uploads.grids import read_grid
from uploads.imports import CellError
from uploads.spreadsheets import SpreadsheetError, Upload
from villages.choices import VillageKind
from villages.codes import LEVEL_LABEL, PARENT, SIGNIFICANT, Level, level_of, normalise
from villages.models import PLACE_MODELS, City, Province, Village

CODE_HEADERS = ("统计用区划代码", "代码", "区划代码", "code")
NAME_HEADERS = ("名称", "name")
CLASS_HEADERS = ("城乡分类代码",)
ORDER = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
MISSING_SHOWN = 50


@dataclass
class Division:
    row: int
    code: str
    name: str
    level: Level
    kind: str = ""

    @property
    def parent_code(self) -> str:
        digits = SIGNIFICANT[PARENT[self.level]]
        return self.code[:digits].ljust(12, "0")


@dataclass
class DivisionsReport:
    rows: int = 0
    new: dict[str, int] = field(default_factory=dict)  # level → places to add
    renamed: list[str] = field(default_factory=list)  # "code 旧名 → 新名" of places renamed
    unchanged: int = 0
    branches: int = 0  # branch records to add
    missing: list[str] = field(default_factory=list)  # "code name" of places not in the list
    missing_count: int = 0
    errors: list[CellError] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        """The report in sentences, for the command and the page."""
        added = "，".join(
            f"{LEVEL_LABEL[Level(level)]}{n}个" for level, n in self.new.items() if n
        ) or _("无")
        said = [
            _("共%(rows)s行：新增%(added)s；改名%(renamed)s个；未变%(same)s个；新建党支部%(b)s个。")
            % {
                "rows": self.rows,
                "added": added,
                "renamed": len(self.renamed),
                "same": self.unchanged,
                "b": self.branches,
            }
        ]
        if self.renamed:
            said.append(
                _("改名或改类型的地点（请核对是否同一地点）：%(list)s")
                % {"list": "；".join(self.renamed)}
            )
        if self.missing_count:
            said.append(
                _("系统中有%(n)s个地点不在本表中（未删除，请核实）：%(list)s")
                % {"n": self.missing_count, "list": "、".join(self.missing)}
            )
        return said


class _Bad(Exception):
    pass


@gated("divisions.import")
def divisions_import(*, upload: Upload, dry_run: bool, user: Any) -> DivisionsReport:
    """Read the list and, unless `dry_run` or any row is bad, set up its places and branches.
    `user` (province or city staff) may only set up places within their own place; without a
    user (the command) any place."""
    report = DivisionsReport()
    try:
        divisions = _read(upload, report)
    except SpreadsheetError as exc:
        report.errors.append(CellError(0, "", "", str(exc)))
        return report
    if report.errors:
        return report
    try:
        with transaction.atomic():
            _write(divisions, report, user)
            if dry_run or report.errors:
                raise _Bad
            report.written = True
            if user is not None:
                audit(
                    user=user,
                    action=AuditAction.REGISTER_IMPORT,
                    target=_("区划代码表（%(name)s）") % {"name": upload.name},
                    place=user.place,
                    after={"rows": report.rows, "new": report.new, "renamed": report.renamed},
                )
    except _Bad:
        pass
    return report


def _read(upload: Upload, report: DivisionsReport) -> list[Division]:
    grid = read_grid(upload)
    rows = [[normalise(c.value) for c in row] for row in grid.rows]
    if not rows:
        raise SpreadsheetError(_("表格是空的。"))
    header = [h.strip() for h in rows[0]]
    code_col = next((i for i, h in enumerate(header) if h in CODE_HEADERS), None)
    name_col = next((i for i, h in enumerate(header) if h in NAME_HEADERS), None)
    class_col = next((i for i, h in enumerate(header) if h in CLASS_HEADERS), None)
    if code_col is None or name_col is None:
        report.errors.append(
            CellError(1, "", "", _("第1行应为表头，含“统计用区划代码”（或“代码”）和“名称”两列。"))
        )
        return []
    code_head, name_head = header[code_col], header[name_col]
    found: list[Division] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        cells = row + [""] * (max(code_col, name_col, class_col or 0) + 1 - len(row))
        code, name = cells[code_col], cells[name_col]
        if not code and not name:
            continue
        report.rows += 1

        def bad(column: str, value: str, message: str, number: int = number) -> None:
            report.errors.append(CellError(number, column, value, message))

        level = level_of(code)
        if level is None:
            bad(code_head, code, _("不是12位统计用区划代码。"))
            continue
        if code in seen:
            bad(code_head, code, _("与第%(row)s行重复。") % {"row": seen[code]})
            continue
        seen[code] = number
        if not name or len(name) > 60:
            bad(name_head, name, _("名称不能为空，且不超过60个字。"))
            continue
        if (
            class_col is not None
            and cells[class_col]
            and not (cells[class_col].isdigit() and len(cells[class_col]) == 3)
        ):
            bad(header[class_col], cells[class_col], _("城乡分类代码应为3位数字。"))
            continue
        division = Division(number, code, name, level)
        if level == Level.VILLAGE:
            division.kind = _kind(code, name)
            if not division.kind:
                bad(name_head, name, _("代码末三位为400以上，名称中看不出是社区还是村，请核实。"))
                continue
        found.append(division)
    return found


def _kind(code: str, name: str) -> str:
    number = int(code[9:])
    if 1 <= number <= 199:
        return VillageKind.COMMUNITY
    if 200 <= number <= 399:
        return VillageKind.RURAL
    if "社区" in name or "居委会" in name or "居民委员会" in name:
        return VillageKind.COMMUNITY
    if "村" in name:
        return VillageKind.RURAL
    return ""


def _write(divisions: list[Division], report: DivisionsReport, user: Any) -> None:
    by_level: dict[Level, list[Division]] = {level: [] for level in ORDER}
    for division in divisions:
        by_level[division.level].append(division)
    ids: dict[str, int] = {}  # code → id of every place the file names or hangs from
    for level in ORDER:
        _write_level(level, by_level[level], ids, report, user)
    if report.errors:
        return
    _branches(by_level[Level.VILLAGE], report)
    _missing(divisions, {d.code for d in divisions}, report)


def _write_level(
    level: Level, rows: list[Division], ids: dict[str, int], report: DivisionsReport, user: Any
) -> None:
    """Add and rename the places of one level (unless any row so far is wrong), learning their
    ids for the level below."""
    model = PLACE_MODELS[level]
    existing = {
        p.code: p
        for p in model.objects.filter(code__in=[d.code for d in rows]).only(
            "pk", "code", "name", *(("kind",) if level == Level.VILLAGE else ())
        )
    }
    parents = {d.parent_code for d in rows} - set(ids) if level != Level.PROVINCE else set()
    if parents:
        ids.update(
            PLACE_MODELS[PARENT[level]].objects.filter(code__in=parents).values_list("code", "pk")
        )
    new, changed = [], []
    for d in rows:
        if not _may_set_up(d, level, ids, report, user):
            continue
        old = existing.get(d.code)
        if old is None:
            place = model(code=d.code, name=d.name)
            if level != Level.PROVINCE:
                setattr(place, f"{model.PARENT_FIELD}_id", ids[d.parent_code])
            if d.kind:
                place.kind = d.kind
            new.append(place)
        elif old.name != d.name or (d.kind and old.kind != d.kind):
            report.renamed.append(_renaming(old, d))
            old.name = d.name
            if d.kind:
                old.kind = d.kind
            changed.append(old)
        else:
            report.unchanged += 1
    report.new[level.value] = len(new)
    if report.errors:
        return  # the other levels are still checked; nothing is written
    model.objects.bulk_create(new, batch_size=5000)
    if changed:
        fields = ["name", "kind"] if level == Level.VILLAGE else ["name"]
        model.objects.bulk_update(changed, fields, batch_size=5000)
    ids.update(model.objects.filter(code__in=[d.code for d in rows]).values_list("code", "pk"))


def _renaming(old: Any, d: Division) -> str:
    """How a place changes, as a person checks it: 419921100201 王庄村 → 王庄社区（村 → 社区）."""
    said = f"{d.code} {old.name}"
    if old.name != d.name:
        said += f" → {d.name}"
    if d.kind and old.kind != d.kind:
        said += f"（{VillageKind(old.kind).label} → {VillageKind(d.kind).label}）"
    return said


def _may_set_up(
    d: Division, level: Level, ids: dict[str, int], report: DivisionsReport, user: Any
) -> bool:
    """Whether the row's place is the user's to set up, under a parent that exists; a place
    above the user's own is left as it is."""
    if _above(user, d.code):
        report.unchanged += 1
        return False
    if not _within(user, d.code):
        report.errors.append(CellError(d.row, "", d.code, _("不在您的管辖范围内，不能设立。")))
        return False
    if level != Level.PROVINCE and d.parent_code not in ids:
        report.errors.append(
            CellError(
                d.row, "", d.code,
                _("上级%(label)s（%(parent)s）既不在表中也不在系统中。")
                % {"label": LEVEL_LABEL[PARENT[level]], "parent": d.parent_code},
            )
        )  # fmt: skip
        return False
    return True


def _within(user: Any, code: str) -> bool:
    """Whether `user` may set up the place with `code`: anywhere without a user (the command),
    else their own province or city and what lies below it."""
    if user is None or scope_of(user).everything:
        return True
    place = user.place
    if not isinstance(place, Province | City):
        return False
    return code[: SIGNIFICANT[place.LEVEL]] == place.code[: SIGNIFICANT[place.LEVEL]]


def _above(user: Any, code: str) -> bool:
    """Whether `code` names a place above the user's own (a city's list may start with its
    province): such rows are read for their children and left as they are."""
    place = getattr(user, "place", None)
    level = level_of(code)
    if place is None or level is None or ORDER.index(level) >= ORDER.index(place.LEVEL):
        return False
    return place.code.startswith(code[: SIGNIFICANT[level]])


def _branches(villages: list[Division], report: DivisionsReport) -> None:
    """A branch record for every village of the list that has none, named from the place."""
    codes = [d.code for d in villages]
    without = Village.objects.filter(code__in=codes, branch__isnull=True).values_list("pk", "name")
    branches = [Branch(village_id=pk, name=f"中共{name}支部委员会") for pk, name in without]
    Branch.objects.bulk_create(branches, batch_size=5000)
    report.branches = len(branches)


def _missing(divisions: list[Division], in_file: set[str], report: DivisionsReport) -> None:
    """Places kept under the list's top places that the list no longer names."""
    roots = [d for d in divisions if d.level == Level.PROVINCE or d.parent_code not in in_file]
    for root in roots:
        prefix = root.code[: SIGNIFICANT[root.level]]
        for level in ORDER[ORDER.index(root.level) + 1 :]:
            for code, name in (
                PLACE_MODELS[level]
                .objects.filter(code__startswith=prefix)
                .order_by("code")
                .values_list("code", "name")
                .iterator()
            ):
                if code not in in_file:
                    report.missing_count += 1
                    if len(report.missing) < MISSING_SHOWN:
                        report.missing.append(f"{code} {name}")
