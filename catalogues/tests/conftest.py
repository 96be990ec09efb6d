"""Catalogue fixtures: the default catalogues made quickly, a cycle, and answer helpers."""

import csv
import tomllib
from decimal import Decimal

import pytest
from django.utils import timezone

from catalogues import engine
from catalogues.models import AdjustmentKind, Catalogue, Criterion, Star
from catalogues.selectors import catalogue_load
from catalogues.services import DEFAULT_CATALOGUES, cycle_get_or_create

YEAR = timezone.localdate().year


def make_catalogue(kind: str, year: int = YEAR) -> Catalogue:
    """The default catalogue from its data files, written in bulk. The loader itself (through the
    import resource, 0.9 s a catalogue) is tested in test_catalogues.py; here speed matters."""
    meta = tomllib.loads((DEFAULT_CATALOGUES / f"{kind}.toml").read_text("utf-8"))
    catalogue = Catalogue.objects.create(
        code=f"{kind}-{year}",
        name=meta["name"],
        year=year,
        branch_kind=kind,
        pass_mark=meta["pass_mark"],
        published_at=timezone.now(),
    )
    stars = {
        s["code"]: Star.objects.create(catalogue=catalogue, code=s["code"], name=s["name"], order=n)
        for n, s in enumerate(meta["stars"], 1)
    }
    with open(DEFAULT_CATALOGUES / f"{kind}.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    Criterion.objects.bulk_create(
        Criterion(
            catalogue=catalogue,
            star=stars[row["星"]],
            code=row["编码"],
            text=row["内容"],
            kind=row["类型"],
            points=Decimal(row["分值"] or 0),
            threshold=Decimal(row["阈值"]) if row["阈值"] else None,
            direction=row["方向"],
            hard=row["硬指标"] == "是",
            veto=row["一票否决"] == "是",
            fact=next((f for f, c in meta.get("facts", {}).items() if c == row["编码"]), ""),
            signed=row["编码"] in meta.get("signed", []),
            order=n,
        )
        for n, row in enumerate(rows)
    )
    catalogue.base_star = stars[meta["base_star"]]
    catalogue.save(update_fields=["base_star"])
    AdjustmentKind.objects.bulk_create(
        AdjustmentKind(catalogue=catalogue, **{**a, "star": a.get("star", "")})
        for a in meta.get("adjustments", [])
    )
    return catalogue


@pytest.fixture
def rural(db) -> Catalogue:
    return make_catalogue("rural")


@pytest.fixture
def community(db) -> Catalogue:
    return make_catalogue("community")


@pytest.fixture
def cycle(db):
    return cycle_get_or_create(code=str(YEAR))


@pytest.fixture
def quarter(db):
    return cycle_get_or_create(code=f"{YEAR}Q1")


def meeting_value(criterion: engine.CriterionSpec, met: bool = True) -> object:
    """An answer that meets (or fails) the criterion; vetoes are answered "did not happen"."""
    if criterion.veto:
        return False
    if criterion.kind == engine.BOOL:
        return met
    threshold = float(criterion.threshold or 0)
    at_least = criterion.direction != engine.AT_MOST
    if met:
        return threshold
    return threshold - 1 if at_least else threshold + 1


def answers_for(catalogue: Catalogue, *, failing: tuple[str, ...] = ()) -> dict[str, object]:
    """A full set of answers meeting every criterion except those of `failing` (codes or stars)."""
    spec = catalogue_load(catalogue=catalogue).spec
    return {
        c.code: meeting_value(c, met=c.code not in failing and c.star not in failing)
        for c in spec.criteria
    }
