"""Understand the loose dates written in UK police and council action plans.

The text is always kept exactly as written; parsing only adds an earliest day, a
latest day and a Kind, so a wrong or missing guess never loses information.
Pure stdlib so it can run in migrations, management commands and tests alike.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from django.utils import timezone

__all__ = [
    "Context",
    "FuzzyDate",
    "Kind",
    "financial_year",
    "fy_bounds",
    "is_start_only",
    "parse",
    "parse_update_prefix",
]


class Kind(StrEnum):
    BY = "by"
    START = "start"
    RANGE = "range"
    ON = "on"
    ONGOING = "ongoing"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class FuzzyDate:
    text: str
    earliest: date | None
    latest: date | None
    kind: Kind

    @property
    def parsed(self) -> bool:
        if self.kind is not Kind.UNKNOWN or self.earliest is not None or self.latest is not None:
            return True
        # Blank and "TBC" are understood answers ("no date yet"), unlike junk.
        s = _normalise(self.text)
        return not s or _TBC.match(s) is not None

    @property
    def deadline(self) -> date | None:
        if self.kind in (Kind.BY, Kind.RANGE, Kind.ON):
            return self.latest
        return None


@dataclass(frozen=True)
class Context:
    """What a text with no year, or a relative one, may lean on. ``year``: the calendar year
    its neighbours in an imported table are in ("August - September" between "July - August
    2013" and "Oct 2013"). ``fy``: the first year of the financial year its plan runs in
    ("end of Q4", or a month with no year, in a plan for April 2025 - March 2026). ``start``:
    the action's start ("within 6 months")."""

    year: int | None = None
    fy: int | None = None
    start: date | None = None

    def year_of(self, month: int) -> int | None:
        if self.year is not None:
            return self.year
        if self.fy is not None:
            return self.fy if month >= 4 else self.fy + 1
        return None


class _Period(NamedTuple):
    earliest: date | None
    latest: date | None
    kind: Kind


# A date-like match that names an impossible day: stop looking, report UNKNOWN,
# rather than falling back to some weaker reading of the same digits.
_INVALID = _Period(None, None, Kind.UNKNOWN)

# Four-digit numbers outside this window are reference numbers or counts, not years;
# the bounds also keep all date arithmetic well inside date.min..date.max.
_MIN_YEAR, _MAX_YEAR = 1900, 2199
# Anything longer is a narrative rather than a date; refusing it bounds regex work.
_MAX_LEN = 500

_TRANSLATE = {
    **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"),
    **dict.fromkeys(map(ord, "\u2018\u2019\u201b\u2032\u00b4`"), "'"),
}


def _normalise(text: str) -> str:
    return " ".join(text.translate(_TRANSLATE).split()).lower()


_MONTH_ABBREVIATIONS = (
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
)
# Not calendar.month_abbr: that follows the server locale.
_MONTHS = {name: n for n, name in enumerate(_MONTH_ABBREVIATIONS, start=1)}
_M = (
    r"(?<![a-z])(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
# "Mar 25th" is a day, not March 2025, so ordinals are refused as years.
_Y = r"'?(?:\d{4}|\d{2})(?!\d|st\b|nd\b|rd\b|th\b)"
_MONTH_TO_YEAR = r"(?:,?\s*|[-/])"
_FYL = r"(?<![\d/.])(?P<a>\d{4}|\d{2})\s*[/-]\s*(?P<b>\d{4}|\d{2})(?![/.-]?\d)"
_Q = r"(?<![a-z])q(?:tr|uarter)?\s*(?P<q>[1-4])(?!\d)"


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.ASCII)


_ISO = _rx(r"(?<![\d/.-])(?P<y>\d{4})[/.-](?P<mo>\d{1,2})[/.-](?P<d>\d{1,2})(?![/.-]?\d)")
_NUM = _rx(r"(?<![\d/.-])(?P<d>\d{1,2})[/.-](?P<mo>\d{1,2})[/.-](?P<y>\d{4}|\d{2})(?![/.-]?\d)")
_DMY = _rx(
    rf"(?<![\d/.-])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*of)?[\s-]*(?P<mn>{_M}){_MONTH_TO_YEAR}"
    rf"(?P<y>{_Y})"
)
_WEEK = _rx(r"(?<![a-z])(?:w\s*/\s*[cb]|week\s+(?:commencing|beginning|starting))(?![a-z])[\s:,]*")
_Q_THEN_FY = _rx(rf"{_Q}[\s,(-]*(?:of\s+)?(?:fy\s*)?{_FYL}")
_FY_THEN_Q = _rx(rf"(?:fy\s*)?{_FYL}[\s,)-]*{_Q}")
_MONTH_RANGE = _rx(
    rf"(?P<m1>{_M})(?:\s*(?P<y1>{_Y}))?\s*(?:-+|/|&|\b(?:to|until|till|through|and)\b)\s*"
    rf"(?P<m2>{_M}){_MONTH_TO_YEAR}(?P<y2>{_Y})"
)
_FY = _rx(rf"(?:(?P<fy>fy)\s*)?{_FYL}")
# "2003 - 2008", "2024 to 2027": a strategy's years. Two years apart or more: "2023-2024" is a
# financial year (_FY).
_YEAR_RANGE = _rx(
    r"(?<![\d/.-])(?P<y1>\d{4})\s*(?:-+|\b(?:to|until|till|through)\b)\s*(?P<y2>\d{4})(?![/.-]?\d)"
)
_MONTH_YEAR = _rx(rf"(?P<mn>{_M}){_MONTH_TO_YEAR}(?P<y>{_Y})")
_SEASON = _rx(rf"\b(?P<season>spring|summer|autumn|fall|winter)\s*(?P<y>{_Y})")
_BARE_Q = _rx(_Q)
_YEAR = _rx(r"(?<![\d/.-])(?P<y>\d{4})(?![/.-]?\d)")

_BY_WORD = _rx(r"\b(?:by|deadline|not? later than)\b|\bdue\b(?!\s+to\b)")
_START_WORD = _rx(r"\b(?:start(?:s|ed|ing)?|commenc(?:e|es|ed|ing)|begin(?:s|ning)?|from)\b")
_ONGOING = _rx(r"\b(?:on-?\s?going|bau|business as usual|continuous)\b")
_TBC = _rx(r"(?:tbc|tba|tbd|to be (?:confirmed|agreed|advised|arranged|determined|decided))\b")

_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

# Read only with a Context (a year or start to lean on): months with no year, a quarter with
# no year, and "within N months/weeks" of the start.
_YEARLESS_RANGE = _rx(
    rf"(?P<m1>{_M})\s*(?:-+|/|&|\b(?:to|until|till|through|and)\b)\s*(?P<m2>{_M})"
)
_YEARLESS_MONTH = _rx(rf"^(?:(?:by|in|during|end of|the end of|by the end of)\s+)?(?P<mn>{_M})$")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "nine": 9, "twelve": 12}
_WITHIN = _rx(
    r"\bwithin\s+(?:the\s+)?(?:first\s+)?(?P<n>\d{1,3}|one|two|three|four|six|nine|twelve)\s+"
    r"(?P<unit>months?|weeks?)\b"
)


def _year(token: str, today: date) -> int | None:
    digits = token.lstrip("'")
    value = int(digits)
    if len(digits) == 2:
        # Plans look ahead a few years at most, so "30" is 2030 but "99" is 1999.
        return 2000 + value if value <= today.year % 100 + 20 else 1900 + value
    return value if _MIN_YEAR <= value <= _MAX_YEAR else None


def _month(token: str) -> int:
    return _MONTHS[token[:3]]


def _safe_date(year: int, month: int, day: int) -> date | None:
    if 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]:
        return date(year, month, day)
    return None


def _months(year: int, month: int, count: int) -> tuple[date, date]:
    """First day of year/month to the last day of the count-th month (month may exceed 12)."""
    sy, sm = divmod(year * 12 + month - 1, 12)
    ey, em = divmod(year * 12 + month - 1 + count - 1, 12)
    return date(sy, sm + 1, 1), date(ey, em + 1, calendar.monthrange(ey, em + 1)[1])


def _fy_start(first: int, second: str) -> int | None:
    expected = first + 1 if len(second) == 4 else (first + 1) % 100
    return first if int(second) == expected and 1 <= first < 9999 else None


def _fy_in_text(m: re.Match[str], today: date) -> int | None:
    first = _year(m["a"], today)
    return None if first is None else _fy_start(first, m["b"])


def _day_from(m: re.Match[str], today: date) -> date | None:
    groups = m.groupdict()
    month = int(groups["mo"]) if groups.get("mo") else _month(groups["mn"])
    year = _year(m["y"], today)
    return None if year is None else _safe_date(year, month, int(m["d"]))


# Handlers return a _Period, _INVALID, or None for "not really a date, keep looking".
_Handler = Callable[[re.Match[str], date], _Period | None]


def _on_day(m: re.Match[str], today: date) -> _Period | None:
    day = _day_from(m, today)
    return _INVALID if day is None else _Period(day, day, Kind.ON)


def _week(m: re.Match[str], today: date) -> _Period | None:
    for pattern in (_ISO, _NUM, _DMY):
        if day_match := pattern.match(m.string, m.end()):
            day = _day_from(day_match, today)
            return _INVALID if day is None else _Period(day, day + timedelta(days=6), Kind.RANGE)
    return None


def _quarter(m: re.Match[str], today: date) -> _Period | None:
    start = _fy_in_text(m, today)
    if start is None:
        return _INVALID
    # UK financial quarters: Q1 starts in April, Q4 runs Jan-Mar of the next year.
    return _Period(*_months(start, 4 + 3 * (int(m["q"]) - 1), 3), Kind.BY)


def _financial_year(m: re.Match[str], today: date) -> _Period | None:
    # "10/12" alone is a count or a day/month far more often than a year label.
    if len(m["a"]) == 2 and not m["fy"]:
        return None
    start = _fy_in_text(m, today)
    return None if start is None else _Period(*_months(start, 4, 12), Kind.BY)


def _month_range(m: re.Match[str], today: date) -> _Period | None:
    m1, m2 = _month(m["m1"]), _month(m["m2"])
    y2 = _year(m["y2"], today)
    if y2 is None:
        return _INVALID
    # "December - January 2014" means the December before.
    y1 = _year(m["y1"], today) if m["y1"] else (y2 - 1 if m1 > m2 else y2)
    if y1 is None:
        return _INVALID
    count = (y2 * 12 + m2) - (y1 * 12 + m1) + 1
    return _INVALID if count < 1 else _Period(*_months(y1, m1, count), Kind.RANGE)


def _year_range(m: re.Match[str], today: date) -> _Period | None:
    y1, y2 = int(m["y1"]), int(m["y2"])
    if not (y1 >= _MIN_YEAR and y2 <= _MAX_YEAR) or y2 <= y1 + 1:
        return None
    return _Period(*_months(y1, 1, (y2 - y1 + 1) * 12), Kind.RANGE)


def _month_year(m: re.Match[str], today: date) -> _Period | None:
    year = _year(m["y"], today)
    return _INVALID if year is None else _Period(*_months(year, _month(m["mn"]), 1), Kind.BY)


def _season(m: re.Match[str], today: date) -> _Period | None:
    year = _year(m["y"], today)
    if year is None:
        return _INVALID
    return _Period(*_months(year, _SEASON_START[m["season"]], 3), Kind.BY)


def _ambiguous(m: re.Match[str], today: date) -> _Period | None:
    # "Q3 2022" could be a calendar or a financial quarter; guessing would mislead.
    return _INVALID


def _calendar_year(m: re.Match[str], today: date) -> _Period | None:
    year = int(m["y"])
    return _Period(*_months(year, 1, 12), Kind.BY) if _MIN_YEAR <= year <= _MAX_YEAR else None


# Most specific first: "w/c 12/05/2025" must not be read as a bare day, nor
# "May - June 2013" as June 2013, nor "Q3 2022/23" as the whole year.
_RULES: tuple[tuple[re.Pattern[str], _Handler], ...] = (
    (_WEEK, _week),
    (_Q_THEN_FY, _quarter),
    (_FY_THEN_Q, _quarter),
    (_ISO, _on_day),
    (_NUM, _on_day),
    (_DMY, _on_day),
    (_MONTH_RANGE, _month_range),
    (_YEAR_RANGE, _year_range),
    (_FY, _financial_year),
    (_MONTH_YEAR, _month_year),
    (_SEASON, _season),
    (_BARE_Q, _ambiguous),
    (_YEAR, _calendar_year),
)


def _scan(s: str, pos: int, today: date) -> tuple[_Period, re.Match[str]] | None:
    for pattern, handler in _RULES:
        for m in pattern.finditer(s, pos):
            period = handler(m, today)
            if period is not None:
                return period, m
    return None


def _in_context(s: str, pos: int, context: Context) -> tuple[_Period, int] | None:
    """What only the context lets us read: a quarter or months with no year, or "within N
    months" of the start."""
    if (m := _BARE_Q.search(s, pos)) and context.fy is not None:
        return _Period(*_months(context.fy, 4 + 3 * (int(m["q"]) - 1), 3), Kind.BY), m.start()
    if m := _YEARLESS_RANGE.search(s, pos):
        m1, m2 = _month(m["m1"]), _month(m["m2"])
        y1 = context.year_of(m1)
        if y1 is not None:
            count = (m2 - m1) % 12 + 1
            return _Period(*_months(y1, m1, count), Kind.RANGE), m.start()
    if m := _YEARLESS_MONTH.search(s, pos):
        year = context.year_of(_month(m["mn"]))
        if year is not None:
            return _Period(*_months(year, _month(m["mn"]), 1), Kind.BY), m.start("mn")
    if (m := _WITHIN.search(s, pos)) and context.start is not None:
        n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
        if m["unit"].startswith("week"):
            latest = context.start + timedelta(weeks=n)
        else:
            latest = _months(context.start.year, context.start.month + n, 1)[1]
            latest = min(latest, _safe_date(latest.year, latest.month, context.start.day) or latest)
        return _Period(context.start, latest, Kind.BY), m.start()
    return None


def _cue(prefix: str) -> Kind | None:
    """The keyword nearest before the date wins: "Start now, BAU by Oct 22" is a deadline."""
    by = max((m.start() for m in _BY_WORD.finditer(prefix)), default=-1)
    start = max((m.start() for m in _START_WORD.finditer(prefix)), default=-1)
    if by == start:
        return None
    return Kind.BY if by > start else Kind.START


def parse(
    text: str | None, *, today: date | None = None, context: Context | None = None
) -> FuzzyDate:
    """``context``: what a text with no year, or a relative one, is read against (Context);
    without it such a text is UNKNOWN, as is an impossible day ("31 June 2027")."""
    raw = text or ""
    s = _normalise(raw)
    if not s or len(s) > _MAX_LEN:
        return FuzzyDate(raw, None, None, Kind.UNKNOWN)
    today = today or timezone.localdate()

    scanned = None
    # "Start Oct 22, complete by Mar 23": the date after the last "by" is the deadline.
    by_words = list(_BY_WORD.finditer(s))
    if by_words:
        scanned = _scan(s, by_words[-1].end(), today)
    scanned = scanned or _scan(s, 0, today)
    found = (scanned[0], scanned[1].start()) if scanned else None
    yearless = scanned is None or scanned[1].re is _BARE_Q
    if context is not None and yearless:
        found = _in_context(s, by_words[-1].end() if by_words else 0, context) or (
            _in_context(s, 0, context) if by_words else None
        )
        found = found or ((scanned[0], scanned[1].start()) if scanned else None)

    if found is None:
        return FuzzyDate(raw, None, None, Kind.ONGOING if _ONGOING.search(s) else Kind.UNKNOWN)
    period, at = found
    if period.kind is Kind.UNKNOWN:
        return FuzzyDate(raw, None, None, Kind.UNKNOWN)
    cue = _cue(s[:at])
    if cue is Kind.BY:
        # "By X" says nothing about when work may begin.
        return FuzzyDate(raw, None, period.latest, Kind.BY)
    if cue is None and _ONGOING.search(s):
        cue = Kind.ONGOING
    return FuzzyDate(raw, period.earliest, period.latest, cue or period.kind)


def is_start_only(text: str | None) -> bool:
    """A start and no deadline: "Commence Nov 22", "Start immediately", "From May 2024" (but
    not "Start now, BAU by Oct 22", whose deadline is October 2022)."""
    s = _normalise(text or "")
    if not s or _BY_WORD.search(s):
        return False
    return parse(text).kind is Kind.START or bool(_START_WORD.match(s))


_PREFIX = re.compile(
    r"\s*(?P<date>(?P<compact>[0-9]{6})"
    r"|[0-9]{1,2}[/.-][0-9]{1,2}[/.-](?:[0-9]{4}|[0-9]{2})"
    rf"|[0-9]{{1,2}}(?:st|nd|rd|th)?\s+{_M},?\s+'?(?:[0-9]{{4}}|[0-9]{{2}}))"
    r"(?![0-9])(?:\s*[-\u2013\u2014:]+\s*|\s+|$)",
    re.IGNORECASE,
)


def parse_update_prefix(text: str, *, today: date | None = None) -> tuple[date | None, str, bool]:
    """Split "290622 - narrative" into (date, narrative, True).

    An impossible prefix ("296023 - 13 stations") keeps the whole text and
    still reports True, so the caller can warn rather than silently drop it.
    """
    m = _PREFIX.match(text)
    if m is None:
        return None, text, False
    compact = m["compact"]
    candidate = f"{compact[:2]}/{compact[2:4]}/{compact[4:]}" if compact else m["date"]
    result = parse(candidate, today=today)
    if result.kind is not Kind.ON:
        return None, text, True
    return result.earliest, text[m.end() :], True


def financial_year(d: date) -> str:
    start = d.year if d.month >= 4 else d.year - 1
    return f"{start:04d}/{(start + 1) % 100:02d}"


_FY_LABEL = re.compile(r"(?:fy\s*)?([0-9]{4})\s*[/-]\s*([0-9]{4}|[0-9]{2})", re.IGNORECASE)


def fy_bounds(label: str) -> tuple[date, date]:
    m = _FY_LABEL.fullmatch(label.strip())
    start = _fy_start(int(m[1]), m[2]) if m else None
    if start is None:
        raise ValueError(f"not a financial year label: {label!r}")
    return date(start, 4, 1), date(start + 1, 3, 31)
