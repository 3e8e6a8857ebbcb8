"""Saving a borough's contact list into a stakeholder database, with what the person chose for
each row in the preview: add as new, merge into a contact the database holds (or into an
earlier row of the same list), or leave out. Everything in one transaction, or nothing.

A merge is a real merge (merges.contact_merge): the row becomes a contact, then is merged into
the one chosen, so the merge is recorded, both histories are kept and it can be undone. Each
row's organisation is the directory's (matched by name, added when missing) and becomes a
stakeholder of the database, with the row's role held by the contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from plantrack.accounts.models import User
from plantrack.directory import services as directory
from plantrack.directory.models import Area, Organisation
from plantrack.stakeholders import duplicates, merges, services
from plantrack.stakeholders.models import Contact, Database, Merge, Role, Stakeholder

NEW, SKIP = "new", "skip"


@dataclass(frozen=True)
class ImportedContact:
    name: str
    email: str = ""
    phone: str = ""
    organisation: str = ""
    role: str = ""
    address: str = ""
    notes: str = ""
    # NEW, SKIP, "merge:<contact id>" or "row:<index of an earlier row in this list>".
    decision: str = NEW


@dataclass
class ImportResult:
    added: int = 0
    merged: int = 0
    skipped: int = 0
    merges: list[Merge] = field(default_factory=list)
    stakeholders_added: int = 0


@dataclass(frozen=True)
class Suggestion:
    """A probable duplicate of a row: a contact of the database, or an earlier row."""

    decision: str
    label: str
    reasons: tuple[str, ...]


def suggestions(database: Database, rows: Sequence[ImportedContact]) -> list[list[Suggestion]]:
    """For each row, its probable duplicates: earlier rows of the list, then contacts of the
    database (one query for the candidates, however long the list)."""
    people = [duplicates.Person(r.name, r.email, r.phone, r.organisation) for r in rows]
    known = [
        (c, duplicates.Person.of(c, duplicates.organisation_of(c)))
        for c in duplicates.candidates(database, people)
    ]
    found: list[list[Suggestion]] = []
    for index, person in enumerate(people):
        mine = []
        for earlier in range(index):
            match = duplicates.compare(person, people[earlier])
            if match is not None and rows[earlier].name:
                mine.append(
                    Suggestion(
                        f"row:{earlier}",
                        f"Row {earlier + 1}: {rows[earlier].name}",
                        tuple(match.reasons),
                    )
                )
        held = []
        for contact, other in known:
            match = duplicates.compare(person, other)
            if match is not None:
                held.append((match, contact, other))
        # The surest first; between equals, the record held longest (the original).
        held.sort(key=lambda m: (-len(m[0].reasons), -m[0].score, m[1].pk))
        for match, contact, other in held:
            where = f", {other.organisation}" if other.organisation else ""
            label = f"{contact.name}{where}"
            mine.append(Suggestion(f"merge:{contact.pk}", label, tuple(match.reasons)))
        found.append(mine)
    return found


def _organisation(actor: User, name: str) -> Organisation:
    found = Organisation.objects.filter(name__iexact=name).order_by("pk").first()
    return found or directory.organisation_create(actor=actor, name=name)


def _stakeholder(actor: User, database: Database, name: str, result: ImportResult) -> Stakeholder:
    organisation = _organisation(actor, name)
    found = Stakeholder.objects.filter(database=database, organisation=organisation).first()
    if found is None:
        found = services.stakeholder_create(
            actor=actor, database=database, organisation=organisation
        )
        result.stakeholders_added += 1
    return found


def _target(decision: str, made: dict[int, Contact], database: Database) -> Contact | None:
    kind, _, value = decision.partition(":")
    if kind == "row":
        target = made.get(int(value))
        if target is None:
            raise ValidationError(f"Row {int(value) + 1} is left out: a row cannot merge into it.")
        return target
    if kind == "merge":
        target = Contact.objects.filter(pk=int(value), database=database).first()
        if target is None or target.is_hidden:
            raise ValidationError("A contact chosen to merge into is no longer in the database.")
        return target
    return None


@transaction.atomic
def contacts_import(
    *,
    actor: User,
    database: Database,
    rows: Sequence[ImportedContact],
    source: str,
    from_third_party: bool,
    kind: str,
    areas: Iterable[Area] = (),
    received_on: dt.date | None = None,
) -> ImportResult:
    services.require_editor(actor, database)
    areas = list(areas)
    result = ImportResult()
    made: dict[int, Contact] = {}
    for index, row in enumerate(rows):
        if row.decision == SKIP or not row.name.strip():
            result.skipped += 1
            continue
        into = _target(row.decision, made, database)
        contact = services.contact_create(
            actor=actor,
            database=database,
            name=row.name,
            kind=kind,
            email=row.email,
            phone=row.phone,
            address=row.address,
            notes=row.notes,
            source=source,
            from_third_party=from_third_party,
            areas=areas,
            received_on=received_on,
        )
        if row.organisation:
            stakeholder = _stakeholder(actor, database, row.organisation, result)
            title = row.role or "Contact"
            holders = [c for c in (contact, into) if c is not None]
            if not Role.objects.filter(
                stakeholder=stakeholder, title=title, contact__in=holders
            ).exists():
                services.stakeholder_role_create(
                    actor=actor, stakeholder=stakeholder, title=title, contact=contact
                )
        if into is None:
            made[index] = contact
            result.added += 1
            continue
        result.merges.append(merges.contact_merge(actor=actor, kept=into, other=contact))
        made[index] = into
        result.merged += 1
    return result
