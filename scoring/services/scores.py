"""Scoring checklists (one or a county at once) and storing the verdicts the tallies count."""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from access.gate import internal
from catalogues import engine
from catalogues.selectors import catalogue_load
from scoring.models import Checklist
from scoring.selectors import answers_by_checklist


@internal("bulk rescoring for the demo and benches; people's changes go through answers.py")
def checklists_rescore(
    *,
    checklists: Iterable[Checklist],
    known: Mapping[int, Mapping[str, engine.Value | None]] | None = None,
) -> int:
    """Rescore many checklists in a fixed number of queries: one for the answers (none when the
    caller already holds them all in `known`, checklist id → answers), a couple per catalogue
    version, and one bulk write each for the checklists and their star scores. Returns how
    many were scored."""
    checklists = list(checklists)
    by_catalogue: dict[int, list[Checklist]] = {}
    for checklist in checklists:
        by_catalogue.setdefault(checklist.catalogue_id, []).append(checklist)
    scored = []
    for group in by_catalogue.values():
        loaded = catalogue_load(catalogue=group[0].catalogue)
        if known is not None and all(c.pk in known for c in group):
            answers: Mapping[int, Mapping[str, engine.Value | None]] = known
        else:
            answers = answers_by_checklist([c.pk for c in group], loaded.code_of)
        scored += [
            (c, revoked_kept(c, engine.score(loaded.spec, answers.get(c.pk, {})))) for c in group
        ]
    with transaction.atomic():
        scored_store(scored)
    return len(scored)


def revoked_kept(
    checklist: Checklist, result: engine.Result, more: Iterable[str] = ()
) -> engine.Result:
    """`result` with the stars the county revoked from this checklist (and `more`) taken away:
    a revoked star stays revoked, whatever its answers say, until the next year's rating."""
    revoked = {s["code"] for s in checklist.result.get("stars", []) if s.get("revoked")}
    revoked |= set(more)
    return result.with_revoked(frozenset(revoked)) if revoked else result


@internal("the storage step of checklists_write and of the rescoring services")
def scored_store(scored: list[tuple[Checklist, engine.Result]]) -> None:
    """Store results and their star rows, for many checklists in two statements."""
    if not scored:
        return
    now = timezone.now()
    for checklist, result in scored:
        checklist.level = result.level
        checklist.result = result.as_dict()
        checklist.scored_at = now
    _store_columns(scored, now)


def _store_columns(scored: list[tuple[Checklist, engine.Result]], now: Any) -> None:
    """Django's bulk_update and bulk upsert, written with columns as arrays: a CASE per row per
    column (bulk_update) costs more than the scoring itself for a county."""
    stars = [
        (c.pk, s.code, s.score, s.earned, bool(s.vetoed_by))
        for c, result in scored
        for s in result.stars
    ]
    with connection.cursor() as cursor:
        # One JSON document for the lot: an array of texts would be escaped element by element.
        cursor.execute(
            """
            UPDATE scoring_checklist AS c
            SET level = t.level, result = t.result, scored_at = %s
            FROM jsonb_to_recordset(%s::jsonb) AS t(id bigint, level smallint, result jsonb)
            WHERE c.id = t.id
            """,
            [
                now,
                json.dumps(
                    [{"id": c.pk, "level": c.level, "result": c.result} for c, _ in scored],
                    ensure_ascii=False,
                ),
            ],
        )
        cursor.execute(
            """
            INSERT INTO scoring_starscore (checklist_id, star, score, earned, vetoed)
            SELECT * FROM unnest(
                %s::bigint[], %s::varchar[], %s::numeric[], %s::boolean[], %s::boolean[]
            )
            ON CONFLICT (checklist_id, star) DO UPDATE SET
                score = EXCLUDED.score, earned = EXCLUDED.earned, vetoed = EXCLUDED.vetoed
            """,
            [list(column) for column in zip(*stars, strict=True)],
        )
