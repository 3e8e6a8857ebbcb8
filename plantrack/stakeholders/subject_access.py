"""Everything PlanTrack holds about one contact (UK GDPR art 15): their record, the roles they
hold and held, their lawful bases and privacy notice, the lists they are on, the interactions
they took part in and their follow-ups, the follow-ups they own, every mention of them in free
text (mentions.py: interactions, follow-ups, engagement activities, evidence titles, current
and in the audit history), the audit history of their own record, and who has read their
details (the access log: the recipients of their data).

``collect`` reads it as plain values; ``as_json`` and ``as_xlsx`` write the machine-readable
and the readable export. Reading it goes through ``services.personal_data_read``, so the export
is refused to those without a need to know, and logged."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.db.models import Model
from openpyxl import Workbook

from plantrack.core.xlsx import append_row
from plantrack.stakeholders import mentions
from plantrack.stakeholders.models import (
    AccessLog,
    Basis,
    Contact,
    FollowUp,
    Interaction,
    Role,
)

CONTACT_FIELDS = (
    "id",
    "name",
    "kind",
    "email",
    "phone",
    "address",
    "notes",
    "do_not_contact",
    "by_email",
    "by_phone",
    "by_post",
    "email_bounced_on",
    "verified_on",
    "source",
    "from_third_party",
    "notice_given_on",
    "notice_due_on",
    "last_interaction_on",
    "state",
    "kept_on",
    "kept_reason",
    "created_at",
    "updated_at",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _row(instance: Model, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def collect(contact: Contact) -> dict[str, Any]:
    """Every place the contact appears, as sections of plain rows."""
    database = contact.database
    roles_now = Role.objects.filter(contact=contact).select_related("stakeholder__organisation")
    roles_before = (
        Role.history.filter(contact_id=contact.pk)
        .exclude(history_type="-")
        .values("id", "title", "stakeholder_id", "since", "history_date")
    )
    interactions = Interaction.objects.filter(contacts=contact).select_related(
        "stakeholder__organisation"
    )
    return {
        "controller": {
            "organisation": database.organisation.name,
            "data_protection_officer": database.dpo_contact,
        },
        "exported_at": _plain(dt.datetime.now(dt.UTC)),
        "contact": _row(contact, CONTACT_FIELDS)
        | {
            "areas": [str(a) for a in contact.areas.all()],
            "privacy_notice": str(contact.notice) if contact.notice else None,
        },
        "roles": [
            {
                "role": r.title,
                "organisation": r.stakeholder.organisation.name,
                "since": _plain(r.since),
            }
            for r in roles_now
        ],
        "roles_held_before": [{**{k: _plain(v) for k, v in row.items()}} for row in roles_before],
        "lawful_bases": [
            {
                "purpose": b.purpose.name,
                "basis": b.get_kind_display(),
                "consent_on": _plain(b.consent_on),
                "consent_source": b.consent_source,
                "consent_wording": b.consent_wording,
                "withdrawn_on": _plain(b.withdrawn_on),
                "review_on": _plain(b.review_on),
            }
            for b in Basis.objects.filter(contact=contact).select_related("purpose")
        ],
        "lists": [lst.name for lst in contact.lists.all()],
        "interactions": [
            {
                "id": i.pk,
                "kind": i.get_kind_display(),
                "date": _plain(i.date),
                "organisation": i.stakeholder.organisation.name if i.stakeholder else None,
                "summary": i.summary,
                "issues_raised": i.issues,
            }
            for i in interactions
        ],
        "follow_ups_owned": [
            {"title": f.title, "due_on": _plain(f.due_on), "done": f.done}
            for f in FollowUp.objects.filter(contact=contact)
        ],
        "mentions": [
            {"record": m.model._meta.label, "where": m.label, "field": m.field, "text": m.text}
            for m in mentions.find(contact)
        ],
        "history_of_their_record": [
            {
                "changed_at": _plain(h.history_date),
                "change": {"+": "created", "~": "changed", "-": "deleted"}[h.history_type],
                **{
                    name: _plain(getattr(h, name))
                    for name in ("name", "email", "phone", "address", "notes")
                },
            }
            for h in contact.history.order_by("history_date")
        ],
        "who_read_their_details": [
            {
                "at": _plain(e.at),
                "by": e.user.username if e.user else None,
                "how": e.get_how_display(),
            }
            for e in AccessLog.objects.filter(contact_id=contact.pk).select_related("user")
        ],
    }


def as_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode()


def as_xlsx(data: dict[str, Any]) -> bytes:
    """One sheet per section, a header row of the fields, one row per entry."""
    book = Workbook()
    summary = book.create_sheet("About", 0)
    book.remove(book.worksheets[1])
    append_row(summary, ["Subject-access export", data["contact"]["name"]])
    append_row(summary, ["Controller", data["controller"]["organisation"]])
    append_row(summary, ["Data protection officer", data["controller"]["data_protection_officer"]])
    append_row(summary, ["Exported at", data["exported_at"]])
    for section, rows in data.items():
        if section in ("controller", "exported_at"):
            continue
        entries = [rows] if isinstance(rows, dict) else rows
        sheet = book.create_sheet(section.replace("_", " ").capitalize()[:31])
        if not entries:
            append_row(sheet, ["None held"])
            continue
        if not isinstance(entries[0], dict):
            entries = [{"value": e} for e in entries]
        header = list(entries[0])
        append_row(sheet, header)
        for entry in entries:
            append_row(sheet, [_cell(entry.get(name)) for name in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value
