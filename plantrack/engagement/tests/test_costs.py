"""parse_cost: costs as registers write them, garbled by extraction or not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plantrack.engagement.costs import ONE_OFF, YEAR, ParsedCost, parse_cost


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [
        ("£9,000 p.a.", 9000, YEAR),
        ("£9,000 pa", 9000, YEAR),
        ("£9 000 per annum", 9000, YEAR),
        ("£1,500 per year", 1500, YEAR),
        ("£1,500 a year", 1500, YEAR),
        ("£1,500/yr", 1500, YEAR),
        ("Annual £400", 400, YEAR),
        ("£3,000 one-off", 3000, ONE_OFF),
        ("£3,000 one off", 3000, ONE_OFF),
        ("£2.5k", 2500, ONE_OFF),
        ("£1.2m", 1_200_000, ONE_OFF),
        ("2500", 2500, ONE_OFF),
        ("£2,500.00", 2500, ONE_OFF),
        ("£99.50", Decimal("99.50"), ONE_OFF),
        ("GBP 750", 750, ONE_OFF),
        ("750 pounds", 750, ONE_OFF),
        ("£1,250,000", 1_250_000, ONE_OFF),
    ],
)
def test_amounts_read_without_warning(text, amount, period):
    assert parse_cost(text) == ParsedCost(Decimal(amount), period, None)


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [("£900 0 p.a", 9000, YEAR), ("£250 0", 2500, ONE_OFF), ("£150 0", 1500, ONE_OFF)],
)
def test_a_number_split_by_extraction_is_joined_with_a_warning(text, amount, period):
    cost = parse_cost(text)
    assert (cost.amount, cost.period) == (Decimal(amount), period)
    assert cost.warning is not None
    assert f"£{amount:,}" in cost.warning
    assert "split" in cost.warning


def test_an_approximate_amount_is_read_with_a_warning():
    cost = parse_cost("approx. £2,000")
    assert (cost.amount, cost.period) == (Decimal(2000), ONE_OFF)
    assert cost.warning is not None
    assert "approximate" in cost.warning


@pytest.mark.parametrize("text", ["Nil", "none", "Free", "No cost", "£0", "0", "-"])
def test_nothing_is_zero(text):
    assert parse_cost(text) == ParsedCost(Decimal(0), None, None)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_blank_is_no_cost_and_no_warning(text):
    assert parse_cost(text) == ParsedCost(None, None, None)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("tbc", "no amount yet"),
        ("TBA", "no amount yet"),
        ("To be confirmed", "no amount yet"),
        ("£2,000-£3,000", "range"),
        ("£2k to £3k", "range"),
        ("between £1,000 and £2,000", "range"),
        ("€500", "not in pounds"),
        ("$500", "not in pounds"),
        ("£200 per month", "not one-off or per year"),
        ("£50 per session", "not one-off or per year"),
        ("-£500", "negative"),
        ("(500)", "negative"),
        ("Staff time", "not an amount"),
        ("£500 + £200", "not an amount"),
        ("9,00 0", "not an amount"),
        ("£" + "9" * 14, "not an amount"),
    ],
)
def test_what_cannot_be_read_is_left_out_with_a_warning(text, why):
    cost = parse_cost(text)
    assert cost.amount is None
    assert cost.period is None
    assert cost.warning is not None
    assert why in cost.warning
    assert text.strip() in cost.warning  # the text as written, to find it
