from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.finyears import (
    fy_bounds,
    fy_elapsed_share,
    fy_label,
    fy_of,
    fy_parse,
    fy_quarter,
    quarter_bounds,
    quarter_label,
    quarter_parse,
)

days = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2900, 12, 31))
years = st.integers(min_value=1900, max_value=2900)


def test_year_boundary():
    assert fy_of(dt.date(2014, 3, 31)) == 2013
    assert fy_of(dt.date(2014, 4, 1)) == 2014
    assert fy_of(dt.date(2014, 1, 1)) == 2013
    assert fy_of(dt.date(2013, 12, 31)) == 2013


def test_labels():
    assert fy_label(2013) == "2013/14"
    assert fy_label(1999) == "1999/00"
    assert fy_label(2009) == "2009/10"


@pytest.mark.parametrize(
    "text",
    ["2013/14", "2013-14", "FY2013/14", "FY 2013/14", "fy13/14", "13/14", "2013/2014", "2013/14*"],
)
def test_parse_forms(text):
    assert fy_parse(text) == 2013


def test_parse_two_digit_century():
    assert fy_parse("99/00") == 1999
    assert fy_parse("1999/00") == 1999
    assert fy_parse("05/06") == 2005


@pytest.mark.parametrize(
    "text", ["2013/15", "2013/2015", "2013", "13", "", "Q1", "2013/1", "abc/de", "2014/13"]
)
def test_parse_refuses(text):
    with pytest.raises(ValueError):
        fy_parse(text)


def test_bounds():
    assert fy_bounds(2013) == (dt.date(2013, 4, 1), dt.date(2014, 3, 31))


def test_quarters_at_boundaries():
    assert fy_quarter(dt.date(2022, 4, 1)) == (2022, 1)
    assert fy_quarter(dt.date(2022, 6, 30)) == (2022, 1)
    assert fy_quarter(dt.date(2022, 7, 1)) == (2022, 2)
    assert fy_quarter(dt.date(2022, 12, 31)) == (2022, 3)
    assert fy_quarter(dt.date(2023, 1, 1)) == (2022, 4)
    assert fy_quarter(dt.date(2023, 3, 31)) == (2022, 4)
    assert fy_quarter(dt.date(2023, 4, 1)) == (2023, 1)
    assert quarter_label(2022, 2) == "2022/23-Q2"
    assert quarter_parse("2022/23-Q2") == (2022, 2)
    assert quarter_parse("Q3 2022/23") == (2022, 3)
    assert quarter_parse("2022/23 Q4") == (2022, 4)
    assert quarter_bounds(2022, 3) == (dt.date(2022, 10, 1), dt.date(2022, 12, 31))
    assert quarter_bounds(2022, 4) == (dt.date(2023, 1, 1), dt.date(2023, 3, 31))


@pytest.mark.parametrize("text", ["2022/23-Q5", "2022/23", "Q2", "2022/24-Q1", "nonsense"])
def test_quarter_parse_refuses(text):
    with pytest.raises(ValueError):
        quarter_parse(text)


def test_quarter_refuses_bad_number():
    with pytest.raises(ValueError):
        quarter_label(2022, 0)
    with pytest.raises(ValueError):
        quarter_bounds(2022, 5)


def test_elapsed_share():
    assert fy_elapsed_share(2022, dt.date(2022, 3, 31)) == 0
    assert fy_elapsed_share(2022, dt.date(2023, 3, 31)) == 1
    assert fy_elapsed_share(2022, dt.date(2022, 4, 1)) == pytest.approx(1 / 365)
    assert 0.49 < fy_elapsed_share(2022, dt.date(2022, 9, 30)) < 0.51


@given(years)
def test_label_round_trip(year):
    assert fy_parse(fy_label(year)) == year
    assert fy_parse(f"{year}/{year + 1}") == year
    assert fy_parse(f"FY{year}-{(year + 1) % 100:02d}") == year


@given(days)
def test_day_within_its_year(day):
    first, last = fy_bounds(fy_of(day))
    assert first <= day <= last
    assert (last - first).days in (364, 365)


@given(days)
def test_day_within_its_quarter(day):
    year, quarter = fy_quarter(day)
    first, last = quarter_bounds(year, quarter)
    assert first <= day <= last
    assert quarter_parse(quarter_label(year, quarter)) == (year, quarter)
    # Quarters tile the year: Q1 starts the year, Q4 ends it.
    assert quarter_bounds(year, 1)[0] == fy_bounds(year)[0]
    assert quarter_bounds(year, 4)[1] == fy_bounds(year)[1]
