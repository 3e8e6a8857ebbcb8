"""Small tests on the text of one cell or line.

Does it read as a date, a bullet, a title, a plan's name, the carrying on of a sentence?
Also the two text repairs the other stages share: ALL-CAPS titles to Title Case, and a
title that extraction spread over several cells joined back together.
"""

from __future__ import annotations

import re

from plantrack.core import fuzzydates
from plantrack.imports.cells import collapse

# --- Small text tests ------------------------------------------------------------------------

_BULLET_ONLY = re.compile(r"[•▪●◦‣∙·*o>\u2013\u2014-]+")
LABEL = re.compile(r"^\(?(?P<label>[A-Za-z]|[ivx]{1,4})\)\s*")
LEGEND = re.compile(
    r"^(?:key|legend|totals?|sub-?totals?|grand total|notes?|source|rag key|\*+)\b\s*[:=\-–]?"
    r"|^[RAGB]\s*[=:\-–]\s*(?:red|amber|green|blue)\b"
    # A colour's meaning: "Red - not on track", "Amber: at risk", "Green (on track)".
    r"|^(?:red|amber|green|blue|grey|gray|black|purple)\s*[=:\-–(]",
    re.IGNORECASE,
)
# A row that starts a key (the rows after it, up to the next action with a reference, are
# the key's too): "Key", "Legend", "RAG key".
KEY_START = re.compile(r"^(?:key|legend|rag key|rag rating key)\b\s*[:=\-–]?\s*$", re.IGNORECASE)
OPEN_END = re.compile(
    r"(?:[,&/(\-–]|\b(?:of|the|to|and|or|for|with|a|an|in|on|by|from|that|which|further|into"
    r"|at|as|is|are|be|will|their|our|its|including|such))$",
    re.IGNORECASE,
)
NUMBERED_HEADING = re.compile(r"^\d+(?:\.\d+)*[.)]?\s")
_PLAN_WORD = re.compile(r"\bplan\b", re.IGNORECASE)
_STRATEGY_WORD = re.compile(r"\b(?:strategy|charter|programme)\b", re.IGNORECASE)
GENERIC_HEADING = re.compile(r"^(?:sheet|table|page)\s*\d*$", re.IGNORECASE)
_SMALL_WORDS = {"and", "of", "the", "for", "to", "in", "on", "a", "an", "at", "by", "with", "or"}
# Doubling these letters hardly occurs in English: where a column cut a word in two and the
# extraction gave the boundary glyph to both cells ("Vulnera" | "ability"), drop one.
_RARE_DOUBLES = {"aa", "ii", "uu", "yy", "hh", "jj", "kk", "qq", "vv", "ww", "xx"}


def date_like(text: str) -> bool:
    """Reads as a date, a period, "Ongoing" or "TBC": a row's own deadline."""
    parsed = fuzzydates.parse(text)
    return parsed.parsed and bool(collapse(text))


_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
# The parts of a date or period ("30/06/2025", "2024/25", "Q3", "Mar-25", "Oct 24", "30th
# June"): what is left of a cell without them holds a quantity if it holds a digit.
_DATE_PART = re.compile(
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\b(?:19|20)\d{2}(?:\s*[/-]\s*\d{2,4})?\b"
    r"|\bq[1-4]\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"|\b" + _MONTH + r"(?:[\s'’-]*\d{2}\b)?",
    re.IGNORECASE,
)


def only_a_date(text: str) -> bool:
    """Reads as a date or period and says nothing more: "Q3 2024/25", "Mar-25", "By Oct 24",
    "30/06/2025", "Ongoing" are; a target with its date ("30k by Dec 22", "20% fewer by
    March 2025") is not."""
    text = collapse(text)
    if not date_like(text) or len(text.split()) > 8:
        return False
    return not re.search(r"\d", _DATE_PART.sub(" ", text))


def is_bullet(text: str) -> bool:
    return bool(_BULLET_ONLY.fullmatch(text))


def starts_lower(text: str) -> bool:
    """Carries on a sentence: lower case, or punctuation that cannot start one."""
    first = text[:1]
    return first.islower() or (first in ",;:)]&" and len(text) > 1)


def all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def title_like(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= 12 and not text.endswith((".", ":", ";", ",")) and len(text) <= 120


def title_case(text: str) -> str:
    """ALL-CAPS titles as Title Case ("PROBLEM-SOLVING" → "Problem-Solving"); short words
    without vowels stay capitals (they are acronyms: "CCTV", "ASB" of three letters)."""
    if not all_caps(text):
        return text
    out = []
    for n, word in enumerate(text.split()):
        letters = re.sub(r"[^A-Za-z]", "", word)
        if n and word.lower() in _SMALL_WORDS:
            out.append(word.lower())
        elif len(letters) <= 3 or not re.search(r"[AEIOU]", letters):
            out.append(word)
        else:
            out.append(re.sub(r"[A-Za-z]+", lambda m: m.group().capitalize(), word))
    return " ".join(out)


def join_fragments(parts: list[str]) -> tuple[str, bool]:
    """Join the cells of a title that extraction spread over several columns. Returns the
    title and whether every join fell inside a word (a strong sign of a spread title)."""
    out = parts[0] if parts else ""
    inside = True
    for part in parts[1:]:
        if not out:
            out = part
            continue
        a, b = out, part
        last, first = a.split()[-1], b.split()[0]
        mid_word = (
            a[-1].isalpha()
            and b[0].isalpha()
            and (b[0].islower() or (all_caps(last + first) or (last.isupper() and first.isupper())))
        )
        if mid_word:
            if (a[-1] + b[0]).lower() in _RARE_DOUBLES or (a[-2:] + b[0]).lower() == a[
                -1
            ].lower() * 3:
                b = b[1:]
            out = a + b
            continue
        inside = False
        if len(last) < len(first) and first.lower().startswith(last.lower()):
            # "(C) Con" | "Conditional Cautions": a word clipped by a narrow column.
            out = a[: len(a) - len(last)] + b
        else:
            out = f"{a} {b}"
    return out, inside


def plan_title_like(text: str, *, loose: bool = False) -> bool:
    """A line that names a plan: "... Action Plan (Corporate Actions)", "... Delivery Plan
    (July 2022)". Loose also accepts "... Strategy" for a document with no plan line."""
    t = strip_document_prefix(text)
    words = t.split()
    if not 2 <= len(words) <= 20 or t.endswith((":", ",", ";")) or NUMBERED_HEADING.match(t):
        return False
    if re.search(r"[.!?]\s+[A-Z]", t) or t[:1] in "-•*":
        return False  # a sentence or a list item
    pattern = _STRATEGY_WORD if loose else _PLAN_WORD
    return bool(pattern.search(t))


# A title's last full stop is dropped ("Community Engagement Strategy." names the strategy),
# but not one that ends an ellipsis, initials ("U.K.") or a usual abbreviation ("Ltd.").
_KEPT_STOP = re.compile(
    r"(?:\.|\b\w(?:\.\w)+|\b(?:etc|ltd|co|inc|plc|no|st|dept|govt|bros|jr|sr|vs))$",
    re.IGNORECASE,
)


def as_plan_title(text: str) -> str:
    """A line naming a plan as the plan's title: without "Appendix 2:", "Draft -" and the like
    before it, or a full stop after it."""
    t = strip_document_prefix(text)
    if t.endswith(".") and not _KEPT_STOP.search(t[:-1]):
        t = t[:-1].rstrip()
    return t


def strip_document_prefix(text: str) -> str:
    t = collapse(text)
    t = re.sub(r"^(?:appendix|annex|annexe)\s+\w+\s*[:.\-–]\s*", "", t, flags=re.IGNORECASE)
    t = re.sub(r"^(?:draft|final|version \S+)\s*[:\-–]?\s+", "", t, flags=re.IGNORECASE)
    return t
