# The en dashes are deliberate: they are how the real plans are written.
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantrack.core.fuzzydates import (
    FuzzyDate,
    Kind,
    financial_year,
    fy_bounds,
    parse,
    parse_update_prefix,
)

TODAY = date(2026, 11, 22)
D = date

# (text, kind, earliest, latest)
SEED_CASES = [
    ("March 2004", Kind.BY, D(2004, 3, 1), D(2004, 3, 31)),
    ("September 2003", Kind.BY, D(2003, 9, 1), D(2003, 9, 30)),
    ("December 2003", Kind.BY, D(2003, 12, 1), D(2003, 12, 31)),
    ("June 2003", Kind.BY, D(2003, 6, 1), D(2003, 6, 30)),
    ("April/ May 2013", Kind.RANGE, D(2013, 4, 1), D(2013, 5, 31)),
    ("May – June 2013", Kind.RANGE, D(2013, 5, 1), D(2013, 6, 30)),
    ("July- August 2013", Kind.RANGE, D(2013, 7, 1), D(2013, 8, 31)),
    ("July - August 2013", Kind.RANGE, D(2013, 7, 1), D(2013, 8, 31)),
    ("June – July 2013", Kind.RANGE, D(2013, 6, 1), D(2013, 7, 31)),
    ("August – September 2013", Kind.RANGE, D(2013, 8, 1), D(2013, 9, 30)),
    ("Oct 2013", Kind.BY, D(2013, 10, 1), D(2013, 10, 31)),
    ("October 2013", Kind.BY, D(2013, 10, 1), D(2013, 10, 31)),
    ("September 2013", Kind.BY, D(2013, 9, 1), D(2013, 9, 30)),
    ("Oct 22", Kind.BY, D(2022, 10, 1), D(2022, 10, 31)),
    ("Dec 22", Kind.BY, D(2022, 12, 1), D(2022, 12, 31)),
    ("Start immediately BAU by Oct 22", Kind.BY, None, D(2022, 10, 31)),
    ("Start using NM surveying tool by Oct 22", Kind.BY, None, D(2022, 10, 31)),
    ("Product available by Jan 23", Kind.BY, None, D(2023, 1, 31)),
    ("Training package available by Jan 23", Kind.BY, None, D(2023, 1, 31)),
    ("Achieved by Nov 22", Kind.BY, None, D(2022, 11, 30)),
    ("Achieve by Dec 22", Kind.BY, None, D(2022, 12, 31)),
    ("Achieve by June 23", Kind.BY, None, D(2023, 6, 30)),
    ("Achieve by April 23", Kind.BY, None, D(2023, 4, 30)),
    ("Complete by Jan 23", Kind.BY, None, D(2023, 1, 31)),
    ("Complete by Dec 22", Kind.BY, None, D(2022, 12, 31)),
    ("By Oct 22", Kind.BY, None, D(2022, 10, 31)),
    ("By Jan 23", Kind.BY, None, D(2023, 1, 31)),
    ("CPD to commence Nov 22", Kind.START, D(2022, 11, 1), D(2022, 11, 30)),
    ("Commence Nov 22", Kind.START, D(2022, 11, 1), D(2022, 11, 30)),
    ("Commence Dec 22", Kind.START, D(2022, 12, 1), D(2022, 12, 31)),
    ("Commence Sept 22", Kind.START, D(2022, 9, 1), D(2022, 9, 30)),
    ("Commence Jul 22", Kind.START, D(2022, 7, 1), D(2022, 7, 31)),
    ("Commencing Sept 22", Kind.START, D(2022, 9, 1), D(2022, 9, 30)),
    ("Start Feb 23", Kind.START, D(2023, 2, 1), D(2023, 2, 28)),
    ("Start Oct 23", Kind.START, D(2023, 10, 1), D(2023, 10, 31)),
    ("Start Sept 22", Kind.START, D(2022, 9, 1), D(2022, 9, 30)),
    ("Start Oct 22", Kind.START, D(2022, 10, 1), D(2022, 10, 31)),
    ("Solution rolled out by June 23", Kind.BY, None, D(2023, 6, 30)),
    ("Ongoing", Kind.ONGOING, None, None),
    ("BAU", Kind.ONGOING, None, None),
    ("TBC", Kind.UNKNOWN, None, None),
    ("Q3 2022/23", Kind.BY, D(2022, 10, 1), D(2022, 12, 31)),
    ("2013/14", Kind.BY, D(2013, 4, 1), D(2014, 3, 31)),
    ("31/03/2025", Kind.ON, D(2025, 3, 31), D(2025, 3, 31)),
    ("31.03.25", Kind.ON, D(2025, 3, 31), D(2025, 3, 31)),
    ("Mar-25", Kind.BY, D(2025, 3, 1), D(2025, 3, 31)),
    ("end Feb 25", Kind.BY, D(2025, 2, 1), D(2025, 2, 28)),
    ("w/c 12/05/2025", Kind.RANGE, D(2025, 5, 12), D(2025, 5, 18)),
]

MORE_CASES = [
    # A strategy's span of years (issue 15, defect 9: seed 001's "2003 - 2008" was 2003 alone);
    # two consecutive years are a financial year.
    ("2003 - 2008", Kind.RANGE, D(2003, 1, 1), D(2008, 12, 31)),
    ("2022-2025", Kind.RANGE, D(2022, 1, 1), D(2025, 12, 31)),
    ("2024 to 2027", Kind.RANGE, D(2024, 1, 1), D(2027, 12, 31)),
    ("2023-2024", Kind.BY, D(2023, 4, 1), D(2024, 3, 31)),
    # Other spellings and separators.
    ("31-03-2025", Kind.ON, D(2025, 3, 31), D(2025, 3, 31)),
    ("31 March 2025", Kind.ON, D(2025, 3, 31), D(2025, 3, 31)),
    ("31st of March 2025", Kind.ON, D(2025, 3, 31), D(2025, 3, 31)),
    ("2025-03-31", Kind.ON, D(2025, 3, 31), D(2025, 3, 31)),
    ("Oct '13", Kind.BY, D(2013, 10, 1), D(2013, 10, 31)),
    ("Oct \u201913", Kind.BY, D(2013, 10, 1), D(2013, 10, 31)),
    ("SEPT. 22", Kind.BY, D(2022, 9, 1), D(2022, 9, 30)),
    ("sep 2022", Kind.BY, D(2022, 9, 1), D(2022, 9, 30)),
    ("  Oct   2013  ", Kind.BY, D(2013, 10, 1), D(2013, 10, 31)),
    ("mid June 2023", Kind.BY, D(2023, 6, 1), D(2023, 6, 30)),
    ("end Feb 24", Kind.BY, D(2024, 2, 1), D(2024, 2, 29)),
    ("By end Feb 24", Kind.BY, None, D(2024, 2, 29)),
    ("2013", Kind.BY, D(2013, 1, 1), D(2013, 12, 31)),
    ("Jan 99", Kind.BY, D(1999, 1, 1), D(1999, 1, 31)),
    ("Jan 46", Kind.BY, D(2046, 1, 1), D(2046, 1, 31)),
    ("Jan 47", Kind.BY, D(1947, 1, 1), D(1947, 1, 31)),
    # Financial years and quarters.
    ("Q4 2022/23", Kind.BY, D(2023, 1, 1), D(2023, 3, 31)),
    ("2022/23 Q2", Kind.BY, D(2022, 7, 1), D(2022, 9, 30)),
    ("Q2 22/23", Kind.BY, D(2022, 7, 1), D(2022, 9, 30)),
    ("Q1 FY2023-24", Kind.BY, D(2023, 4, 1), D(2023, 6, 30)),
    ("2013-14", Kind.BY, D(2013, 4, 1), D(2014, 3, 31)),
    ("2013/2014", Kind.BY, D(2013, 4, 1), D(2014, 3, 31)),
    ("FY22/23", Kind.BY, D(2022, 4, 1), D(2023, 3, 31)),
    ("By 2013/14", Kind.BY, None, D(2014, 3, 31)),
    # Ranges and weeks.
    ("December – January 2014", Kind.RANGE, D(2013, 12, 1), D(2014, 1, 31)),
    ("Oct 2013 - Jan 2014", Kind.RANGE, D(2013, 10, 1), D(2014, 1, 31)),
    ("April to June 2013", Kind.RANGE, D(2013, 4, 1), D(2013, 6, 30)),
    ("week commencing 12 May 2025", Kind.RANGE, D(2025, 5, 12), D(2025, 5, 18)),
    ("W/C 29/12/2025", Kind.RANGE, D(2025, 12, 29), D(2026, 1, 4)),
    # Seasons.
    ("Summer 2023", Kind.BY, D(2023, 6, 1), D(2023, 8, 31)),
    ("Autumn 2023", Kind.BY, D(2023, 9, 1), D(2023, 11, 30)),
    ("Winter 2023", Kind.BY, D(2023, 12, 1), D(2024, 2, 29)),
    # Cue words.
    ("On-going", Kind.ONGOING, None, None),
    ("Business as usual", Kind.ONGOING, None, None),
    ("BAU Oct 22", Kind.ONGOING, D(2022, 10, 1), D(2022, 10, 31)),
    ("Start Oct 22, complete by Mar 23", Kind.BY, None, D(2023, 3, 31)),
    ("Delivered by L&D, start Oct 22", Kind.START, D(2022, 10, 1), D(2022, 10, 31)),
    ("Oct 22 (signed off by board)", Kind.BY, D(2022, 10, 1), D(2022, 10, 31)),
    ("Due Oct 22", Kind.BY, None, D(2022, 10, 31)),
    ("Due to funding, start Oct 22", Kind.START, D(2022, 10, 1), D(2022, 10, 31)),
    ("by 31/03/2025", Kind.BY, None, D(2025, 3, 31)),
    ("Start 01/10/2022", Kind.START, D(2022, 10, 1), D(2022, 10, 1)),
]


@pytest.mark.parametrize(("text", "kind", "earliest", "latest"), SEED_CASES + MORE_CASES)
def test_parse(text: str, kind: Kind, earliest: date | None, latest: date | None) -> None:
    result = parse(text, today=TODAY)
    assert (result.kind, result.earliest, result.latest) == (kind, earliest, latest)
    assert result.text == text
    assert result.parsed


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("By Oct 22", D(2022, 10, 31)),
        ("Oct 22", D(2022, 10, 31)),
        ("31/03/2025", D(2025, 3, 31)),
        ("May – June 2013", D(2013, 6, 30)),
        ("Start Oct 22", None),
        ("Ongoing", None),
        ("BAU Oct 22", None),
        ("TBC", None),
        ("nonsense", None),
    ],
)
def test_deadline(text: str, deadline: date | None) -> None:
    assert parse(text, today=TODAY).deadline == deadline


@pytest.mark.parametrize(
    "text", ["TBC", "tbc.", "TBA", "TBD", "To be confirmed", "to be agreed", "", "   ", None]
)
def test_understood_without_dates(text: str | None) -> None:
    result = parse(text, today=TODAY)
    assert (result.kind, result.earliest, result.latest) == (Kind.UNKNOWN, None, None)
    assert result.parsed
    assert result.text == (text or "")


@pytest.mark.parametrize(
    "text",
    [
        "when funding allows",
        "asap-ish xyz",
        "August – September",  # no year anywhere: don't guess one
        "31/02/2025",
        "296023",
        "29 February 2025",
        "Q3 2022",  # calendar or financial quarter? refuse to guess
        "Q3 2022/24",
        "Oct 3000",
        "22/23",
        "x" * 600 + " Oct 22",
    ],
)
def test_not_understood(text: str) -> None:
    result = parse(text, today=TODAY)
    assert (result.kind, result.earliest, result.latest) == (Kind.UNKNOWN, None, None)
    assert not result.parsed
    assert result.text == text


def test_leap_day_exists_in_leap_year() -> None:
    assert parse("29/02/2024", today=TODAY).earliest == D(2024, 2, 29)


def test_pivot_follows_today() -> None:
    assert parse("Oct 60", today=D(2045, 1, 1)).earliest == D(2060, 10, 1)
    assert parse("Oct 60", today=TODAY).earliest == D(1960, 10, 1)


def test_fuzzydate_is_frozen() -> None:
    result = parse("Oct 22", today=TODAY)
    with pytest.raises(AttributeError):
        result.kind = Kind.ON  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "290622 – SP&I reformatting calendar",
            (D(2022, 6, 29), "SP&I reformatting calendar", True),
        ),
        ("290622 - L&D to identify", (D(2022, 6, 29), "L&D to identify", True)),
        (
            "296023 – 13 stations have doorbells installed",
            (None, "296023 – 13 stations have doorbells installed", True),
        ),
        ("12/05/25 – text", (D(2025, 5, 12), "text", True)),
        ("03.06.2025: text", (D(2025, 6, 3), "text", True)),
        ("12 May 2025: text", (D(2025, 5, 12), "text", True)),
        ("12/05/2025 — text", (D(2025, 5, 12), "text", True)),
        ("290622 text", (D(2022, 6, 29), "text", True)),
        ("31/02/2025 - text", (None, "31/02/2025 - text", True)),
        ("No date here", (None, "No date here", False)),
        ("13 stations have doorbells", (None, "13 stations have doorbells", False)),
        ("2906221 - text", (None, "2906221 - text", False)),
        ("", (None, "", False)),
    ],
)
def test_parse_update_prefix(text: str, expected: tuple[date | None, str, bool]) -> None:
    assert parse_update_prefix(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (D(2023, 3, 31), "2022/23"),
        (D(2023, 4, 1), "2023/24"),
        (D(2022, 4, 1), "2022/23"),
        (D(2024, 2, 29), "2023/24"),
        (D(2000, 1, 1), "1999/00"),
    ],
)
def test_financial_year(day: date, label: str) -> None:
    assert financial_year(day) == label


@pytest.mark.parametrize(
    ("label", "bounds"),
    [
        ("2013/14", (D(2013, 4, 1), D(2014, 3, 31))),
        ("2013-14", (D(2013, 4, 1), D(2014, 3, 31))),
        ("2013/2014", (D(2013, 4, 1), D(2014, 3, 31))),
        (" FY2022/23 ", (D(2022, 4, 1), D(2023, 3, 31))),
        ("1999/00", (D(1999, 4, 1), D(2000, 3, 31))),
    ],
)
def test_fy_bounds(label: str, bounds: tuple[date, date]) -> None:
    assert fy_bounds(label) == bounds


@pytest.mark.parametrize("label", ["2013/15", "13/14", "2013", "", "abc", "2013/14 Q1", "9999/00"])
def test_fy_bounds_rejects(label: str) -> None:
    with pytest.raises(ValueError):
        fy_bounds(label)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2199, 12, 31)))
def test_financial_year_round_trips(day: date) -> None:
    start, end = fy_bounds(financial_year(day))
    assert start <= day <= end
    assert (end - start).days in (364, 365)


def _check_invariants(text: str, result: FuzzyDate) -> None:
    assert result.text == text
    assert isinstance(result.kind, Kind)
    if result.earliest is not None and result.latest is not None:
        assert result.earliest <= result.latest
    if result.kind is Kind.UNKNOWN:
        assert result.earliest is None and result.latest is None
    assert result.deadline in (None, result.latest)
    assert isinstance(result.parsed, bool)


@given(st.text(), st.dates())
def test_parse_never_raises(text: str, today: date) -> None:
    _check_invariants(text, parse(text, today=today))


@given(st.text(alphabet=" 0123456789/.-–JanFebMarOctQby"))
def test_parse_never_raises_on_date_like_junk(text: str) -> None:
    _check_invariants(text, parse(text, today=TODAY))


@given(st.text(alphabet=" 0123456789/.-–:JanFebMayOctQwcWCFYspringwinter'"), st.dates())
def test_parse_never_raises_on_denser_junk(text: str, today: date) -> None:
    _check_invariants(text, parse(text, today=today))


@given(st.text())
def test_parse_update_prefix_never_raises(text: str) -> None:
    day, rest, had_prefix = parse_update_prefix(text, today=TODAY)
    if day is None:
        assert rest == text
    else:
        assert had_prefix and text.endswith(rest)


@given(st.text(alphabet=" 0123456789/.-–:May"))
def test_parse_update_prefix_never_raises_on_date_like_junk(text: str) -> None:
    day, _rest, had_prefix = parse_update_prefix(text, today=TODAY)
    assert day is None or had_prefix


def test_huge_input() -> None:
    text = "by Oct 22 " * 100_000
    result = parse(text, today=TODAY)
    assert result.kind is Kind.UNKNOWN
    assert parse_update_prefix(text, today=TODAY)[2] is False


# --- Issue 15, defect 6: what a context lets us read, and what stays unreadable ---------------

from plantrack.core.fuzzydates import Context  # noqa: E402


@pytest.mark.parametrize(
    "text", ["31 June 2027", "2027-02-30", "By end of Q4", "Within 6 months", "August – September"]
)
def test_without_a_context_these_cannot_be_read(text):
    parsed = parse(text, today=date(2026, 12, 7))
    assert parsed.kind is Kind.UNKNOWN and parsed.deadline is None and not parsed.parsed


@pytest.mark.parametrize(
    ("text", "context", "earliest", "latest", "kind"),
    [
        # The plan's financial year 2026/27: Q4 is January to March 2027.
        ("By end of Q4", Context(fy=2026), None, date(2027, 3, 31), Kind.BY),
        ("Q2", Context(fy=2026), date(2026, 7, 1), date(2026, 9, 30), Kind.BY),
        # Between "July – August 2013" and "Oct 2013" on import.
        ("August – September", Context(year=2013), date(2013, 8, 1), date(2013, 9, 30), Kind.RANGE),
        ("By August", Context(year=2013), None, date(2013, 8, 31), Kind.BY),
        # In a plan for April 2026 - March 2027, February is 2027's.
        ("February", Context(fy=2026), date(2027, 2, 1), date(2027, 2, 28), Kind.BY),
        (
            "Within 6 months",
            Context(start=date(2026, 1, 15)),
            date(2026, 1, 15),
            date(2026, 7, 15),
            Kind.BY,
        ),
        (
            "within twelve weeks",
            Context(start=date(2026, 1, 1)),
            date(2026, 1, 1),
            date(2026, 3, 26),
            Kind.BY,
        ),
    ],
)
def test_a_context_reads_what_has_no_year(text, context, earliest, latest, kind):
    parsed = parse(text, today=date(2026, 12, 7), context=context)
    assert (parsed.earliest, parsed.latest, parsed.kind) == (earliest, latest, kind)
    assert parsed.deadline == latest


def test_a_context_never_overrides_a_written_year_or_reads_an_impossible_day():
    context = Context(year=2013, fy=2020, start=date(2020, 1, 1))
    assert parse("May – June 2015", context=context).latest == date(2015, 6, 30)
    assert parse("Q3 2022/23", context=context).latest == date(2022, 12, 31)
    assert parse("31 June 2027", context=context).kind is Kind.UNKNOWN
    assert parse("may be delayed", context=context).kind is Kind.UNKNOWN
