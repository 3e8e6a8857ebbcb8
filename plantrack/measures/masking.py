"""Blank out the numbers in a text that are not quantities, keeping where the dates were.

Used by phrases.py: dates (kept aside to date targets), references (YC/INT/1), numbers in
brackets (staff numbers), money (£350/day), durations and ranges (10-12 weeks, 3 days/ week),
times, item numbers at the start of a line and labels (Phase 2, Year 1) become "#".
"""

from __future__ import annotations

import re

# --- Masking numbers that are not quantities -------------------------------------------------

MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_I = re.IGNORECASE
_DATES = [
    re.compile(
        rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?)?{MONTH}\.?"
        rf"(?:\s*(?:-|/|&|to|and)\s*{MONTH}\.?)?,?\s*'?(?:\d{{4}}|\d{{2}})(?!\d)",
        _I,
    ),
    re.compile(r"\b(?:fy\s*)?(?:q[1-4]\s*)?(?:19|20)\d\d\s*[/-]\s*\d{2}(?:\d{2})?(?!\d)", _I),
    re.compile(r"\bq[1-4]\b(?:\s*(?:19|20)\d\d)?", _I),
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"),
    re.compile(
        r"\b(?:in|by|from|until|till|since|during|before|after|of|to|end|mid|early|late)\s+"
        r"(?P<d>(?:19|20|21)\d\d)\b",
        _I,
    ),
    re.compile(r"\b(?:19|20|21)\d\d\b(?=\s*(?:$|[.,;:)\]/]))"),
    # A month without a year: the text is still the date, it just cannot be placed.
    re.compile(rf"\b(?:by|in|before|until|of)\s+(?P<d>{MONTH})\b", _I),
]
_NOISE = [
    re.compile(r"(?m)^[ \t]*\d+(?:\.\d+)*[.)]?(?=\s)"),  # item numbers
    re.compile(
        r"\b\d+(?:\.\d+)?(?:\s*(?:-|to|or)\s*\d+(?:\.\d+)?)?\s*"
        r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mths?|years?|yrs?|fortnights?|minutes?|mins?"
        r"|seconds?|secs?|decades?|nights?|weekends?)\b",
        _I,
    ),
    re.compile(r"\b[a-z]+\d*(?:\s*/\s*[a-z0-9]+)+\b", _I),  # refs, and/or, days/ week
    re.compile(r"\b\d+[a-z]*(?:/\d+[a-z]*)+\b", _I),  # 24/7, 3/4
    re.compile(r"\b[a-z]+\d+[a-z0-9]*\b", _I),  # R2, PSV1
    re.compile(r"\(\s*(?:no\.?\s*|#\s*)?\d[\d\s]*\)", _I),  # (47113)
    re.compile(r"\b\d{5,}\b(?![,.]\d)"),  # 290622, staff and phone numbers
    re.compile(
        r"[£$€]\s*\d[\d,]*(?:\.\d+)?(?:\s*(?:k|m|bn|million|billion)\b)?"
        r"(?:\s*(?:/|per\b|a\b|an\b|each\b)\s*[a-z]+)?",
        _I,
    ),
    re.compile(r"\b\d[\d,.]*\s*(?:pounds|gbp|pence|p)\b", _I),
    re.compile(r"\b\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?\b"),  # ranges
    re.compile(r"\b\d+(?:\.\d+)?\s*(?:fte|wte)\b", _I),
    re.compile(r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b\d{1,2}:\d{2}\b", _I),
    re.compile(r"\b\d+(?:st|nd|rd|th|s)\b", _I),  # 1st, 18s
    re.compile(r"\b\d+(?:\.\d+)?\s*(?:x|@)|(?:x|@|=|\+|\*)\s*\d+(?:\.\d+)?", _I),  # sums
    re.compile(
        r"\b(?:item|rec(?:ommendation)?|section|page|para(?:graph)?|phase|stage|year|option"
        r"|no|number|tier|level|step|appendix|annex|point|priority|objective|outcome|action"
        r"|ref|version|ward|area|district|zone|team|week|month|day|room|floor|unit|cohort|wave"
        r"|aged?|ages|under|over-|key stage|ks|group|round|part|chapter|article|clause|table"
        r"|figure|box|line|row|column|slide|vol(?:ume)?)\.?\s*#?\d+(?:\.\d+)*\b",
        _I,
    ),
]


def clean(text: str) -> str:
    # Same length as the input so that every offset found in the copy holds in the original.
    table = {
        **dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-"),
        **dict.fromkeys(map(ord, "\u00a0\u2007\u202f\f\v"), " "),
        ord("\r"): "\n",
        **dict.fromkeys(map(ord, "\u2018\u2019"), "'"),
    }
    return text.translate(table)


def mask(text: str) -> tuple[str, list[tuple[int, int]]]:
    chars = list(text)
    dates: list[tuple[int, int]] = []

    def blank(start: int, end: int) -> None:
        for i in range(start, end):
            if chars[i] not in " \n":
                chars[i] = "#"

    for pattern in _DATES:
        for m in pattern.finditer("".join(chars)):
            start, end = m.span("d") if "d" in pattern.groupindex else m.span()
            if end > start and "#" not in m.group():
                dates.append((start, end))
                blank(start, end)
    for pattern in _NOISE:
        for m in pattern.finditer("".join(chars)):
            blank(m.start(), m.end())
    return "".join(chars), sorted(dates)
