"""What kind of practice an item's text describes, and how often a recurring one should happen,
read from its words: offered when a framework is imported or an item added, and corrected by
whoever keeps the framework. Pure functions, no database.

Seed 000 reads: "Appointment of a SPOC …" is a role; "Financial planning … prompt renewal once
existing funding expires" funding; "Close and regular liaison with YOT" and "Visits to PRU's"
partners; "Regular (3-weekly?) reminder slides" recurring every 21 days; "Ensure minimum
monthly contact with the Met-Track team" recurring every 30 days."""

from __future__ import annotations

import re
from dataclasses import dataclass

from plantrack.assessments.models import Item

# Checked in this order: the first that matches is the kind.
_KINDS = (
    (Item.Kind.FUNDING, r"\bfunding\b|\bfinancial\b|\bbudget|\bbids?\b|\bgrants?\b"),
    (
        Item.Kind.ROLE,
        r"\bappoint|\bSPOCs?\b|\bsingle points? of contact\b|\blead officer\b|\bnamed officer\b"
        r"|\bchampion\b|\bco-?ordinator\b",
    ),
    (
        Item.Kind.PARTNER,
        r"\bYOTs?\b|\bPRU|\bschools?\b|\bKickz\b|\bliaison\b|\bpartners?\b|\bpartnership\b"
        r"|\bcharit|\bcouncil\b|\bvoluntary\b|\bagenc(y|ies)\b",
    ),
)
_RECURRING = r"\bregular(ly)?\b|\bongoing\b|\brecurr|\bevery\b|\bperiodic"

# A cadence as written, and its length in days.
_CADENCES = (
    (r"\b(\d+)[- ]?weekly\b", lambda n: 7 * n),
    (r"\bevery (\d+) weeks?\b", lambda n: 7 * n),
    (r"\bevery (\d+) months?\b", lambda n: 30 * n),
    (r"\bdaily\b", lambda _: 1),
    (r"\bfortnightly\b|\bbi-?weekly\b", lambda _: 14),
    (r"\bweekly\b", lambda _: 7),
    (r"\bmonthly\b", lambda _: 30),
    (r"\bquarterly\b", lambda _: 91),
    (r"\b(six|6)[- ]monthly\b|\bhalf[- ]yearly\b", lambda _: 182),
    (r"\bannual(ly)?\b|\byearly\b", lambda _: 365),
)


@dataclass(frozen=True)
class Reading:
    kind: str
    cadence_text: str = ""
    cadence_days: int | None = None


def cadence(text: str) -> tuple[str, int | None]:
    """The cadence written in ``text`` ("3-weekly" → 21 days), or ("", None)."""
    for pattern, days in _CADENCES:
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            number = int(found.group(1)) if found.groups() and found.group(1).isdigit() else 1
            return found.group(0), days(number)
    return "", None


def read(text: str) -> Reading:
    """The kind of practice ``text`` describes, and its cadence where one is written (a
    partner practice may have one too: "monthly contact with the YOT")."""
    written, days = cadence(text)
    for kind, pattern in _KINDS:
        if re.search(pattern, text, re.IGNORECASE):
            return Reading(kind, written, days)
    if written or re.search(_RECURRING, text, re.IGNORECASE):
        return Reading(Item.Kind.RECURRING, written, days)
    return Reading(Item.Kind.PLAIN)
