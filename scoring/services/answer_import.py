"""Importing township answer sheets: recorded runs, a dry run that lists every problem, and a
write that is all or nothing. Small sheets are done in the request; big ones by a worker."""

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.gate import SYSTEM, gated, internal
from audit.services import audit
from catalogues.models import Cycle
from catalogues.selectors import catalogue_load
from core.errors import Conflict
from scoring.choices import EDITABLE_STATES, AuditAction
from scoring.models import Checklist
from scoring.selectors import answers_by_checklist
from scoring.services.answers import Write, answer_unchanged, checklists_write
from scoring.services.checklists import checklists_open
from scoring.sheets.answers import parse_answer_sheet
from scoring.sheets.cells import shown_value
from scoring.sheets.result import AnswerSheet
from uploads.grids import estimate_cells, read_grid
from uploads.imports import CellError
from uploads.models import ImportRun
from uploads.spreadsheets import SpreadsheetError, Upload
from villages.models import Village

log = logging.getLogger(__name__)
KIND = "answers"
SHELL = SYSTEM  # the command line without --as, trusted like a superuser
MAX_STORED_ERRORS = 5000
MAX_PREVIEW = 2000  # changes listed on a dry run's page; the counts cover them all


@gated("answers.import", refused=gettext_lazy("只有乡镇和县级可以导入答题表。"))
def answers_import_record(*, upload: Upload, user: Any, cycle: Cycle, dry_run: bool) -> ImportRun:
    """Record the upload as a pending run. `user` decides the scope; an unsaved superuser
    stands for the shell. `scoring.tasks.answers_import_start` records and then runs it."""
    run = ImportRun(
        kind=KIND,
        user=user if user.pk else None,
        file_name=upload.name[-200:],
        sha256=hashlib.sha256(upload.content).hexdigest(),
        dry_run=dry_run,
        params={"cycle": cycle.code},
    )
    run.file.save(f"answers.{upload.extension or 'bin'}", ContentFile(upload.content), save=False)
    run.save()
    return run


@internal("a step of the gated upload: decides where the recorded run is checked")
def answers_import_runs_inline(*, run: ImportRun, upload: Upload) -> bool:
    """Whether the upload is small enough to check within the request; a sheet whose size
    cannot even be estimated fails the run at once with the reason."""
    try:
        cells = estimate_cells(upload)
    except SpreadsheetError as error:
        _fail(run, [CellError(0, "", "", str(error))])
        return True
    except Exception:  # an unreadable workbook: the full read says what is wrong
        return True
    return cells <= settings.WUXING_IMPORT_SYNC_CELLS


@gated("answers.import")
@transaction.atomic
def answers_import_confirm_record(*, run: ImportRun, user: Any) -> ImportRun:
    """Record the write of a checked upload: a new run on the same stored file, not a dry run.

    A check is confirmed once (the row lock makes a second confirm, even at the same moment,
    wait and then see the first), and not at all once a checklist it would write has changed
    since: the write would put the sheet's older values over someone's newer answers."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.kind != KIND or not run.dry_run or run.status != ImportRun.Status.DONE:
        raise Conflict(_("只能确认校验通过的预检。"))
    if run.confirmed_at is not None:
        raise Conflict(
            _("这次预检已于%(at)s确认导入，不能再次确认；如需再导入，请重新上传表格。")
            % {"at": timezone.localtime(run.confirmed_at).strftime("%Y-%m-%d %H:%M")}
        )
    cycle = Cycle.objects.get(code=run.params["cycle"])
    stale = changed_since_check(run.params, cycle=cycle)
    if stale:
        raise Conflict(stale)
    run.confirmed_at = timezone.now()
    run.save(update_fields=["confirmed_at"])
    confirmed = answers_import_record(upload=run.upload(), user=user, cycle=cycle, dry_run=False)
    confirmed.params = {**confirmed.params, "checked": run.params.get("checked", {})}
    confirmed.save(update_fields=["params"])
    return confirmed


def changed_since_check(params: Mapping[str, Any], *, cycle: Cycle) -> str:
    """Which villages' checklists changed since the check recorded in `params` (their
    revisions then), as a sentence; empty when none did."""
    checked: Mapping[str, int | None] = params.get("checked", {})
    if not checked:
        return ""
    now = dict(
        Checklist.objects.filter(cycle=cycle, branch_id__in=[int(b) for b in checked]).values_list(
            "branch_id", "revision"
        )
    )
    moved = [int(b) for b, revision in checked.items() if now.get(int(b)) != revision]
    if not moved:
        return ""
    names = list(
        Village.objects.filter(branch__pk__in=moved).order_by("code").values_list("name", flat=True)
    )
    return _(
        "预检之后，%(names)s的清单已被修改（%(n)s个），导入会覆盖这些新的答题，已取消。"
        "请重新下载模板或重新上传表格预检。"
    ) % {"names": "、".join(names[:10]) + ("等" if len(names) > 10 else ""), "n": len(names)}


def _progress(run: ImportRun, percent: int) -> None:
    ImportRun.objects.filter(pk=run.pk).update(progress=max(1, min(percent, 99)))


@internal("the worker (or the request) runs a run recorded by a gated service")
def answers_import_execute(*, run: ImportRun, content: bytes | None = None) -> ImportRun:
    """Check the sheet and, unless a dry run, write it. Progress: reading 0–20, checking 20–80,
    writing 80–100. Whatever goes wrong, the run ends failed with a message, never left
    running: a lost database connection alone is raised, for the task to retry."""
    try:
        return _execute(run=run, content=content)
    except OperationalError:
        raise
    except Exception:
        log.exception("answer import run %s failed unexpectedly", run.pk)
        return _fail(
            run,
            [
                CellError(
                    0, "", "", _("处理文件时出现意外错误，没有写入任何数据。请检查文件后重试。")
                )
            ],
        )


def _execute(*, run: ImportRun, content: bytes | None) -> ImportRun:
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING, progress=2)
    upload = run.upload() if content is None else Upload(run.file_name, content)
    try:
        grid = read_grid(upload)
    except SpreadsheetError as error:
        return _fail(run, [CellError(0, "", "", str(error))])
    _progress(run, 20)
    cycle = Cycle.objects.get(code=run.params["cycle"])
    user = run.user or SHELL
    sheet = parse_answer_sheet(
        grid=grid, user=user, cycle=cycle, progress=lambda p: _progress(run, 20 + p * 6 // 10)
    )
    run.notices = sheet.notices
    if not sheet.ok:
        return _fail(run, sheet.errors)
    _progress(run, 80)
    try:
        counts = answers_write(sheet=sheet, user=user, cycle=cycle, dry_run=run.dry_run, run=run)
    except Conflict as error:
        return _fail(run, [CellError(0, "", "", str(error))])
    run.total = len(sheet.rows)
    run.created, run.changed, run.unchanged = counts
    run.status = ImportRun.Status.DONE
    run.message = _summary(run)
    run.progress = 100
    run.finished_at = timezone.now()
    run.save()
    return run


def _summary(run: ImportRun) -> str:
    if not run.created and not run.changed:
        return _("共%(rows)s个村(社区)，%(n)s项答题与系统中完全一致，没有变化。") % {
            "rows": run.total,
            "n": run.unchanged,
        }
    verb = _("将") if run.dry_run else _("已")
    return _(
        "共%(rows)s个村(社区)：%(verb)s新填%(created)s项、修改%(changed)s项，%(unchanged)s项未变。"
    ) % {
        "rows": run.total,
        "verb": verb,
        "created": run.created,
        "changed": run.changed,
        "unchanged": run.unchanged,
    }


def _fail(run: ImportRun, errors: list[CellError]) -> ImportRun:
    stored = [asdict(e) for e in errors[:MAX_STORED_ERRORS]]
    run.errors = stored
    run.status = ImportRun.Status.FAILED
    run.progress = 100
    run.message = _("发现%(n)s处问题，没有写入任何数据。") % {"n": len(errors)}
    if len(errors) > MAX_STORED_ERRORS:
        run.message += _("（只列出前%(m)s处）") % {"m": MAX_STORED_ERRORS}
    run.finished_at = timezone.now()
    run.save()
    return run


@internal("the write step of answers_import_execute, whose record step asked the gate")
def answers_write(
    *, sheet: AnswerSheet, user: Any, cycle: Cycle, dry_run: bool, run: ImportRun | None = None
) -> tuple[int, int, int]:
    """Write every row of a checked sheet in one transaction, or nothing. Returns how many
    answers were newly given, changed, and left as they were. A dry run only counts (and lists
    the changes for the page). The writing itself is the one write path's, in two batches:
    the checklists the sheet opens, and those it changes.
    """
    assert sheet.ok and sheet.catalogue is not None and sheet.loaded is not None
    with transaction.atomic():
        existing = _checklists_held(sheet, cycle, dry_run=dry_run, run=run)
        counts, changes, stored = _compare(sheet, existing)
        if run is not None and dry_run:
            run.params = {**run.params, "changes": changes[:MAX_PREVIEW]}
        if dry_run or not (counts[0] or counts[1]):
            return counts
        note = _("导入文件：%(name)s") % {"name": run.file_name} if run else ""
        checklists_open(
            branches=[row.branch for row in sheet.rows if row.branch.pk not in existing],
            cycle=cycle,
            user=user,
            answers={row.branch.pk: row.values for row in sheet.rows},
            audit_action=AuditAction.ANSWERS_IMPORT,
            note=note,
        )
        checklists_write(
            writes=[Write(existing[row.branch.pk], row.values) for row in sheet.rows
                    if row.branch.pk in existing],
            user=user,
            audit_action=AuditAction.ANSWERS_IMPORT,
            note=note,
            stored=stored,
        )  # fmt: skip
        if run is not None:
            audit(
                user=user,
                action=AuditAction.IMPORT_RUN,
                target=note,
                place=getattr(user, "place", None),
                after={"cycle": cycle.code, "sha256": run.sha256, "created": counts[0],
                       "changed": counts[1], "unchanged": counts[2]},
            )  # fmt: skip
    return counts


def _checklists_held(
    sheet: AnswerSheet, cycle: Cycle, *, dry_run: bool, run: ImportRun | None
) -> dict[int, Checklist]:
    """The sheet's branches' checklists of the cycle, by branch id: locked for a write, which
    is refused (409) when any moved on since the check or was submitted meanwhile. A check
    notes their revisions on the run, for its confirmation."""
    branch_ids = [row.branch.pk for row in sheet.rows]
    lock = Checklist.objects.filter(branch_id__in=branch_ids, cycle=cycle).select_related(
        "catalogue", "cycle", "branch__village__township"
    )
    if not dry_run:
        lock = lock.select_for_update(of=("self",))
    existing = {c.branch_id: c for c in lock}
    if run is not None and dry_run:
        # What the check saw: a confirm is refused once any of these has moved on.
        run.params = {
            **run.params,
            "checked": {str(b): (existing[b].revision if b in existing else None)
                        for b in branch_ids},
        }  # fmt: skip
    elif run is not None:
        stale = changed_since_check(run.params, cycle=cycle)  # under the row locks
        if stale:
            raise Conflict(stale)
    locked = [c for c in existing.values() if c.state not in EDITABLE_STATES]
    if locked:
        raise Conflict(
            _("导入期间有%(n)s个村(社区)的清单被提交或审定，已全部取消，请重新导入。")
            % {"n": len(locked)}
        )
    return existing


def _compare(
    sheet: AnswerSheet, existing: Mapping[int, Checklist]
) -> tuple[tuple[int, int, int], list[dict[str, str]], dict[int, dict[str, Any]]]:
    """How many answers the sheet gives anew, changes and leaves as they are, the changes
    listed (place, criterion, old → new) for a dry run's page, and the stored answers read
    (checklist id → code → value) for the write, which needs them too."""
    loaded_of = {c.catalogue_id: catalogue_load(catalogue=c.catalogue) for c in existing.values()}
    code_of = {pk: code for one in loaded_of.values() for pk, code in one.code_of.items()}
    stored = answers_by_checklist([c.pk for c in existing.values()], code_of)
    created = changed = unchanged = 0
    changes: list[dict[str, str]] = []
    for row in sheet.rows:
        checklist = existing.get(row.branch.pk)
        loaded = catalogue_load(catalogue=checklist.catalogue) if checklist else sheet.loaded
        assert loaded is not None
        before = stored.get(checklist.pk, {}) if checklist else {}
        for code, value in row.values.items():
            if code not in loaded.id_of:
                raise Conflict(
                    _("%(name)s的清单使用的标准版本中没有指标%(code)s。")
                    % {"name": row.village.name, "code": code}
                )
            old = before.get(code)
            if answer_unchanged(old, value):
                unchanged += 1
                continue
            if old is None:
                created += 1
            else:
                changed += 1
            if len(changes) < MAX_PREVIEW:
                changes.append(
                    {"place": row.village.name, "code": code, "name": loaded.text_of.get(code, ""),
                     "old": shown_value(old), "new": shown_value(value)}
                )  # fmt: skip
    return (created, changed, unchanged), changes, stored
