"""The quarterly scoring rules, exactly (pure functions)."""

from decimal import Decimal as D

from tallies.quarters import Item, movement, previous_quarter, ranks, star_quarter_scores


def test_items_add_and_deduct_up_to_their_caps_within_0_to_100():
    items = [
        Item("JF-01", "CY", D(5), "reward", D(10)),
        Item("JF-01", "CY", D(5), "reward", D(10)),
        Item("JF-01", "CY", D(5), "reward", D(10)),  # a third award passes the cap of 10
        Item("KF-01", "ZB", D(5), "penalty", D(10)),
        Item("JF-02", "WM", D(3), "reward", D(6)),
        Item("KF-02", "PA", D(2), "penalty", D(6)),
    ]
    scores = {"ZB": D("3.0"), "CY": D("85.5"), "WM": D("99.0"), "PA": D("80"), "ST": D("70")}
    assert star_quarter_scores(scores, items) == {
        "ZB": D("0.0"),  # never below zero
        "CY": D("95.5"),
        "WM": D("100.0"),  # never above 100
        "PA": D("78.0"),
        "ST": D("70.0"),
    }


def test_ranks_share_places_and_movement_is_against_the_previous_quarter():
    now = ranks({"a": D(90), "b": D(95), "c": D(90), "d": D(10)})
    assert now == {"b": 1, "a": 2, "c": 2, "d": 4}
    assert movement(now, {"a": 1, "b": 3, "c": 2}) == {"a": -1, "b": 2, "c": 0, "d": None}
    assert previous_quarter("2026Q1") == "2025Q4" and previous_quarter("2026Q3") == "2026Q2"
