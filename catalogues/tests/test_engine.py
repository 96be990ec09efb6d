"""The scoring engine against DOMAIN.md, by examples and by properties (hypothesis)."""

from decimal import Decimal as D

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from catalogues import engine
from catalogues.engine import (
    AnswerError,
    CatalogueSpec,
    CriterionSpec,
    parse_answers,
    score,
    suggest,
)

STARS = ("ZB", "CY", "ST", "PA", "WM")


def spec(criteria, base="ZB", pass_mark="80", stars=STARS):  # noqa: S107
    return CatalogueSpec(
        code="test-2026",
        pass_mark=D(pass_mark),
        stars=stars,
        criteria=tuple(criteria),
        base_star=base,
    )


def b(code, star, points, **kw):
    return CriterionSpec(code=code, star=star, kind="bool", points=D(points), **kw)


def veto(code, star):
    return CriterionSpec(code=code, star=star, kind="bool", veto=True)


def num(code, star, points, threshold, direction="at_least", kind="number", **kw):
    return CriterionSpec(
        code=code,
        star=star,
        kind=kind,
        points=D(points),
        threshold=D(threshold),
        direction=direction,
        **kw,
    )


ONE_STAR = spec(
    [b("A", "ZB", 40), b("B", "ZB", 40), b("C", "ZB", 20), veto("X", "ZB")], stars=("ZB",)
)


def test_a_star_with_every_criterion_met_scores_100_and_is_earned():
    result = score(ONE_STAR, {"A": True, "B": True, "C": True})
    assert result.star("ZB").score == D("100.0")
    assert result.star("ZB").earned and result.level == 1
    assert result.catalogue == "test-2026"


def test_the_score_is_met_points_over_all_points_rounded_half_up_to_one_decimal():
    # 2 of 3 equal points = 66.666… → 66.7; 1 of 8 = 12.5 exactly; 1 of 16 = 6.25 → 6.3 (half up)
    three = spec([b("A", "ZB", 1), b("B", "ZB", 1), b("C", "ZB", 1)], stars=("ZB",))
    assert score(three, {"A": True, "B": True}).star("ZB").score == D("66.7")
    eight = spec([b(f"Q{i}", "ZB", 1) for i in range(8)], stars=("ZB",))
    assert score(eight, {"Q0": True}).star("ZB").score == D("12.5")
    sixteen = spec([b(f"Q{i}", "ZB", 1) for i in range(16)], stars=("ZB",))
    assert score(sixteen, {"Q0": True}).star("ZB").score == D("6.3")  # 6.25 rounds up, not to even


def test_a_score_that_rounds_to_the_pass_mark_passes():
    # 79.95 rounds half-up to 80.0, which reaches a pass mark of 80
    cat = spec([b("A", "ZB", "79.95"), b("B", "ZB", "20.05")], stars=("ZB",))
    result = score(cat, {"A": True})
    assert result.star("ZB").score == D("80.0") and result.star("ZB").earned


def test_a_missing_answer_is_not_met():
    result = score(ONE_STAR, {"A": True, "B": True})
    assert result.star("ZB").score == D("80.0") and result.star("ZB").unmet == ["C"]
    assert score(ONE_STAR, {}).star("ZB").score == D("0.0")


@pytest.mark.parametrize(
    ("direction", "value", "met"),
    [
        ("at_least", "80", True),
        ("at_least", "79.99", False),
        ("at_least", "100", True),
        ("at_most", "5", True),
        ("at_most", "5.01", False),
        ("at_most", "0", True),
    ],
)
def test_thresholds_are_met_at_equality_in_both_directions(direction, value, met):
    threshold = "80" if direction == "at_least" else "5"
    criterion = num("N", "ZB", 100, threshold, direction)
    cat = spec([criterion], stars=("ZB",))
    assert score(cat, {"N": D(value)}).star("ZB").earned is met


def test_an_unmet_hard_criterion_stops_the_star_whatever_the_score():
    cat = spec([num("INCOME", "ZB", 10, 200000, hard=True), b("A", "ZB", 90)], stars=("ZB",))
    result = score(cat, {"INCOME": D(199999), "A": True})
    star = result.star("ZB")
    assert star.score == D("90.0") and not star.earned and star.unmet_hard == ["INCOME"]
    assert star.points_short == 0


def test_a_vetoed_star_is_not_earned_whatever_its_score():
    result = score(ONE_STAR, {"A": True, "B": True, "C": True, "X": True})
    star = result.star("ZB")
    assert star.score == D("100.0") and not star.earned and star.vetoed_by == ["X"]


def test_a_veto_answered_no_or_left_blank_does_not_trigger():
    assert score(ONE_STAR, {"A": True, "B": True, "C": True, "X": False}).level == 1
    assert score(ONE_STAR, {"A": True, "B": True, "C": True}).level == 1


def test_without_the_base_star_no_other_star_counts():
    cat = spec([b("Z", "ZB", 100), b("C", "CY", 100)], stars=("ZB", "CY"))
    result = score(cat, {"C": True})
    assert not result.star("ZB").earned
    cy = result.star("CY")
    assert cy.score == D("100.0") and not cy.earned and cy.missing_base
    assert result.level == 0
    assert not result.star("ZB").missing_base  # the base star needs only the first three rules


def test_without_a_base_star_named_stars_are_independent():
    cat = spec([b("Z", "ZB", 100), b("C", "CY", 100)], base=None, stars=("ZB", "CY"))
    result = score(cat, {"C": True})
    assert result.level == 1 and result.earned == ["CY"]


def test_points_short_is_the_gap_to_the_pass_mark_in_score_points():
    result = score(ONE_STAR, {"A": True, "C": True})
    assert result.star("ZB").score == D("60.0") and result.star("ZB").points_short == D("20.0")


def test_the_result_serialises_as_the_api_shape():
    data = score(ONE_STAR, {"A": True}).as_dict()
    assert data["level"] == 0
    assert data["stars"][0] == {
        "code": "ZB",
        "score": 40.0,
        "earned": False,
        "unmet_hard": [],
        "vetoed_by": [],
        "points_short": 40.0,
        "missing_base": False,
        "unmet": ["B", "C"],
    }
    assert type(data["stars"][0]["score"]) is float  # stored as JSON and sent as a number


def test_parse_answers_names_every_bad_criterion():
    cat = spec(
        [b("A", "ZB", 50), num("P", "ZB", 25, 80, kind="percent"), num("N", "ZB", 25, 3)],
        stars=("ZB",),
    )
    with pytest.raises(AnswerError) as caught:
        parse_answers(cat, {"A": 1, "P": 100.5, "N": "3", "Q": True})
    assert set(caught.value.errors) == {"A", "P", "N", "Q"}
    assert "0～100" in caught.value.errors["P"]
    assert parse_answers(cat, {"A": True, "P": 0, "N": 2.5}) == {
        "A": True,
        "P": D(0),
        "N": D("2.5"),
    }
    with pytest.raises(AnswerError):
        parse_answers(cat, {"P": -0.1})
    with pytest.raises(AnswerError):
        parse_answers(cat, {"N": True})  # a boolean is not a number


def test_suggest_proposes_hard_items_then_the_largest_points():
    cat = spec(
        [
            b("H", "ZB", 5, hard=True),
            b("A", "ZB", 10),
            b("B", "ZB", 30),
            b("C", "ZB", 25),
            b("D", "ZB", 30),
        ],
        stars=("ZB",),
    )
    result = score(cat, {"A": True, "C": True})  # 35 points met, H unmet
    (only,) = suggest(cat, result)
    assert only.possible and only.criteria == ["H", "B", "D"]
    answers = {"A": True, "C": True, **dict.fromkeys(only.criteria, True)}
    assert score(cat, answers).star("ZB").earned


def test_suggest_says_a_vetoed_star_cannot_be_earned():
    result = score(ONE_STAR, {"X": True})
    (only,) = suggest(ONE_STAR, result)
    assert not only.possible and only.criteria == []


# Properties ---------------------------------------------------------------------------------

POINTS = st.decimals(min_value=D("0.5"), max_value=D(30), places=1)


@st.composite
def catalogues(draw):
    stars = STARS[: draw(st.integers(1, 5))]
    criteria = []
    for s in stars:
        for i in range(draw(st.integers(1, 6))):
            kind = draw(st.sampled_from(["bool", "number", "percent"]))
            code = f"{s}-{i}"
            hard = draw(st.booleans())
            if kind == "bool":
                criteria.append(b(code, s, draw(POINTS), hard=hard))
            else:
                top = 100 if kind == "percent" else 1000
                criteria.append(
                    num(
                        code,
                        s,
                        draw(POINTS),
                        draw(st.integers(0, top)),
                        draw(st.sampled_from(["at_least", "at_most"])),
                        kind=kind,
                        hard=hard,
                    )
                )
        for i in range(draw(st.integers(0, 2))):
            criteria.append(veto(f"{s}-V{i}", s))
    base = draw(st.sampled_from([None, stars[0]]))
    pass_mark = draw(st.decimals(min_value=0, max_value=100, places=1))
    return CatalogueSpec(
        code="prop", pass_mark=pass_mark, stars=stars, criteria=tuple(criteria), base_star=base
    )


def value_for(criterion, data):
    if criterion.kind == "bool":
        return data.draw(st.sampled_from([True, False, None]))
    top = 100 if criterion.kind == "percent" else 1000
    return data.draw(st.one_of(st.none(), st.integers(0, top).map(D)))


@st.composite
def scored(draw):
    cat = draw(catalogues())
    data = draw(st.data())
    answers = {c.code: value_for(c, data) for c in cat.criteria}
    return cat, answers


def meeting(criterion):
    if criterion.kind == "bool":
        return True
    return criterion.threshold


@settings(max_examples=300, deadline=None)
@given(scored())
def test_the_level_is_the_number_of_earned_stars(case):
    cat, answers = case
    result = score(cat, answers)
    assert result.level == sum(s.earned for s in result.stars)
    assert 0 <= result.level <= len(cat.stars)
    for s in result.stars:
        assert D(0) <= s.score <= D(100)
        if s.earned:
            assert s.score >= cat.pass_mark and not s.unmet_hard and not s.vetoed_by
            assert not s.missing_base
        else:  # every star not earned says why
            assert s.unmet_hard or s.vetoed_by or s.points_short > 0 or s.missing_base


@settings(max_examples=300, deadline=None)
@given(scored(), st.data())
def test_meeting_one_more_criterion_never_lowers_any_score(case, data):
    cat, answers = case
    scored_items = [
        c for c in cat.criteria if not c.veto and not engine.is_met(c, answers.get(c.code))
    ]
    assume(scored_items)
    criterion = data.draw(st.sampled_from(scored_items))
    before = score(cat, answers)
    after = score(cat, {**answers, criterion.code: meeting(criterion)})
    for old, new in zip(before.stars, after.stars, strict=True):
        assert new.score >= old.score
    assert after.level >= before.level


@settings(max_examples=300, deadline=None)
@given(scored(), st.data())
def test_a_triggered_veto_always_removes_its_star(case, data):
    cat, answers = case
    vetoes = [c for c in cat.criteria if c.veto]
    assume(vetoes)
    v = data.draw(st.sampled_from(vetoes))
    result = score(cat, {**answers, v.code: True})
    star = result.star(v.star)
    assert not star.earned and v.code in star.vetoed_by


@settings(max_examples=300, deadline=None)
@given(scored())
def test_without_the_base_star_the_level_is_zero(case):
    cat, answers = case
    result = score(cat, answers)
    if cat.base_star and not result.star(cat.base_star).earned:
        assert result.level == 0


@settings(max_examples=200, deadline=None)
@given(scored())
def test_following_a_possible_suggestion_earns_the_star(case):
    cat, answers = case
    result = score(cat, answers)
    for suggestion in suggest(cat, result):
        if not suggestion.possible:
            assert result.star(suggestion.star).vetoed_by
            continue
        improved = {**answers}
        for code in suggestion.criteria:
            improved[code] = meeting(cat.by_code[code])
        star = score(cat, improved).star(suggestion.star)
        assert star.score >= cat.pass_mark and not star.unmet_hard and not star.vetoed_by
