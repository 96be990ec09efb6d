"""A lost database connection at each write step of an import (issue 29.1): before the COPY of
new answers, during it, during the upsert of changed ones, during the rescore. Each time the
attempt writes nothing, the run says the connection was lost and that it is retrying (never that
the clerk's file is wrong), and the retry writes the whole sheet.

The connection is cut as a server restart cuts it (pg_terminate_backend on the import's own
backend, from a second connection), in this process, so the step is hit exactly."""

import pytest
from django.db import connection

import scoring.services.answers as write_path
import scoring.tasks as tasks
from config.celery import app
from scoring.models import Answer, Checklist
from scoring.services.answer_import import answers_import_record
from tests.test_faults import county, second_connection, sheet  # noqa: F401
from uploads.models import ImportRun
from uploads.spreadsheets import Upload

pytestmark = pytest.mark.django_db(transaction=True)


def cut_own_connection():
    admin = second_connection(autocommit=True)
    admin.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    admin.close()


class CutWhileRead(list):
    """Rows that cut the connection when COPY has read half of them (COPY FROM STDIN is open)."""

    def __iter__(self):
        for n, row in enumerate(list.__iter__(self)):
            if n == len(self) // 2:
                cut_own_connection()
            yield row


def cut_at(step, monkeypatch):
    """Cut the connection once, at `step` of the first attempt."""
    upsert, store = write_path.answers_upsert, write_path.scored_store
    done = []

    def answers_upsert(*, rows, user, new=False):
        if rows and not done and step in ("before COPY", "during COPY") and new:
            done.append(step)
            if step == "before COPY":
                cut_own_connection()
            else:
                rows = CutWhileRead(rows)
        elif rows and not done and step == "during the upsert" and not new:
            done.append(step)
            cut_own_connection()
        return upsert(rows=rows, user=user, new=new)

    def scored_store(scored):
        if not done and step == "during the rescore":
            done.append(step)
            cut_own_connection()
        return store(scored)

    monkeypatch.setattr(write_path, "answers_upsert", answers_upsert)
    monkeypatch.setattr(write_path, "scored_store", scored_store)
    return done


def answers(checklist):
    return sorted(
        Answer.objects.filter(checklist=checklist).values_list("criterion_id", "value_bool")
    )


@pytest.mark.parametrize(
    "step", ["before COPY", "during COPY", "during the upsert", "during the rescore"]
)
def test_a_connection_lost_at_each_write_step_writes_nothing_says_so_and_is_retried(
    world,
    county,  # noqa: F811
    monkeypatch,
    step,
):
    cycle, rural, checklist = county
    # The sheet answers every item "no": the items of two stars have no answer row yet (new
    # rows go by COPY), the others change (the array upsert), and the checklist is rescored.
    Answer.objects.filter(checklist=checklist, criterion__star__code__in=["ST", "WM"]).delete()
    before = answers(checklist)
    run = answers_import_record(
        upload=Upload("城关镇.csv", sheet(world, rural, "否")), user=world.town1_user,
        cycle=cycle, dry_run=False,
    )  # fmt: skip
    at_retry = []
    execute = tasks.answers_import_execute

    def execute_and_watch(*, run, content=None):
        if done:  # the retry: what the first attempt left, as the clerk would see it now
            at_retry.append((ImportRun.objects.get(pk=run.pk), answers(checklist)))
        return execute(run=run, content=content)

    monkeypatch.setattr(tasks, "answers_import_execute", execute_and_watch)
    done = cut_at(step, monkeypatch)
    # The task body run here, its retry too (Celery applies an eager retry at once).
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    tasks.answers_import_task.apply(args=[run.pk], throw=False)
    assert done == [step], f"the {step} step was never reached"
    (interrupted, left), *_ = at_retry
    assert interrupted.status == ImportRun.Status.PENDING
    assert "数据库连接中断" in interrupted.message and "正在自动重试" in interrupted.message
    assert "检查文件" not in interrupted.message
    assert left == before  # all or none: the broken attempt wrote nothing
    finished = ImportRun.objects.get(pk=run.pk)
    assert finished.status == ImportRun.Status.DONE, finished.message
    assert not Answer.objects.filter(checklist=checklist, value_bool=True).exists()
    assert Answer.objects.filter(checklist=checklist).count() == rural.criteria.count()
    assert Checklist.objects.get(pk=checklist.pk).level == 0


def test_a_connection_lost_before_copy_is_djangos_operational_error(world):
    """The probe's reproduction: psycopg's own error used to come out of COPY, where the
    services and the task catch Django's."""
    from django.db import OperationalError, transaction

    with pytest.raises(OperationalError), transaction.atomic():
        cut_own_connection()
        write_path.answers_upsert(rows=[(1, 1, True, None)], user=None, new=True)
