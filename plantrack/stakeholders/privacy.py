"""The data-protection writes: erasure (UK GDPR art 17), anonymisation at the end of the
retention period, the retention review, and subject-access cases (art 15).

Erasure and anonymisation both remove what identifies the person everywhere PlanTrack keeps it
— the contact row's personal fields, their lawful bases, the roles and follow-ups pointing at
them, the audit history of all of these, their name, email and phone in the free text around
them (mentions.py) — and leave an ``Erasure`` row that names no one, so that the erasure can be
applied again after a restore from an older backup (``reapply``). Erasure deletes the contact;
anonymisation keeps an "Anonymised contact" row, so the organisation-level history (the
interactions with a stakeholder) still counts them. Both move the database's version, so no
page cached under it shows them again.

Only data stewards erase, anonymise and keep; the nightly run (``retention_run``, from the
``stakeholder_retention`` command) acts as no one.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.services import require, save_validated
from plantrack.plans.selectors import today
from plantrack.stakeholders import mentions, retention
from plantrack.stakeholders.models import (
    Basis,
    Contact,
    Database,
    Erasure,
    FollowUp,
    RetentionRule,
    Role,
    SubjectAccessRequest,
)
from plantrack.stakeholders.selectors import database_access
from plantrack.stakeholders.services import STEWARDS_ONLY, databases_changed

ANONYMISED_NAME = "Anonymised contact"
DEFAULT_WARNING_DAYS = RetentionRule._meta.get_field("warning_days").get_default()
# Contacts anonymised together by the nightly run: one search of their mentions a batch.
BATCH = 500


def require_steward(actor: User, database: Database) -> None:
    require(database_access(actor, database).is_steward, STEWARDS_ONLY)


# --- Erasure and anonymisation --------------------------------------------------------------


def open_follow_ups_owned(contact: Contact) -> list[FollowUp]:
    """Open follow-ups the contact alone owns: erasing them would leave the promise ownerless."""
    return list(FollowUp.objects.filter(contact=contact, done=False, owner__isnull=True))


def _count(counts: dict[str, int], table: str, rows: int) -> None:
    if rows:
        counts[table] = counts.get(table, 0) + rows


def _unlink(contact: Contact, counts: dict[str, int]) -> None:
    """Remove every pointer at the contact, and the audit history that holds one, before the
    contact row goes or is anonymised."""
    pk = contact.pk
    _count(
        counts,
        "stakeholders_followup",
        FollowUp.objects.filter(contact=contact).update(contact=None),
    )
    _count(
        counts,
        "stakeholders_historicalfollowup",
        FollowUp.history.filter(contact_id=pk).update(contact_id=None),
    )
    _count(counts, "stakeholders_role", Role.objects.filter(contact=contact).update(contact=None))
    _count(
        counts,
        "stakeholders_historicalrole",
        Role.history.filter(contact_id=pk).update(contact_id=None),
    )
    _count(counts, "stakeholders_basis", Basis.objects.filter(contact=contact).delete()[0])
    _count(counts, "stakeholders_historicalbasis", Basis.history.filter(contact_id=pk).delete()[0])
    through = Contact.interactions.through
    _count(counts, through._meta.db_table, through.objects.filter(contact_id=pk).delete()[0])
    _count(
        counts,
        "stakeholders_list_contacts",
        Contact.lists.through.objects.filter(contact_id=pk).delete()[0],
    )
    _count(
        counts,
        "django_admin_log",
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Contact), object_id=str(pk)
        ).delete()[0],
    )


def _remove(
    contact: Contact, *, keep_row: bool, redacted: dict[str, int] | None = None
) -> dict[str, int]:
    """Remove the contact (``redacted``: their mentions, already redacted with others')."""
    counts: dict[str, int] = {}
    # The records merged into this one are the same person (merges.py): they go entirely.
    twins = Contact.objects.filter(
        merges_into__kept=contact, merges_into__undone_at__isnull=True
    ).distinct()
    for twin in twins:
        for table, rows in _remove(twin, keep_row=False).items():
            _count(counts, table, rows)
    if redacted is None:
        redacted = mentions.redact(contact)
    for table, rows in redacted.items():
        _count(counts, table, rows)
    _unlink(contact, counts)
    pk = contact.pk
    if keep_row:
        Contact.objects.filter(pk=pk).update(
            name=ANONYMISED_NAME,
            name_key="",
            surname_key="",
            phone_key="",
            email="",
            phone="",
            address="",
            notes="",
            source="",
            do_not_contact=True,
            email_bounced_on=None,
            kept_reason="",
            state=Contact.State.ANONYMISED,
            review_from=None,
            anonymise_on=None,
            anonymised_at=timezone.now(),
        )
        contact.areas.clear()
        _count(counts, "stakeholders_contact", 1)
    else:
        SubjectAccessRequest.objects.filter(contact=contact).update(contact=None)
        # A queryset delete: the instance's own delete would write one more history row.
        _count(counts, "stakeholders_contact", Contact.objects.filter(pk=pk).delete()[0])
    _count(counts, "stakeholders_historicalcontact", Contact.history.filter(id=pk).delete()[0])
    databases_changed({contact.database_id})
    return counts


def _log(contact: Contact, actor: User | None, reason: str, counts: dict[str, int]) -> Erasure:
    return Erasure.objects.create(
        database_id=contact.database_id,
        contact_id=contact.pk,
        erased_by=actor,
        reason=reason,
        rows=counts,
    )


@transaction.atomic
def contact_erase(*, actor: User, contact: Contact) -> Erasure:
    """Erase a contact at their request: everything about them goes, history included."""
    require_steward(actor, contact.database)
    owned = open_follow_ups_owned(contact)
    if owned:
        titles = "; ".join(f"“{f.title[:60]}”" for f in owned)
        raise ValidationError(
            f"Give these open follow-ups a new owner first: {titles}. They would otherwise be "
            "left with no one to do them."
        )
    return _log(contact, actor, Erasure.Reason.REQUEST, _remove(contact, keep_row=False))


@transaction.atomic
def contact_anonymise(*, actor: User | None, contact: Contact, reason: str) -> Erasure:
    """Anonymise a contact (retention): the row stays as an "Anonymised contact", so the
    organisations' interaction history still counts them; nothing identifies them."""
    if actor is not None:
        require_steward(actor, contact.database)
    if contact.is_anonymised:
        raise ValidationError("This contact is already anonymised.")
    # An open follow-up the contact alone owned stays on its interaction, owned by no one, for
    # staff to pick up (_unlink): retention cannot wait for a new owner.
    return _log(contact, actor, reason, _remove(contact, keep_row=True))


@dataclass
class Reapplied:
    erased: int = 0
    anonymised: int = 0
    missing: list[int] = field(default_factory=list)


@transaction.atomic
def reapply(*, entries: list[dict]) -> Reapplied:
    """After a restore from a backup older than some erasures: apply them again. ``entries``
    are erasure log rows (contact_id, reason) exported before the restore."""
    done = Reapplied()
    for entry in entries:
        contact = Contact.objects.select_related("database").filter(pk=entry["contact_id"]).first()
        if contact is None:
            done.missing.append(entry["contact_id"])
            continue
        if entry.get("reason", Erasure.Reason.REQUEST) == Erasure.Reason.REQUEST:
            counts = _remove(contact, keep_row=False)
            done.erased += 1
        elif not contact.is_anonymised:
            counts = _remove(contact, keep_row=True)
            done.anonymised += 1
        else:
            continue
        if not Erasure.objects.filter(contact_id=contact.pk).exists():
            _log(contact, None, entry.get("reason", Erasure.Reason.REQUEST), counts)
    return done


# --- Retention ------------------------------------------------------------------------------


@dataclass
class RetentionReport:
    put_up_for_review: int = 0
    anonymised: int = 0


@transaction.atomic
def retention_run(*, on: dt.date | None = None) -> RetentionReport:
    """The nightly run: contacts past their period go to the data steward's review queue with a
    warning period; those still in the queue when it ends are anonymised."""
    day = on or today()
    report = RetentionReport()
    due = Contact.objects.filter(state=Contact.State.ACTIVE, review_from__lte=day)
    ruled = Q()
    for rule in RetentionRule.objects.all():
        this = Q(database_id=rule.database_id, kind=rule.kind)
        ruled |= this
        report.put_up_for_review += due.filter(this).update(
            state=Contact.State.REVIEW, anonymise_on=day + dt.timedelta(days=rule.warning_days)
        )
    # A kind with no rule of its own: the default period (retention.py) and review period.
    report.put_up_for_review += due.exclude(ruled).update(
        state=Contact.State.REVIEW, anonymise_on=day + dt.timedelta(days=DEFAULT_WARNING_DAYS)
    )
    due = Contact.objects.filter(state=Contact.State.REVIEW, anonymise_on__lte=day)
    for batch in itertools.batched(due.order_by("pk").iterator(chunk_size=BATCH), BATCH):
        # Their mentions are found and redacted together, each place read once (mentions.py).
        redacted = mentions.redact_many(batch)
        for contact in batch:
            counts = _remove(contact, keep_row=True, redacted=redacted[contact.pk])
            _log(contact, None, Erasure.Reason.RETENTION, counts)
            report.anonymised += 1
    if report.put_up_for_review:
        databases_changed(set(Database.objects.values_list("pk", flat=True)))
    return report


@transaction.atomic
def retention_keep(*, actor: User, contact: Contact, reason: str) -> Contact:
    """A data steward decides a contact under review is still needed, and says why: their
    period starts again from today."""
    require_steward(actor, contact.database)
    if contact.state != Contact.State.REVIEW:
        raise ValidationError("Only a contact under retention review can be kept.")
    if not reason.strip():
        raise ValidationError({"kept_reason": "Say why the contact is still needed."})
    contact.kept_on = today()
    contact.kept_reason = reason.strip()
    contact.state = Contact.State.ACTIVE
    contact.anonymise_on = None
    save_validated(contact, actor=actor)
    retention.schedule([contact])
    databases_changed({contact.database_id})
    return contact


@transaction.atomic
def retention_rule_set(
    *, actor: User, database: Database, kind: str, months: int, warning_days: int
) -> RetentionRule:
    require_steward(actor, database)
    rule = RetentionRule.objects.filter(database=database, kind=kind).first() or RetentionRule(
        database=database, kind=kind
    )
    rule.months, rule.warning_days = months, warning_days
    save_validated(rule, actor=actor)
    contacts = Contact.objects.filter(database=database, kind=kind).exclude(
        state=Contact.State.ANONYMISED
    )
    retention.schedule(contacts.iterator(chunk_size=retention.BATCH))
    databases_changed({database.pk})
    return rule


# --- Subject access -------------------------------------------------------------------------


@transaction.atomic
def subject_access_request_open(
    *, actor: User, contact: Contact, received_on: dt.date
) -> SubjectAccessRequest:
    """Log a request: it must be answered within one calendar month of receipt."""
    require_steward(actor, contact.database)
    case = SubjectAccessRequest(
        database=contact.database,
        contact=contact,
        received_on=received_on,
        due_on=retention.add_months(received_on, 1),
        handled_by=actor,
    )
    save_validated(case, actor=actor)
    return case


@transaction.atomic
def subject_access_request_close(
    *, actor: User, case: SubjectAccessRequest, status: str, on: dt.date | None = None
) -> SubjectAccessRequest:
    require_steward(actor, case.database)
    if status not in (SubjectAccessRequest.Status.ANSWERED, SubjectAccessRequest.Status.CLOSED):
        raise ValidationError({"status": "Answered, or closed without an answer."})
    case.status = status
    case.answered_on = on or today()
    case.handled_by = actor
    save_validated(case, actor=actor)
    return case
