"""Financial years and their quarters as the evaluation reads them ("2025/26", "Q3 2025/26",
"2025/26-Q3"). Pure functions over plantrack.core.finyears."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from plantrack.core.finyears import (
    fy_bounds,
    fy_label,
    fy_of,
    fy_parse,
    quarter_bounds,
    quarter_label,
    quarter_parse,
)


@dataclass(frozen=True)
class Period:
    """A financial year ("2025/26") or one of its quarters ("2025/26-Q3"); a board pack's
    period of another kind keeps its own label."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def is_year(self) -> bool:
        return "-" not in self.label

    @property
    def name(self) -> str:
        """ "2025/26-Q3" → "Q3 2025/26"; a year as it is."""
        year, _, part = self.label.partition("-")
        return f"{part} {year}" if part.startswith("Q") else self.label

    @property
    def months(self) -> str:
        """ "October to December 2025", "April 2025 to March 2026"."""
        if self.start.year == self.end.year:
            return f"{self.start:%B} to {self.end:%B %Y}"
        return f"{self.start:%B %Y} to {self.end:%B %Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def year_period(year: int) -> Period:
    return Period(fy_label(year), *fy_bounds(year))


def quarter_period(year: int, quarter: int) -> Period:
    return Period(quarter_label(year, quarter), *quarter_bounds(year, quarter))


def period_parse(text: str) -> Period:
    """A financial year or a quarter written any common way ("2025/26", "Q3 2025/26",
    "2025/26-Q3"); ValueError otherwise."""
    try:
        return year_period(fy_parse(text))
    except ValueError:
        pass
    try:
        return quarter_period(*quarter_parse(text))
    except ValueError as exc:
        raise ValueError(
            f"“{text}” is not a financial year like 2025/26 or a quarter like Q3 2025/26."
        ) from exc


def period_default(on: dt.date) -> Period:
    """The financial year a day falls in."""
    return year_period(fy_of(on))


def period_years(on: dt.date, back: int = 4, ahead: int = 1) -> list[int]:
    """Financial years to offer, newest first: next year, this one and ``back`` before."""
    now = fy_of(on)
    return list(range(now + ahead, now - back - 1, -1))
