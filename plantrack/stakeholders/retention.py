"""When a contact comes up for retention review: a period per kind of contact (RetentionRule),
counted from the latest of their last interaction, the last confirmation of their details, a
steward's decision to keep them and their creation. The dates are kept on the contact
(``review_from``) so that the nightly run (privacy.retention_run) is one indexed query per
rule, not a pass over every contact."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable

from plantrack.stakeholders.models import Contact, RetentionRule

DEFAULT_MONTHS = 36
BATCH = 2000


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, or the month's last day when it has none (31 Jan + 1
    month = 28 or 29 Feb): how a calendar month is counted for UK GDPR deadlines too."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def counted_from(contact: Contact) -> dt.date:
    days = [
        contact.last_interaction_on,
        contact.verified_on,
        contact.kept_on,
        contact.created_at.date() if contact.created_at else None,
    ]
    return max(d for d in days if d is not None)


def months_by_kind(database_id: int) -> dict[str, int]:
    return dict(RetentionRule.objects.filter(database_id=database_id).values_list("kind", "months"))


def review_day(contact: Contact, months: dict[str, int]) -> dt.date:
    return add_months(counted_from(contact), months.get(contact.kind, DEFAULT_MONTHS))


def schedule(contacts: Iterable[Contact]) -> None:
    """Write ``review_from`` for these contacts (anonymised ones have none)."""
    rules: dict[int, dict[str, int]] = {}
    changed = []
    for contact in contacts:
        if contact.state == Contact.State.ANONYMISED:
            continue
        months = rules.setdefault(contact.database_id, months_by_kind(contact.database_id))
        day = review_day(contact, months)
        if day != contact.review_from:
            contact.review_from = day
            changed.append(contact)
    Contact.objects.bulk_update(changed, ["review_from"], batch_size=BATCH)


def schedule_ids(contact_ids: Iterable[int]) -> None:
    schedule(Contact.objects.filter(pk__in=set(contact_ids)))
