"""An activity's status and IAP2 level as a register writes them, read to the activity's
choices.

A register exported by PlanTrack writes the labels ("Running", "Consult"); other registers
write their own words ("Ongoing", "Complete", "Consultation"). Both are read. Any other word
is not guessed: the activity is imported without it (planned, no level), with a warning.

A completed consultation (or deeper engagement) needs its "you said, we did" before it may be
marked completed (``engagement.services``); a register does not hold outcomes, so such an
activity is imported as running, with a warning to record the outcome and then complete it.
"""

from __future__ import annotations

import re

from plantrack.engagement.models import Activity
from plantrack.imports.lookalikes import collapse

Status = Activity.Status
Level = Activity.Level

_STATUSES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), value)
    for pattern, value in (
        (r"planned|proposed|scheduled|upcoming|not (?:yet )?started|future", Status.PLANNED),
        (r"running|ongoing|on going|in progress|active|live|started|current", Status.RUNNING),
        (r"completed?|done|finished|closed|delivered|ended", Status.COMPLETED),
        (r"cancell?ed|withdrawn|stopped|abandoned|dropped", Status.CANCELLED),
    )
)
_LEVELS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), value)
    for pattern, value in (
        (r"inform\w*", Level.INFORM),
        (r"consult\w*", Level.CONSULT),
        (r"involv\w*", Level.INVOLVE),
        (r"collaborat\w*", Level.COLLABORATE),
        (r"empower\w*", Level.EMPOWER),
    )
)


def _normalise(text: str) -> str:
    return collapse(re.sub(r"[^a-z0-9 ]+", " ", text.lower()))


def _choice(text: str, choices: tuple[tuple[re.Pattern[str], str], ...]) -> str | None:
    words = _normalise(text)
    return next((value for pattern, value in choices if pattern.fullmatch(words)), None)


def read_choices(status_text: str, level_text: str) -> tuple[str, str, list[str]]:
    """The status and the level written, as the activity's values ("" when not written or
    not read), and what the person should check."""
    warnings = []
    status = _choice(status_text, _STATUSES) if status_text else ""
    if status is None:
        warnings.append(f"status “{status_text}” is not one PlanTrack knows; imported as planned.")
    level = _choice(level_text, _LEVELS) if level_text else ""
    if level is None:
        warnings.append(f"IAP2 level “{level_text}” is not one PlanTrack knows; left out.")
    if status == Status.COMPLETED and level in Activity.NEEDS_OUTCOME:
        status = Status.RUNNING
        warnings.append(
            "completed in the document, imported as running: record what was done about what "
            "people said (“you said, we did”), then mark it completed."
        )
    return str(status or ""), str(level or ""), warnings
