"""How well a completed engagement activity meets the minimum standards of engagement: a score
from 1 to 6. Pure functions over plain facts, no database; the evaluation page and the board
pack show ``RULE`` and ``STANDARDS`` as they are written here.

The rule: six standards, one point for each met.

1. **Aim**: the aim of the engagement is recorded.
2. **Communities**: the communities targeted are described (chosen from the list, or in words).
3. **Method**: at least one method is recorded (chosen from the list, or in words).
4. **IAP2 level**: the level of participation (inform → empower) is recorded.
5. **Outputs**: at least one output (people reached, sessions, …) is recorded.
6. **Feedback**: a "you said, we did" outcome is recorded; for an *inform* activity, where
   the public was told rather than asked, a progress update counts instead.

The score is the number of standards met, and at least 1 (the scale runs 1–6): 6 means every
standard is met, so a single gap always shows. (Rather than 1 + points capped at 6, which
would score an activity missing one standard the same as one missing none.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

LOWEST, HIGHEST = 1, 6
INFORM = "inform"


@dataclass(frozen=True)
class Standard:
    key: str
    name: str
    meaning: str  # what meeting it takes, as the page shows the rule
    lacking: str  # what a page says an activity lacks


STANDARDS: tuple[Standard, ...] = (
    Standard("aim", "Aim", "the aim of the engagement is recorded", "no aim recorded"),
    Standard(
        "communities",
        "Communities",
        "the communities targeted are described (chosen from the list, or in words)",
        "communities targeted not described",
    ),
    Standard(
        "method",
        "Method",
        "at least one method is recorded (chosen from the list, or in words)",
        "no method recorded",
    ),
    Standard(
        "level",
        "IAP2 level",
        "the level of participation (inform, consult, involve, collaborate, empower) is recorded",
        "no IAP2 level",
    ),
    Standard(
        "outputs",
        "Outputs",
        "at least one output (people reached, sessions held, …) is recorded",
        "no outputs recorded",
    ),
    Standard(
        "feedback",
        "Feedback",
        "a “you said, we did” outcome is recorded; for an inform-level activity a progress "
        "update counts instead",
        "no “you said, we did” (or, for inform, no update)",
    ),
)
BY_KEY = {s.key: s for s in STANDARDS}
RULE = (
    "Each completed activity scores one point for each of the six minimum standards it meets; "
    f"the score is the number met, and at least {LOWEST}: {HIGHEST} means every standard is met."
)


@dataclass(frozen=True)
class Facts:
    """What the rule looks at, as read from an activity: whether it has each thing (text
    that is only blanks counts as none)."""

    has_aim: bool = False
    has_communities_text: bool = False
    has_communities: bool = False
    has_method_text: bool = False
    has_methods: bool = False
    level: str = ""
    has_outputs: bool = False
    has_outcomes: bool = False
    has_updates: bool = False


@dataclass(frozen=True)
class Score:
    score: int
    met: tuple[str, ...]
    lacking: tuple[str, ...]

    @property
    def lacking_text(self) -> list[str]:
        return [BY_KEY[key].lacking for key in self.lacking]


def _met(facts: Facts) -> dict[str, bool]:
    feedback = facts.has_outcomes or (facts.level == INFORM and facts.has_updates)
    return {
        "aim": facts.has_aim,
        "communities": facts.has_communities or facts.has_communities_text,
        "method": facts.has_methods or facts.has_method_text,
        "level": bool(facts.level),
        "outputs": facts.has_outputs,
        "feedback": feedback,
    }


@cache  # a few hundred possible facts; an evaluation scores thousands of activities
def score(facts: Facts) -> Score:
    met = _met(facts)
    keys = [s.key for s in STANDARDS]
    points = sum(met.values())
    return Score(
        score=max(LOWEST, min(HIGHEST, points)),
        met=tuple(k for k in keys if met[k]),
        lacking=tuple(k for k in keys if not met[k]),
    )


def distribution(scores: Iterable[int]) -> dict[int, int]:
    """How many activities have each score, 1 to 6 (every score present, 0 where none)."""
    counts = dict.fromkeys(range(LOWEST, HIGHEST + 1), 0)
    for value in scores:
        counts[value] += 1
    return counts
