from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.finyears import (
    PERIOD_KINDS,
    PERIOD_MONTHS,
    fy_bounds,
    fy_elapsed_share,
    fy_label,
    fy_of,
    fy_parse,
    fy_quarter,
    period_bounds,
    period_label,
    period_name,
    period_of,
    period_parse,
    period_step,
    period_with_name,
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


# --- Reporting periods --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022/23-Q3", (2022, "Q", 3)),
        ("Q3 2022/23", (2022, "Q", 3)),
        ("2022/23-M08", (2022, "M", 8)),
        ("2022/23 M8", (2022, "M", 8)),
        ("m8 22/23", (2022, "M", 8)),
        ("November 2022", (2022, "M", 8)),
        ("nov 2022", (2022, "M", 8)),
        ("2022-11", (2022, "M", 8)),
        ("March 2023", (2022, "M", 12)),
        ("April 2023", (2023, "M", 1)),
        ("2022/23-B4", (2022, "B", 4)),
        ("2022/23-H2", (2022, "H", 2)),
    ],
)
def test_period_parse_forms(text, expected):
    assert period_parse(text) == expected


@pytest.mark.parametrize(
    "text", ["", "2022/23-Q5", "2022/23-M13", "2022/23-B7", "2022/23-H3", "Smarch 2022", "2022-13"]
)
def test_period_parse_refuses_in_one_line(text):
    with pytest.raises(ValueError) as exc:
        period_parse(text)
    assert "\n" not in str(exc.value)


def test_period_labels_names_and_bounds():
    assert period_label(2022, "M", 8) == "2022/23-M08"
    assert period_bounds(2022, "M", 12) == (dt.date(2023, 3, 1), dt.date(2023, 3, 31))
    assert period_bounds(2022, "B", 5) == (dt.date(2022, 12, 1), dt.date(2023, 1, 31))
    assert period_bounds(2022, "H", 1) == (dt.date(2022, 4, 1), dt.date(2022, 9, 30))
    assert period_bounds(2022, "Q", 3) == quarter_bounds(2022, 3)
    assert period_name("2022/23-M08") == "November 2022"
    assert period_name("2022/23-B5") == "December 2022–January 2023"
    assert period_name("2022/23-B4") == "October–November 2022"
    assert period_name("2022/23-H2") == "2022/23 second half"
    assert period_name("2022/23-Q3") == "2022/23-Q3"
    assert period_with_name("2022/23-M08") == "2022/23-M08 (November 2022)"
    assert period_step(2022, "M", 12, 1) == (2023, "M", 1)
    assert period_step(2022, "Q", 1, -1) == (2021, "Q", 4)


@pytest.mark.parametrize("kind", PERIOD_KINDS)
def test_the_periods_of_a_kind_tile_the_year(kind):
    periods = [period_bounds(2024, kind, n) for n in range(1, 12 // PERIOD_MONTHS[kind] + 1)]
    assert periods[0][0] == fy_bounds(2024)[0] and periods[-1][1] == fy_bounds(2024)[1]
    for (_, end), (start, _) in itertools.pairwise(periods):
        assert start == end + dt.timedelta(days=1)


@given(st.dates(dt.date(1901, 1, 1), dt.date(2998, 12, 31)), st.sampled_from(PERIOD_KINDS))
def test_day_within_its_period_and_label_round_trip(day, kind):
    period = period_of(day, kind)
    start, end = period_bounds(*period)
    assert start <= day <= end
    assert period_parse(period_label(*period)) == period
    if kind in ("M", "Q"):  # a month's name ("November 2022") reads back as the month
        assert period_parse(period_name(period_label(*period))) == period
