"""UK financial years (1 April – 31 March) and their quarters.

A financial year is held as the calendar year it starts in: 2013 is "2013/14", 1 April 2013 to
31 March 2014. Quarter 1 is April–June, so "2022/23-Q3" is October–December 2022.
"""

from __future__ import annotations

import datetime as dt
import re

FIRST_MONTH = 4  # April
MIN_YEAR, MAX_YEAR = 1900, 2999

# "2013/14", "2013-14", "2013–14", "FY2013/14", "FY 13/14", "13/14", "2013/2014", "2013/14*"
_FY = re.compile(r"^(?:FY\s*)?(\d{2}|\d{4})\s*[/\-–—]\s*(\d{2}|\d{4})$", re.IGNORECASE)
_QUARTER = re.compile(
    r"^(?:(?P<fy1>.+?)\s*[-–\s]\s*Q(?P<q1>[1-4])|Q(?P<q2>[1-4])\s*[-–\s]?\s*(?P<fy2>.+))$",
    re.IGNORECASE,
)
# Two-digit start years: 70–99 are the 1900s, 00–69 the 2000s.
_PIVOT = 70


def fy_of(day: dt.date) -> int:
    """The financial year a day falls in: 31 March 2014 → 2013, 1 April 2014 → 2014."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def fy_label(year: int) -> str:
    """2013 → "2013/14"; 1999 → "1999/00"."""
    return f"{year}/{(year + 1) % 100:02d}"


def _full_year(digits: str) -> int:
    value = int(digits)
    if len(digits) == 4:
        return value
    return (1900 if value >= _PIVOT else 2000) + value


def fy_parse(text: str) -> int:
    """The start year of a financial year written any common way; ValueError if it is not one.

    The second half must follow the first: "2013/15" and "2013/2015" are refused.
    """
    cleaned = (text or "").strip().rstrip("*†").strip()
    match = _FY.match(cleaned)
    if not match:
        raise ValueError(f"“{text}” is not a financial year like 2013/14.")
    start_digits, end_digits = match.groups()
    start = _full_year(start_digits)
    end = int(end_digits)
    expected = start + 1 if len(end_digits) == 4 else (start + 1) % 100
    if end != expected:
        raise ValueError(f"“{text}” is not a financial year: {fy_label(start)} would be.")
    if not MIN_YEAR <= start <= MAX_YEAR:
        raise ValueError(f"“{text}” is out of range.")
    return start


def fy_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a financial year."""
    return dt.date(year, FIRST_MONTH, 1), dt.date(year + 1, FIRST_MONTH, 1) - dt.timedelta(days=1)


def fy_elapsed_share(year: int, on: dt.date) -> float:
    """How much of the year has passed by the end of ``on``: 0 before it, 1 after it."""
    first, last = fy_bounds(year)
    if on < first:
        return 0.0
    if on >= last:
        return 1.0
    return ((on - first).days + 1) / ((last - first).days + 1)


def fy_quarter(day: dt.date) -> tuple[int, int]:
    """(financial year, quarter 1–4) of a day; April–June is quarter 1."""
    return fy_of(day), (day.month - FIRST_MONTH) % 12 // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    """(2022, 2) → "2022/23-Q2"."""
    if not 1 <= quarter <= 4:
        raise ValueError("A quarter is 1 to 4.")
    return f"{fy_label(year)}-Q{quarter}"


def quarter_parse(text: str) -> tuple[int, int]:
    """ "2022/23-Q2", "2022/23 Q2" or "Q2 2022/23" → (2022, 2); ValueError otherwise."""
    match = _QUARTER.match((text or "").strip())
    if not match:
        raise ValueError(f"“{text}” is not a quarter like 2022/23-Q2.")
    year_text = match.group("fy1") or match.group("fy2")
    quarter = int(match.group("q1") or match.group("q2"))
    return fy_parse(year_text), quarter


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a quarter of a financial year."""
    if not 1 <= quarter <= 4:
        raise ValueError("A quarter is 1 to 4.")
    month = FIRST_MONTH + 3 * (quarter - 1)
    start = dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    end_month = month + 3
    after = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


# --- Reporting periods ------------------------------------------------------------------------
# A body reports by quarter unless it meets to its own cadence: by month, by two months or by
# half year. Every period is a run of whole months of one financial year, labelled after it:
# "2022/23-Q3" (October–December 2022), "2022/23-H1" (April–September), "2022/23-B4"
# (October–November) and "2022/23-M08" (November: month 8 of the year, as public-sector
# finance counts it).

PERIOD_MONTHS = {"M": 1, "B": 2, "Q": 3, "H": 6}
PERIOD_KINDS = tuple(PERIOD_MONTHS)
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (dt.date(2000, number, 1).strftime("%B"), dt.date(2000, number, 1).strftime("%b"))
}
_PERIOD = re.compile(
    r"^(?:(?P<fy1>.+?)\s*[-–\s]\s*(?P<k1>[MBQH])\s*(?P<n1>\d{1,2})"
    r"|(?P<k2>[MBQH])\s*(?P<n2>\d{1,2})\s*[-–\s]?\s*(?P<fy2>.+))$",
    re.IGNORECASE,
)
# "November 2022", "Nov 2022", "2022-11"
_MONTH_NAME = re.compile(r"^(?P<month>[A-Za-z]+)\.?\s+(?P<year>\d{4})$")
_ISO_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<month>\d{1,2})$")


def _count(kind: str) -> int:
    return 12 // PERIOD_MONTHS[kind]


def period_label(year: int, kind: str, number: int) -> str:
    """(2022, "Q", 3) → "2022/23-Q3"; (2022, "M", 8) → "2022/23-M08"."""
    kind = kind.upper()
    if kind not in PERIOD_MONTHS:
        raise ValueError(f"“{kind}” is not a kind of period: Q, H, B or M.")
    if not 1 <= number <= _count(kind):
        raise ValueError(f"A {period_kind_name(kind)} is numbered 1 to {_count(kind)}.")
    return (
        f"{fy_label(year)}-{kind}{number:02d}"
        if kind == "M"
        else f"{fy_label(year)}-{kind}{number}"
    )


def period_kind_name(kind: str) -> str:
    return {"M": "month", "B": "two-month period", "Q": "quarter", "H": "half year"}[kind]


def period_of(day: dt.date, kind: str = "Q") -> tuple[int, str, int]:
    """(financial year, kind, number) of the period of that kind a day falls in."""
    offset = (day.month - FIRST_MONTH) % 12
    return fy_of(day), kind, offset // PERIOD_MONTHS[kind] + 1


def _month_period(year: int, month: int) -> tuple[int, str, int]:
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError
    return period_of(dt.date(year, month, 1), "M")


def period_parse(text: str) -> tuple[int, str, int]:
    """A reporting period written any common way → (financial year, kind, number):
    "2022/23-Q3", "Q3 2022/23", "2022/23 M8", "November 2022", "2022-11"; ValueError if it
    is not one."""
    cleaned = (text or "").strip()
    try:
        if match := _MONTH_NAME.match(cleaned):
            month = _MONTHS.get(match.group("month").lower())
            if month:
                return _month_period(int(match.group("year")), month)
        if match := _ISO_MONTH.match(cleaned):
            return _month_period(int(match.group("year")), int(match.group("month")))
    except ValueError:
        pass
    match = _PERIOD.match(cleaned)
    if not match:
        raise ValueError(
            f"“{text}” is not a reporting period like 2022/23-Q2 (or 2022/23-M08, November 2022)."
        )
    kind = (match.group("k1") or match.group("k2")).upper()
    number = int(match.group("n1") or match.group("n2"))
    year = fy_parse(match.group("fy1") or match.group("fy2"))
    period_label(year, kind, number)  # checks the number
    return year, kind, number


def period_bounds(year: int, kind: str, number: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a period."""
    period_label(year, kind, number)
    month = FIRST_MONTH + PERIOD_MONTHS[kind] * (number - 1)
    start = dt.date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)
    end_month = month + PERIOD_MONTHS[kind]
    after = dt.date(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def period_step(year: int, kind: str, number: int, steps: int) -> tuple[int, str, int]:
    """The period ``steps`` after (or before, if negative) a period of the same kind."""
    index = year * _count(kind) + number - 1 + steps
    return index // _count(kind), kind, index % _count(kind) + 1


def period_name(label: str) -> str:
    """How a period reads in a sentence: "2022/23-Q3" stays as it is (boards know quarters by
    their label); "2022/23-M08" → "November 2022"; "2022/23-B4" → "October–November 2022";
    "2022/23-H1" → "2022/23 first half"."""
    year, kind, number = period_parse(label)
    start, end = period_bounds(year, kind, number)
    if kind == "M":
        return f"{start:%B %Y}"
    if kind == "B":
        if start.year == end.year:
            return f"{start:%B}–{end:%B %Y}"
        return f"{start:%B %Y}–{end:%B %Y}"
    if kind == "H":
        return f"{fy_label(year)} {'first' if number == 1 else 'second'} half"
    return label


def period_with_name(label: str) -> str:
    """ "2026/27-M08" → "2026/27-M08 (November 2026)"; a quarter's label as it is."""
    name = period_name(label)
    return label if name == label else f"{label} ({name})"
