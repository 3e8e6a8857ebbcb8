"""Who gets a reminder digest and what it says, gathered for everyone at once
(``gathering.py``: one query per kind of item, whatever the numbers of items and people),
listed as items (``items.py``) and written as email (``rendering.py``)."""

from plantrack.reminders.digest.gathering import (
    base_url,
    commentary_period,
    commentary_periods,
    commentary_source,
    due_today,
    gather,
    url_pattern,
)
from plantrack.reminders.digest.items import (
    COMMENTARY,
    FOLLOW_UP_DAYS,
    OVERDUE,
    REASONS,
    UPDATE_DUE,
    FollowUpItem,
    Gathered,
    Item,
    Recipient,
    ReturnItem,
)
from plantrack.reminders.digest.rendering import DigestMessage, Renderer, attention

__all__ = [
    "COMMENTARY",
    "FOLLOW_UP_DAYS",
    "OVERDUE",
    "REASONS",
    "UPDATE_DUE",
    "DigestMessage",
    "FollowUpItem",
    "Gathered",
    "Item",
    "Recipient",
    "Renderer",
    "ReturnItem",
    "attention",
    "base_url",
    "commentary_period",
    "commentary_periods",
    "commentary_source",
    "due_today",
    "gather",
    "url_pattern",
]
