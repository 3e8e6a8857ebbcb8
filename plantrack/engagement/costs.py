"""The cost of an engagement activity, read from text as people write it.

Registers write costs in many ways, and text extracted from PDFs garbles them: "£9,000 p.a.",
"£900 0 p.a" (a number split by extraction: £9,000 a year), "£2.5k", "£1,500 per year",
"£3,000 one-off", "Nil", "tbc". ``parse_cost`` reads the amount in pounds and whether it is
paid once or every year, and never guesses silently: whatever it cannot read for certain
comes back with a warning, the amount left out (None) when it cannot be read at all. The text
as written is always kept beside it by the caller.

The rules:

* A period written ("p.a.", "pa", "per annum", "per year", "a year", "annual", "yearly",
  "/yr") is a year; "one-off", "one off", "single payment", "once" is one-off. No period
  written is one-off: a register's cost column without "p.a." is what the activity costs.
  A month, week or quarter is not converted: amount None, with a warning.
* Digits grouped by a comma or a space in threes are thousands ("£9,000", "£9 000"). A space
  that cannot be a thousands separator ("£900 0", "£250 0") is a break left by extraction:
  the digits are joined, with a warning to check the figure.
* "k" and "m" multiply ("£2.5k" is £2,500, "£1.2m" £1,200,000).
* "Nil", "none", "free", "no cost", "£0" are zero. "tbc", "tba", "unknown", "n/a", "various"
  have no amount yet (a warning says so). Ranges ("£2,000-£3,000"), two amounts, negative
  amounts, another currency and anything else are left out with a warning.
* "approx.", "about", "c.", "circa", "up to", "est." before an amount: the amount is read,
  with a warning that it is not exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

YEAR = "year"
ONE_OFF = "one-off"

_YEAR = re.compile(
    r"\b(?:p\.?\s?a|per\s+(?:annum|year|yr)|a\s+year|each\s+year|every\s+year|annual(?:ly)?"
    r"|yearly|annum)\b\.?|/\s*(?:year|yr|annum|pa)\b\.?",
    re.IGNORECASE,
)
_ONE_OFF = re.compile(
    r"\b(?:one[\s-]?off|single\s+payment|one[\s-]?time|once)\b\.?|\bin\s+total\b",
    re.IGNORECASE,
)
_OTHER_PERIOD = re.compile(
    r"\b(?:per\s+(?:month|week|quarter|day|session|event|head|person)|p\.?\s?c\.?\s?m"
    r"|monthly|weekly|quarterly|daily|/\s*(?:month|week|quarter|day|mth|wk))\b",
    re.IGNORECASE,
)
_ZERO = re.compile(r"^(?:nil|none|free|no\s+cost|zero|nothing|£?\s*0+(?:\.0+)?|-|–|—)$", re.I)
_NOT_YET = re.compile(
    r"^(?:tbc|tba|tbd|to\s+be\s+(?:confirmed|agreed|decided|determined)|unknown|n/?a"
    r"|not\s+known|various|varies|variable|\?+)\.?$",
    re.IGNORECASE,
)
_APPROX = re.compile(
    r"^(?:approx(?:imately)?\.?|about|around|c\.|ca\.|circa|up\s+to|est(?:imated)?\.?|~)\s*",
    re.IGNORECASE,
)
_OTHER_CURRENCY = re.compile(r"[€$¥]|\b(?:eur|usd|euros?|dollars?)\b", re.IGNORECASE)
_RANGE = re.compile(r"\d\s*[km]?\s*(?:-|–|—|to)\s*£?\s*\d|\bbetween\b", re.IGNORECASE)
# An amount: pounds sign or "GBP" optional, digits with comma or space groups, decimals,
# a multiplier, "pounds" after.
_AMOUNT = re.compile(
    r"^(?:£|gbp)?\s*(?P<number>\d[\d, ]*(?:\.\d+)?|\.\d+)\s*(?P<mult>k|m|bn)?"
    r"\s*(?:pounds?|gbp|£)?$",
    re.IGNORECASE,
)
_MULTIPLIERS = {"k": Decimal(1000), "m": Decimal(1_000_000), "bn": Decimal(1_000_000_000)}
# No real activity costs more; a longer figure is digits of two cells run together.
_MAX_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class ParsedCost:
    amount: Decimal | None  # pounds; None when there is none or it cannot be read
    period: str | None  # "year", "one-off", or None when there is no amount
    warning: str | None = None  # what the person should check, in one sentence


def parse_cost(text: str | None) -> ParsedCost:
    """A cost as written to an amount in pounds and a period (see the module's rules)."""
    written = " ".join((text or "").split())
    if not written:
        return ParsedCost(None, None)
    if _ZERO.match(written):
        return ParsedCost(Decimal(0), None)
    if _NOT_YET.match(written):
        return ParsedCost(None, None, f"“{written}”: no amount yet, so the cost is kept as text.")
    problem = _refused(written)
    if problem:
        return ParsedCost(None, None, f"“{written}” {problem}, so the cost is kept as text.")
    period, rest = _period(written)
    approx = _APPROX.match(rest)
    if approx:
        rest = rest[approx.end() :]
    amount, split = _amount(rest.strip(" .,;:()"))
    if amount is None:
        return ParsedCost(
            None, None, f"“{written}” is not an amount PlanTrack can read, so it is kept as text."
        )
    notes = []
    if split:
        notes.append(
            f"the number was split by a space, as extraction leaves it, and read as £{amount:,}"
        )
    if approx:
        notes.append(f"it is approximate (“{approx.group().strip()}”)")
    warning = f"“{written}”: {' and '.join(notes)}; check it." if notes else None
    return ParsedCost(amount, period, warning)


def _refused(written: str) -> str | None:
    """Why a cost is not read at all: another currency, a range, another period."""
    if _OTHER_CURRENCY.search(written):
        return "is not in pounds"
    if _RANGE.search(written):
        return "is a range"
    if written.lstrip()[:1] in "-−(":
        return "is negative"
    if _OTHER_PERIOD.search(written):
        return "is not one-off or per year"
    return None


def _period(written: str) -> tuple[str, str]:
    """The period written, and the text without it. No period written is one-off."""
    if _YEAR.search(written):
        return YEAR, _YEAR.sub(" ", written)
    if _ONE_OFF.search(written):
        return ONE_OFF, _ONE_OFF.sub(" ", written)
    return ONE_OFF, written


def _amount(text: str) -> tuple[Decimal | None, bool]:
    """The amount in pounds, and whether a space inside the number had to be taken as a break
    left by extraction. None for anything that is not one amount."""
    match = _AMOUNT.match(text)
    if not match:
        return None, False
    number = match["number"].strip()
    groups = re.split(r"[, ]+", number)
    whole = groups[-1].split(".")[0] if "." in groups[-1] else groups[-1]
    tail = [*groups[1:-1], whole] if len(groups) > 1 else []
    # "9,000", "9 000", "1,250,000": groups of three after the first are thousands; anything
    # else with a space in it is a number that extraction split ("900 0").
    split = bool(tail) and (any(len(g) != 3 for g in tail) or len(groups[0]) > 3)
    if split and "," in number:
        return None, False  # "9,00 0": commas in the wrong places are not a split number
    try:
        amount = Decimal("".join(groups))
    except InvalidOperation:
        return None, False
    if match["mult"]:
        amount *= _MULTIPLIERS[match["mult"].lower()]
    if amount >= _MAX_AMOUNT:
        return None, False
    places = Decimal(1) if amount == amount.to_integral() else Decimal("0.01")
    return amount.quantize(places), split
