"""Recognise numeric targets in an action's text and offer them as measures to confirm.

``suggest_measures(text)`` never creates anything and never raises. It finds phrases like
"Target 30k sign-ups by Dec 22", "Increase Special Constabulary numbers to 80 by April 23",
"cohort expansion from 97 to 200 in 2013/14" or "Recruit 25 PSVs and 15 volunteers".

How it avoids false positives: first every number that is *not* a quantity is masked out —
dates (kept aside to date the targets), references (YC/INT/1), numbers in brackets (staff
numbers), money (£350/day), durations and ranges (10-12 weeks, 3 days/ week), times, item
numbers at the start of a line, labels (Phase 2, Year 1). Then a number only becomes a
suggestion when a cue says it is a target: a change verb with "to N", "by N%" or "from N to M",
the word target/aim/goal, "at least N things", or a delivery verb (recruit, train, deliver,
facilitate…) followed by "N things".

Relative targets ("Grow the number of Watch Schemes by 20%", "Reduce ASB by 10%") become a
measure of the size of the change since the baseline: baseline 0, target 20 (unit percent, or
count for "by 20"), direction increase, named "Increase in …" / "Reduction in …", with
``relative`` set and a note saying so. The trajectory then runs from no change to the change
wanted, whatever the starting level was.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from plantrack.core import fuzzydates
from plantrack.measures.masking import clean as _clean
from plantrack.measures.masking import mask as _mask
from plantrack.plans.models import Action, Section

_I = re.IGNORECASE
MAX_TEXT = 20_000  # an action's text is a paragraph or two; bound the work on pasted junk


@dataclass(frozen=True)
class MeasureSuggestion:
    name: str
    unit: str  # "count" or "percent"
    direction: str  # "increase", "decrease" or "keep"
    baseline: Decimal | None
    target: Decimal
    target_date_text: str
    target_date: dt.date | None
    phrase: str  # the words it was recognised from, as written
    relative: bool = False
    unit_label: str = ""
    note: str = ""


# --- Cues ------------------------------------------------------------------------------------


def _num(name: str) -> str:
    return (
        rf"(?<![\w#.,£$€/-])(?P<{name}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        rf"(?:\s*(?P<{name}_mult>k|m)(?![a-z])|\s+(?P<{name}_word>thousand|million)\b)?"
        rf"(?P<{name}_pct>\s*(?:%|per\s?cent\b))?(?![\w#]|[.,]\d)"
    )


_QUALIFIER = (
    r"(?:(?:at\s+least|a\s+minimum\s+of|minimum\s+of|no\s+(?:fewer|less)\s+than|over|more\s+than"
    r"|a\s+further|an\s+additional|another|around|approximately|about|c\.?|circa)\s+)?"
)
_INCREASE = (
    r"increas\w*|rais\w*|grow\w*|expand\w*|boost\w*|improv\w*|doubl\w*|trebl\w*|tripl\w*"
    r"|lift\w*|extend\w*|scal\w*\s+up"
)
_DECREASE = r"reduc\w*|decreas\w*|cut\w*|lower\w*|lessen\w*|halv\w*|minimi[sz]\w*|driv\w*\s+down"
_SUBJECT = r"(?P<subject>(?:(?!\b(?:to|by|from|at)\b)[^.;:!?\n#\d]){2,90}?)"
_CHANGE_NOUN = (
    r"(?P<change>increase|rise|growth|uplift|improvement|expansion|reduction|decrease|fall"
    r"|drop|cut)"
)
_COUNT_VERB = (
    r"(?:recruit|train|deliver|facilitat|achiev|reach|engag|host|conduct|attract|enrol|regist"
    r"|visit|contact|appoint|establish|creat|launch|provid|hire|employ|distribut|install|issu"
    r"|complet|support|open|run|hold|hire|sign\s+up|carr(?:y|ied)\s+out|undertak|work\s+with"
    r"|refer|identif|mentor|place|hous|help|assist|ensur|secur|produc|publish|plant|build"
    r"|offer)\w*"
)

_FROM_TO = re.compile(
    rf"\bfrom\s+(?:a\s+baseline\s+of\s+)?{_num('a')}\s+(?:up\s+|down\s+)?to\s+{_QUALIFIER}"
    rf"{_num('b')}",
    _I,
)
_VERB_BY = re.compile(
    rf"\b(?P<verb>{_INCREASE}|{_DECREASE})\s+{_SUBJECT}\s+by\s+{_QUALIFIER}{_num('b')}", _I
)
_VERB_TO = re.compile(
    rf"\b(?P<verb>{_INCREASE}|{_DECREASE})\s+{_SUBJECT}\s+to\s+{_QUALIFIER}{_num('b')}", _I
)
_PCT_CHANGE = re.compile(
    rf"{_num('b')}\s+{_CHANGE_NOUN}\s+(?:in|of)\s+(?P<subject>[^.;:!?\n#\d]{{2,90}}?)"
    r"(?=\s*(?:[.;:!?\n,#(]|\bby\b|\bin\b|\bwithin\b|\bover\b|\bduring\b|\bbefore\b|$))",
    _I,
)
_KEEP = re.compile(
    rf"\b(?:maintain|keep|sustain|hold)\w*\s+{_SUBJECT}\s+(?:at|above|below|around)\s+"
    rf"(?:least\s+|most\s+)?{_num('b')}",
    _I,
)
_TARGET = re.compile(
    rf"\b(?:targets?|targeted|targeting|aim(?:s|ing)?\s+(?:for|of)|goal|ambition|kpi)\b\s*"
    rf"(?:of|is|to\s+be|[:=-])?\s*{_QUALIFIER}{_num('b')}",
    _I,
)
_COUNT = re.compile(rf"\b{_COUNT_VERB}\s+(?:and\s+\w+\s+)?{_QUALIFIER}{_num('b')}(?=\s+[a-z])", _I)
_AT_LEAST = re.compile(
    rf"\b(?:at\s+least|a\s+minimum\s+of|no\s+(?:fewer|less)\s+than)\s+{_num('b')}(?=\s+[a-z])",
    _I,
)
_AND_MORE = re.compile(rf"\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*){_QUALIFIER}{_num('b')}", _I)

_WORD = re.compile(r" *([A-Za-z][A-Za-z'’-]*)")
_STOP = set(
    [
        "who",
        "which",
        "that",
        "whom",
        "whose",
        "by",
        "in",
        "per",
        "to",
        "and",
        "or",
        "with",
        "across",
        "for",
        "between",
        "from",
        "over",
        "within",
        "each",
        "a",
        "an",
        "the",
        "of",
        "on",
        "at",
        "will",
        "would",
        "could",
        "should",
        "shall",
        "may",
        "might",
        "must",
        "can",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "these",
        "their",
        "them",
        "they",
        "it",
        "its",
        "during",
        "before",
        "after",
        "until",
        "till",
        "than",
        "as",
        "so",
        "if",
        "when",
        "where",
        "while",
        "into",
        "onto",
        "via",
        "under",
        "above",
        "below",
        "including",
        "such",
        "etc",
        "also",
        "plus",
        "through",
        "throughout",
        "annually",
        "monthly",
        "weekly",
        "yearly",
        "quarterly",
        "first",
        "second",
        "third",
        "next",
        "each",
        "every",
        "particularly",
        "especially",
        "who's",
        "whilst",
        "across",
        "around",
        "about",
        "approximately",
        "against",
        "per",
        "cent",
        "percent",
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        "new",
        "more",
        "additional",
        "further",
    ]
)
_SUBJECT_CUT = re.compile(
    r"\s+(?:across|throughout|within|particularly|especially|including|in\s+order|so\s+that"
    r"|which|who|whilst|while)\b.*$",
    _I | re.DOTALL,
)
_LEADING = re.compile(r"^(?:the|our|its|their|local|overall|total)\s+", _I)
_RATE = re.compile(r" *(?:per|a|each|every)\s+(year|annum|month|quarter|week)\b", _I)
_RELATIVE_DATE = re.compile(
    r"\b(?:in|within|during|over|by\s+the\s+end\s+of)\s+(?:the\s+)?(?:first|second|third|next"
    r"|1st|2nd|3rd)\s+(?:year|quarter|six\s+months|twelve\s+months|\d+\s+months)\b",
    _I,
)
_DATE_LEAD = re.compile(
    r"(?:\b(?:by|in|before|until|till|during|for|within|over|throughout|from|end\s+of"
    r"|the\s+end\s+of)\s+)$",
    _I,
)
_SENTENCE_END = re.compile(r"(?<!\d)\.(?!\d)|[;!?\n|]")
_CHANGE_DECREASE = re.compile(rf"^(?:{_DECREASE}|reduction|decrease|fall|drop|cut)$", _I)
_TRAILING_CHANGE = re.compile(rf"\s+{_CHANGE_NOUN}$", _I)


def _value(m: re.Match, name: str) -> Decimal | None:
    try:
        value = Decimal(m[name].replace(",", ""))
    except (InvalidOperation, TypeError):
        return None
    mult = (m[f"{name}_mult"] or m[f"{name}_word"] or "").lower()
    if mult in ("k", "thousand"):
        value *= 1000
    elif mult in ("m", "million"):
        value *= 1_000_000
    return value


def _noun_after(masked: str, pos: int) -> tuple[str, int]:
    """Up to five words after a number, stopping at a stop word or punctuation."""
    words: list[str] = []
    end = pos
    while len(words) < 5:
        m = _WORD.match(masked, end)
        if m is None or m[1].lower() in _STOP:
            break
        words.append(m[1])
        end = m.end()
    return " ".join(words), end


def _subject_before(masked: str, pos: int) -> tuple[str, int]:
    """Up to five words before a position, back to a stop word or punctuation; and where
    they start."""
    words: list[str] = []
    start = pos
    tokens = list(re.finditer(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]", masked[max(0, pos - 200) : pos]))
    offset = max(0, pos - 200)
    for token in reversed(tokens[-8:]):
        word = token[0]
        if not word[0].isalpha() or word.lower() in _STOP or len(words) >= 5:
            break
        words.insert(0, word)
        start = offset + token.start()
    return " ".join(words), start


def _tidy(subject: str) -> str:
    subject = _SUBJECT_CUT.sub("", " ".join(subject.split())).strip(" ,-")
    return subject[:120]


def _capitalise(name: str) -> str:
    return name[:1].upper() + name[1:] if name else name


@dataclass
class _Found:
    start: int
    end: int
    number_at: int
    name: str
    unit: str
    direction: str
    baseline: Decimal | None
    target: Decimal
    relative: bool = False
    unit_label: str = ""
    note: str = ""


def _sentence(masked: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _SENTENCE_END.finditer(masked, 0, pos):
        start = m.end()
    end = _SENTENCE_END.search(masked, pos)
    return start, (end.start() if end else len(masked))


def _date_for(
    text: str, masked: str, dates: list[tuple[int, int]], found: _Found, today: dt.date
) -> tuple[str, dt.date | None, int]:
    """The date written after the target in its sentence ("by Dec 22"), else a "by" date
    before it, else a relative period ("in the first year")."""
    s_start, s_end = _sentence(masked, found.number_at)
    after = [d for d in dates if found.end <= d[0] < s_end]
    before = [d for d in dates if s_start <= d[0] and d[1] <= found.start]
    chosen, lead_required = None, False
    if after:
        chosen = after[0]
    elif before:
        chosen, lead_required = before[-1], True
    if chosen is not None:
        lead = _DATE_LEAD.search(text[max(s_start, chosen[0] - 16) : chosen[0]])
        # A date before the target counts only after a "by" ("by 2025, 40 more ...").
        if not lead_required or (lead is not None and lead[0].lower().startswith("by")):
            start = chosen[0] - (len(lead[0]) if lead else 0)
            date_text = " ".join(text[start : chosen[1]].split())
            parsed = fuzzydates.parse(date_text, today=today)
            return date_text, parsed.latest, max(found.end, chosen[1])
    rel = _RELATIVE_DATE.search(masked, found.end, s_end)
    if rel:
        return " ".join(rel[0].split()), None, found.end
    return "", None, found.end


def _named(noun: str, fallback: str) -> str:
    return _capitalise(_LEADING.sub("", noun) or fallback)


def _with_rate(masked: str, name: str, end: int) -> tuple[str, int]:
    rate = _RATE.match(masked, end)
    if rate:
        return f"{name} per {rate[1].lower()}", rate.end()
    return name, end


def _find(text: str, masked: str) -> list[_Found]:
    found: list[_Found] = []
    used: set[int] = set()

    def take(item: _Found) -> bool:
        if item.number_at in used or item.target is None:
            return False
        used.add(item.number_at)
        found.append(item)
        return True

    for m in _FROM_TO.finditer(masked):
        a, b = _value(m, "a"), _value(m, "b")
        if a is None or b is None or m.start("a") in used:
            continue
        subject, start = _subject_before(masked, m.start())
        direction = "increase" if b >= a else "decrease"
        trailing = _TRAILING_CHANGE.search(subject)
        if trailing:
            subject = subject[: trailing.start()]
        noun, end = "", m.end()
        if not subject:
            noun, end = _noun_after(masked, m.end())
        name = _named(_tidy(subject or noun), "Measure")
        pct = bool(m["a_pct"] or m["b_pct"])
        used.add(m.start("a"))
        take(
            _Found(
                start,
                end,
                m.start("b"),
                name,
                "percent" if pct else "count",
                direction,
                a,
                b,
            )
        )

    for pattern, relative in ((_VERB_BY, True), (_VERB_TO, False)):
        for m in pattern.finditer(masked):
            value = _value(m, "b")
            subject = _tidy(m["subject"])
            if value is None or not subject or m.start("b") in used:
                continue
            decrease = bool(_CHANGE_DECREASE.match(m["verb"].split()[0]))
            pct = bool(m["b_pct"])
            if relative:
                change = "Reduction" if decrease else "Increase"
                take(
                    _Found(
                        m.start(),
                        m.end(),
                        m.start("b"),
                        f"{change} in {subject}" + (" (%)" if pct else ""),
                        "percent" if pct else "count",
                        "increase",
                        Decimal(0),
                        value,
                        relative=True,
                        note=f"Tracks the {change.lower()} since the baseline: record the change, "
                        "not the level.",
                    )
                )
            else:
                take(
                    _Found(
                        m.start(),
                        m.end(),
                        m.start("b"),
                        _named(subject, "Measure"),
                        "percent" if pct else "count",
                        "decrease" if decrease else "increase",
                        None,
                        value,
                    )
                )

    for m in _PCT_CHANGE.finditer(masked):
        value, subject = _value(m, "b"), _tidy(m["subject"])
        if value is None or not subject or not m["b_pct"]:
            continue
        decrease = bool(_CHANGE_DECREASE.match(m["change"]))
        change = "Reduction" if decrease else "Increase"
        take(
            _Found(
                m.start(),
                m.end(),
                m.start("b"),
                f"{change} in {subject} (%)",
                "percent",
                "increase",
                Decimal(0),
                value,
                relative=True,
                note=f"Tracks the {change.lower()} since the baseline: record the change, "
                "not the level.",
            )
        )

    for m in _KEEP.finditer(masked):
        value, subject = _value(m, "b"), _tidy(m["subject"])
        if value is None or not subject:
            continue
        take(
            _Found(
                m.start(),
                m.end(),
                m.start("b"),
                _named(subject, "Measure"),
                "percent" if m["b_pct"] else "count",
                "keep",
                None,
                value,
            )
        )

    for pattern in (_TARGET, _COUNT, _AT_LEAST):
        for m in pattern.finditer(masked):
            value = _value(m, "b")
            if not value or m.start("b") in used:
                continue
            noun, end = _noun_after(masked, m.end())
            if pattern is not _TARGET and not noun:
                continue
            fallback = " ".join(text[m.start() : m.end()].split())
            name, end = _with_rate(masked, _named(noun, fallback), end)
            pct = bool(m["b_pct"])
            if not take(
                _Found(
                    m.start(),
                    end,
                    m.start("b"),
                    name,
                    "percent" if pct else "count",
                    "increase",
                    None,
                    value,
                    unit_label="" if pct else noun.lower(),
                )
            ):
                continue
            # "Recruit 25 PSVs and 15 volunteers": the verb carries on to the next number.
            while more := _AND_MORE.match(masked, end):
                value = _value(more, "b")
                noun, after = _noun_after(masked, more.end())
                if value is None or not noun or more.start("b") in used:
                    break
                name, after = _with_rate(masked, _named(noun, "Measure"), after)
                take(
                    _Found(
                        more.start("b"),
                        after,
                        more.start("b"),
                        name,
                        "count",
                        "increase",
                        None,
                        value,
                        unit_label=noun.lower(),
                    )
                )
                end = after
    return sorted(found, key=lambda f: f.start)


def suggest_measures(text: str | None, *, today: dt.date | None = None) -> list[MeasureSuggestion]:
    """Measures the text asks for, in the order written. Never raises; never guesses a date."""
    try:
        return _suggest(text or "", today or timezone.localdate())
    except Exception:
        return []


def _suggest(text: str, today: dt.date) -> list[MeasureSuggestion]:
    text = _clean(text[:MAX_TEXT])
    masked, dates = _mask(text)
    # Table cells and lines are separate statements: nothing reads across them.
    masked = masked.replace("\t", "|").replace("\n", "|")
    suggestions: list[MeasureSuggestion] = []
    seen: set[str] = set()
    for item in _find(text, masked):
        date_text, date, end = _date_for(text, masked, dates, item, today)
        phrase = " ".join(text[item.start : end].split()).strip(" ,;:-(")[:300]
        if not phrase or phrase in seen:
            continue
        seen.add(phrase)
        suggestions.append(
            MeasureSuggestion(
                name=item.name[:200],
                unit=item.unit,
                direction=item.direction,
                baseline=item.baseline,
                target=item.target,
                target_date_text=date_text,
                target_date=date,
                phrase=phrase,
                relative=item.relative,
                unit_label=item.unit_label[:60],
                note=item.note,
            )
        )
    return suggestions


def action_text(action: Action) -> str:
    """The text an action's suggestions are read from; the page and the service must agree."""
    return f"{action.title}\n{action.description}"


def section_text(section: Section) -> str:
    """The text a section's suggestions are read from; the page and the service agree."""
    return section.description
