"""Mailing lists: the contacts of a list (and of the lists beneath it), or of the whole
database, that may be written to by a channel — with everyone left out counted by reason.

Left out, in this order (each contact counts once, under the first reason that applies):
anonymised or merged; "do not contact"; no lawful basis in force (for the purpose chosen, or
for any purpose: a withdrawn consent is not in force); the channel refused; no address for the
channel; an email that bounced. What is exported is a read of personal data: each contact
exported is written to the access log.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from openpyxl import Workbook

from plantrack.core.xlsx import append_row
from plantrack.stakeholders.models import AccessLog, Basis, Contact, Database, List, Purpose, Role

CHANNELS = {
    "email": ("by_email", "email", "Email"),
    "post": ("by_post", "address", "Post"),
    "phone": ("by_phone", "phone", "Phone"),
}
REASONS = {
    "hidden": "Anonymised or merged",
    "do_not_contact": "Asked not to be contacted",
    "no_basis": "No lawful basis in force",
    "channel": "Did not agree to this channel",
    "no_address": "No address for this channel",
    "bounced": "Their email bounced",
}


@dataclass
class Mailing:
    channel: str
    contacts: list[Contact] = field(default_factory=list)
    left_out: Counter[str] = field(default_factory=Counter)

    @property
    def reasons(self) -> list[tuple[str, int]]:
        return [(REASONS[key], self.left_out[key]) for key in REASONS if self.left_out[key]]


def list_and_below(list_: List) -> list[int]:
    """A list's id and those of the lists beneath it (the tree is shallow)."""
    found, frontier = {list_.pk}, {list_.pk}
    while frontier:
        frontier = set(List.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        found |= frontier
    return sorted(found)


def _members(database: Database, list_: List | None) -> QuerySet[Contact]:
    rows = Contact.objects.filter(database=database)
    if list_ is not None:
        rows = rows.filter(lists__in=list_and_below(list_)).distinct()
    return rows


def _reason(contact: Contact, channel: str) -> str | None:
    allowed, address, _ = CHANNELS[channel]
    if contact.is_hidden:
        return "hidden"
    if contact.do_not_contact:
        return "do_not_contact"
    if not contact.in_force:  # type: ignore[attr-defined]
        return "no_basis"
    if not getattr(contact, allowed):
        return "channel"
    if not getattr(contact, address):
        return "no_address"
    if channel == "email" and contact.email_bounced_on:
        return "bounced"
    return None


def mailing(
    database: Database,
    *,
    channel: str,
    list_: List | None = None,
    purpose: Purpose | None = None,
) -> Mailing:
    in_force = Basis.objects.filter(contact=OuterRef("pk")).filter(
        ~Q(kind=Basis.Kind.CONSENT) | Q(withdrawn_on__isnull=True)
    )
    if purpose is not None:
        in_force = in_force.filter(purpose=purpose)
    found = Mailing(channel=channel)
    rows = (
        _members(database, list_)
        .annotate(in_force=Exists(in_force))
        .prefetch_related(
            Prefetch("roles", queryset=Role.objects.select_related("stakeholder__organisation"))
        )
        .order_by("name", "pk")
    )
    for contact in rows.iterator(chunk_size=2000):
        reason = _reason(contact, channel)
        if reason is None:
            found.contacts.append(contact)
        else:
            found.left_out[reason] += 1
    return found


def log_export(mailing: Mailing, *, user, database: Database) -> None:
    AccessLog.objects.bulk_create(
        [
            AccessLog(database=database, contact_id=c.pk, user=user, how=AccessLog.How.EXPORT)
            for c in mailing.contacts
        ],
        batch_size=2000,
    )


def _header(channel: str) -> list[str]:
    return ["name", CHANNELS[channel][1], "role"]


def _line(contact: Contact, channel: str) -> list[str]:
    roles = "; ".join(f"{r.title}, {r.stakeholder.organisation.name}" for r in contact.roles.all())
    return [contact.name, getattr(contact, CHANNELS[channel][1]), roles]


def as_csv(mailing: Mailing) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_header(mailing.channel))
    for contact in mailing.contacts:
        # A cell starting = + - @ would be a formula in a spreadsheet: an apostrophe disarms it.
        writer.writerow([_safe(v) for v in _line(contact, mailing.channel)])
    return out.getvalue().encode("utf-8-sig")


def _safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t") else value


def as_xlsx(mailing: Mailing) -> bytes:
    book = Workbook()
    sheet = book.create_sheet("Mailing list", 0)
    book.remove(book.worksheets[1])
    append_row(sheet, _header(mailing.channel), bold=True)
    for contact in mailing.contacts:
        append_row(sheet, _line(contact, mailing.channel))
    left = book.create_sheet("Left out")
    append_row(left, ["Why left out", "Contacts"], bold=True)
    for reason, count in mailing.reasons:
        append_row(left, [reason, count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
