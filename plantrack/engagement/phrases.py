"""Counts found in an activity's words ("Took place on 96 wards", "221 in total", "Haringey has
52"), offered as outputs to confirm. Never recorded without a person confirming them: a number
in a sentence is as often an age, a year or a duration as a count.

What is skipped: years (1990-2099, and "2006/7"), ages and age ranges ("14-25", "11yr olds",
"12-18 age group", "year 6"), durations ("6 to 8 weeks"), money, percentages, ordinals and
numbers written inside words ("3 rd party", "SCD2")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plantrack.engagement.models import Output

# The kind is read from the words after the number, then from the words around it.
KIND_WORDS: list[tuple[str, str]] = [
    (r"wards?\b", Output.Kind.WARDS),
    (r"volunteers?\b", Output.Kind.VOLUNTEERS),
    (r"referrals?\b", Output.Kind.REFERRALS),
    (r"(?:sessions?|meetings?|events?|briefings?|workshops?|courses?)\b", Output.Kind.SESSIONS),
    (r"(?:responses?|surveys?|questionnaires?|interviews?)\b", Output.Kind.RESPONSES),
    (r"(?:community groups?|groups?|organisations?|partners?|sites?)\b", Output.Kind.PARTNERS),
    (
        r"(?:people|persons?|pupils?|students?|residents?|young people|youths?|members?|"
        r"attendees?|participants?|researchers?|children|parents?|officers?)\b",
        Output.Kind.PEOPLE_REACHED,
    ),
]

NUMBER = re.compile(r"(?<![\w£$.,/-])(\d{1,3}(?:,\d{3})+|\d+)(?![\w%£/.,-]|\s*(?:%|per ?cent))")
SKIP_AFTER = re.compile(
    r"\s*(?:-|–|to)\s*\d|\s*(?:yrs?|years?(?: old)?|weeks?|days?|months?|hours?|mins?|"
    r"minutes?|am|pm|st|nd|rd|th|p\.?a)\b|\s*(?:age|year olds?)",
    re.IGNORECASE,
)
SKIP_BEFORE = re.compile(
    r"(?:aged?|year|years|no\.?|number|activity|phase|stage|section|table|page|q|£|\$|over|"
    r"under|-|–)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Suggestion:
    kind: str
    count: int
    source_text: str

    @property
    def kind_label(self) -> str:
        return Output.Kind(self.kind).label


def _kind(after: str, around: str) -> str | None:
    for pattern, kind in KIND_WORDS:
        if re.match(rf"\s*(?:\w+\s+){{0,2}}?{pattern}", after, re.IGNORECASE):
            return kind
    for pattern, kind in KIND_WORDS:
        if re.search(pattern, around, re.IGNORECASE):
            return kind
    return None


def _sentence(text: str, start: int, end: int) -> str:
    left = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    right_candidates = [i for i in (text.find(".", end), text.find("\n", end)) if i != -1]
    right = min(right_candidates) if right_candidates else len(text)
    return " ".join(text[left:right].split())


def suggest(text: str) -> list[Suggestion]:
    """The counts in ``text`` with the kind they most likely are, in reading order."""
    found: list[Suggestion] = []
    for match in NUMBER.finditer(text):
        value = int(match.group(1).replace(",", ""))
        before, after = text[max(0, match.start() - 12) : match.start()], text[match.end() :]
        if value == 0 or 1900 <= value <= 2099 or SKIP_BEFORE.search(before):
            continue
        if SKIP_AFTER.match(after[:20]):
            continue
        around = text[max(0, match.start() - 120) : match.end() + 60]
        kind = _kind(after[:40], around)
        if kind is None:
            continue
        found.append(Suggestion(kind, value, _sentence(text, match.start(), match.end())[:300]))
    return found


def suggestions_for(texts: list[str], recorded: set[tuple[str, int]]) -> list[Suggestion]:
    """Counts found in an activity's texts, less those already recorded (kind and count)."""
    seen: set[tuple[str, int]] = set(recorded)
    result = []
    for text in texts:
        for suggestion in suggest(text or ""):
            key = (suggestion.kind, suggestion.count)
            if key not in seen:
                seen.add(key)
                result.append(suggestion)
    return result
