"""The evidence an answer takes (plantrack.evidence.registry): read by whoever reads the
cycle, attached by the unit's assessors while the return is theirs to change."""

from __future__ import annotations

from plantrack.accounts.models import User
from plantrack.assessments.models import OPEN_RETURNS, Answer
from plantrack.assessments.selectors import cycles_visible_to, is_assessor
from plantrack.evidence import registry


def _may_read(user: User, answer: Answer) -> bool:
    return (
        user.is_authenticated and cycles_visible_to(user).filter(pk=answer.unit.cycle_id).exists()
    )


def _may_attach(user: User, answer: Answer) -> bool:
    unit = answer.unit
    # An accepted answer's evidence is part of what was accepted: it changes no more.
    return (
        is_assessor(user, unit)
        and unit.cycle.is_open
        and unit.status in OPEN_RETURNS
        and answer.review != Answer.Review.ACCEPTED
    )


registry.register(
    Answer,
    can_read=_may_read,
    can_attach=_may_attach,
    url=Answer.get_absolute_url,
    describe=lambda answer: f"{answer.unit}'s answer to “{answer.item.text[:60]}”",
    queryset=lambda: Answer.objects.select_related("unit__cycle", "unit__organisation", "item"),
)
