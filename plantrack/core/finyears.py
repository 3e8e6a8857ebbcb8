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
