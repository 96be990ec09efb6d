"""Importing township answer sheets: recorded runs, a dry run that lists every problem, and a
write that is all or nothing. Small sheets are done in the request; big ones by a worker."""

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import may
from accounts.models import User
from audit.choices import AuditAction
from audit.models import AuditEntry
from audit.services import audit_entry, audit_many
from scoring.choices import EDITABLE_STATES
from scoring.errors import Conflict
from scoring.models import Checklist, Cycle
from scoring.selectors import answers_by_criterion, catalogue_load
from scoring.services.answers import answer_row, answers_upsert
from scoring.services.scores import checklists_rescore
from scoring.sheets.answers import AnswerSheet, parse_answer_sheet, shown_value
from uploads.grids import estimate_cells, read_grid
from uploads.imports import CellError
from uploads.models import ImportRun
from uploads.spreadsheets import SpreadsheetError, Upload
from villages.models import Village

log = logging.getLogger(__name__)
KIND = "answers"
SHELL = User(is_superuser=True, is_active=True)  # the command line, trusted like a superuser
MAX_STORED_ERRORS = 5000
MAX_PREVIEW = 2000  # changes listed on a dry run's page; the counts cover them all


def answers_import_record(*, upload: Upload, user: Any, cycle: Cycle, dry_run: bool) -> ImportRun:
    """Record the upload as a pending run. `user` decides the scope; an unsaved superuser
    stands for the shell. `scoring.tasks.answers_import_start` records and then runs it."""
    if not may(user, "answers.import"):
        raise PermissionDenied(_("只有乡镇和县级可以导入答题表。"))
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
        counts = answers_write(
            sheet=sheet, user=run.user, cycle=cycle, dry_run=run.dry_run, run=run
        )
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


def answers_write(
    *, sheet: AnswerSheet, user: Any, cycle: Cycle, dry_run: bool, run: ImportRun | None = None
) -> tuple[int, int, int]:
    """Write every row of a checked sheet in one transaction, or nothing. Returns how many
    answers were newly given, changed, and left as they were. A dry run only counts. Each
    checklist changed gets an audit entry with its answers before and after, and the file one.

    Written for 100,000 answers: one pass over the values, answer rows that are new streamed
    with COPY, and the rescore fed from memory.
    """
    assert sheet.ok and sheet.catalogue is not None and sheet.loaded is not None
    with transaction.atomic():
        branch_ids = [row.branch.pk for row in sheet.rows]
        lock = Checklist.objects.filter(branch_id__in=branch_ids, cycle=cycle)
        if not dry_run:
            lock = lock.select_for_update(of=("self",))
        existing = {c.branch_id: c for c in lock.select_related("catalogue")}
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
        stored = answers_by_criterion([c.pk for c in existing.values()])
        opened: set[int] = set()  # checklists this import opens: scored even if left blank
        if not dry_run:
            missing = [row.branch for row in sheet.rows if row.branch.pk not in existing]
            Checklist.objects.bulk_create(
                Checklist(branch=b, cycle=cycle, catalogue=sheet.catalogue) for b in missing
            )
            before_ids = {c.pk for c in existing.values()}
            existing = {c.branch_id: c for c in lock.select_related("catalogue")}
            opened = {c.pk for c in existing.values()} - before_ids
        created = changed = unchanged = 0
        fresh: list[tuple[int, int, Any, Any]] = []  # no answer row yet: COPY
        known_rows: list[tuple[int, int, Any, Any]] = []  # a row exists: upsert
        known: dict[int, Mapping[str, Any]] = {}  # every answer of each touched checklist
        trail: list[AuditEntry] = []
        preview: list[dict[str, str]] = []  # a dry run's "what will change", for the page
        note = _("导入文件：%(name)s") % {"name": run.file_name} if run else ""
        now = timezone.now()
        for row in sheet.rows:
            checklist = existing.get(row.branch.pk)
            loaded = catalogue_load(catalogue=checklist.catalogue) if checklist else sheet.loaded
            pk = checklist.pk if checklist else 0
            before = stored.get(pk, {})
            id_of = loaded.id_of
            touched = False
            was: dict[str, Any] = {}
            now_is: dict[str, Any] = {}
            for code, value in row.values.items():
                criterion_id = id_of.get(code)
                if criterion_id is None:
                    raise Conflict(
                        _("%(name)s的清单使用的标准版本中没有指标%(code)s。")
                        % {"name": row.village.name, "code": code}
                    )
                had = criterion_id in before
                old = before.get(criterion_id)
                if old == value and (old is None or type(old) is type(value)):
                    unchanged += 1
                    continue
                if old is None:
                    created += 1
                else:
                    changed += 1
                touched = True
                was[code], now_is[code] = old, value
                if dry_run and len(preview) < MAX_PREVIEW:
                    preview.append(
                        {"place": row.village.name, "code": code,
                         "name": loaded.text_of.get(code, ""),
                         "old": shown_value(old), "new": shown_value(value)}
                    )  # fmt: skip
                (known_rows if had else fresh).append(answer_row(pk, criterion_id, value))
            if touched:
                trail.append(
                    audit_entry(
                        user=user,
                        action=AuditAction.ANSWERS_IMPORT,
                        target=f"{row.branch}（{cycle}）",
                        place=row.village,
                        before=was,
                        after=now_is,
                        note=note,
                        at=now,
                    )
                )
                if before:
                    code_of = loaded.code_of
                    merged = {code_of[cid]: v for cid, v in before.items()}
                    merged.update(row.values)
                    known[pk] = merged
                else:
                    known[pk] = row.values
        if run is not None and dry_run:
            run.params = {**run.params, "changes": preview}
        if dry_run or not known:
            if not dry_run:
                transaction.set_rollback(True)  # checklists opened for nothing are not kept
            return created, changed, unchanged
        for pk in opened:
            known.setdefault(pk, {})
        answers_upsert(rows=fresh, user=user, new=True)
        answers_upsert(rows=known_rows, user=user)
        Checklist.objects.filter(pk__in=known.keys() - opened).update(revision=F("revision") + 1)
        if run is not None:
            trail.append(
                audit_entry(
                    user=user,
                    action=AuditAction.IMPORT_RUN,
                    target=note,
                    place=getattr(user, "place", None),
                    after={"cycle": cycle.code, "sha256": run.sha256, "created": created,
                           "changed": changed, "unchanged": unchanged},
                    at=now,
                )
            )  # fmt: skip
        audit_many(trail)
        checklists_rescore(checklists=[c for c in existing.values() if c.pk in known], known=known)
    return created, changed, unchanged
