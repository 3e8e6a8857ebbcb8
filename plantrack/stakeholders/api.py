# No "from __future__ import annotations": django-ninja reads these signatures at runtime.
"""The stakeholder database's API, with the pages' need-to-know rule (selectors.py): a database
you cannot read answers 404; a contact's personal fields are sent only to those who need them,
and every answer carrying them is logged (``services.personal_data_read``)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from ninja import Router, Status
from ninja.pagination import paginate

from plantrack.core.api import READ, READ_ONE, WRITE, Id, Mapped, Pagination, errors
from plantrack.core.services import require
from plantrack.directory.models import Area, Person
from plantrack.engagement.selectors import activities_visible_to
from plantrack.plans.selectors import today
from plantrack.stakeholders import privacy, selectors, services, subject_access
from plantrack.stakeholders.models import (
    AccessLog,
    Contact,
    Database,
    DatabaseRole,
    FollowUp,
    Interaction,
    Role,
    Stakeholder,
)
from plantrack.stakeholders.schemas import (
    ContactDetailOut,
    ContactIn,
    ContactOut,
    DatabaseOut,
    ErasureOut,
    InteractionDetailOut,
    InteractionIn,
    InteractionOut,
    ListOut,
    StakeholderDetailOut,
    StakeholderOut,
)

router = Router(tags=["stakeholders"])

# How many of a stakeholder's interactions its read carries; the list has them all.
LATEST_INTERACTIONS = 10
# What the contact page shows only beside the personal fields (null for the others).
PERSONAL_DETAIL_FIELDS = (
    "email",
    "phone",
    "address",
    "notes",
    "email_bounced_on",
    "by_email",
    "by_phone",
    "by_post",
    "verified_on",
    "source",
    "from_third_party",
    "notice_given_on",
    "notice_due_on",
)
# Refused before any id in the body is looked at: who can log for no stakeholder at all.
LOGGERS_ONLY = (
    "Only the database's contact managers, data stewards and relationship owners can log "
    "interactions."
)


# --- Shapes ---------------------------------------------------------------------------------


def _person(person: Person | None) -> dict | None:
    return None if person is None else {"id": person.pk, "display_name": person.display_name}


def _database_out(database: Database) -> dict:
    return {
        "id": database.pk,
        "organisation_id": database.organisation_id,
        "organisation": database.organisation.name,
        "description": database.description,
        "dpo_contact": database.dpo_contact,
        "stakeholder_count": database.stakeholder_count,  # type: ignore[attr-defined]
        "contact_count": database.contact_count,  # type: ignore[attr-defined]
    }


def stakeholder_out(stakeholder: Stakeholder) -> dict:
    return {
        **{
            f: getattr(stakeholder, f)
            for f in (
                "id",
                "database_id",
                "organisation_id",
                "category",
                "influence",
                "interest",
                "contact_every_days",
                "last_contact_on",
                "contact_due_on",
            )
        },
        "organisation": stakeholder.organisation.name,
        "owner": _person(stakeholder.owner),
        "overdue": selectors.contact_overdue(stakeholder, today()),
    }


def _role_out(role: Role) -> dict:
    contact = role.contact
    if contact is not None and contact.is_hidden:
        contact = None  # as the page shows it: vacant
    return {
        "id": role.pk,
        "title": role.title,
        "main": role.main,
        "since": role.since,
        "contact": None if contact is None else {"id": contact.pk, "name": contact.name},
    }


def _follow_up_out(follow_up: FollowUp) -> dict:
    return {
        f: getattr(follow_up, f)
        for f in ("id", "title", "due_on", "owner_id", "contact_id", "done")
    }


def interaction_out(interaction: Interaction) -> dict:
    """An interaction read through ``selectors.interactions_with_people``."""
    stakeholder = interaction.stakeholder
    return {
        **{
            f: getattr(interaction, f)
            for f in (
                "id",
                "database_id",
                "stakeholder_id",
                "kind",
                "date",
                "summary",
                "issues",
                "activity_id",
            )
        },
        "organisation": stakeholder.organisation.name if stakeholder else None,
        "contacts": [{"id": c.pk, "name": c.name} for c in interaction.contacts.all()],
        "staff": [_person(p) for p in interaction.staff.all()],
        "follow_ups": [_follow_up_out(f) for f in interaction.follow_ups.all()],
    }


def _held_role(role: Role) -> dict:
    return {
        "id": role.pk,
        "title": role.title,
        "stakeholder_id": role.stakeholder_id,
        "organisation": role.stakeholder.organisation.name,
    }


def _contact_base(contact: Contact, roles: list[Role]) -> dict:
    return {
        **{
            f: getattr(contact, f)
            for f in ("id", "database_id", "name", "kind", "state", "do_not_contact")
        },
        "roles": [_held_role(r) for r in roles],
    }


def contact_out(contact: Contact) -> dict:
    """A row of the contacts list: names and roles only, never a personal field."""
    return _contact_base(contact, list(contact.roles.all()))


def _contact_detail(user, contact: Contact) -> dict:
    """A contact, with the personal fields for those with a need to know (the read logged)."""
    access = selectors.database_access(user, contact.database)
    roles = list(selectors.contact_roles(contact))
    personal = access.may_read_personal(contact, {r.stakeholder_id for r in roles})
    data = _contact_base(contact, roles) | {"personal": personal}
    if not personal:
        return data | dict.fromkeys(PERSONAL_DETAIL_FIELDS) | {"lawful_bases": None}
    services.personal_data_read(actor=user, contact=contact, how=AccessLog.How.API)
    bases = [
        {
            "purpose": b.purpose.name,
            "kind": b.kind,
            "consent_on": b.consent_on,
            "consent_source": b.consent_source,
            "withdrawn_on": b.withdrawn_on,
            "review_on": b.review_on,
        }
        for b in selectors.contact_bases(contact)
    ]
    personal_fields = {f: getattr(contact, f) for f in PERSONAL_DETAIL_FIELDS}
    return data | personal_fields | {"lawful_bases": bases}


# --- Databases and stakeholders -------------------------------------------------------------


@router.get("/stakeholders/databases", response={200: list[DatabaseOut], **READ})
@paginate(Pagination)
def list_databases(request):
    """The stakeholder databases you can read: your organisations', those you hold a role on
    and those where you keep a relationship."""
    return Mapped(selectors.databases_for_list(request.user), _database_out)


@router.get(
    "/stakeholders/databases/{database_id}/stakeholders",
    response={200: list[StakeholderOut], **READ_ONE},
)
@paginate(Pagination)
def list_stakeholders(
    request,
    database_id: Id,
    q: str = "",
    category: str = "",
    owner: Id | None = None,
    overdue: bool = False,
):
    """A database's stakeholders, filtered as on its page: `q` searches the organisations'
    names, `category` one category, `owner` one relationship owner (a person's id),
    `overdue` those whose expected contact is missed."""
    database = selectors.database_get_for_user(request.user, database_id)
    flt = selectors.StakeholderFilter(q=q.strip(), category=category, owner=owner, overdue=overdue)
    return Mapped(
        selectors.stakeholders_for_database(database, flt, today=today()), stakeholder_out
    )


@router.get(
    "/stakeholders/stakeholders/{stakeholder_id}",
    response={200: StakeholderDetailOut, **READ_ONE},
)
def get_stakeholder(request, stakeholder_id: Id):
    """A stakeholder with its roles (who holds them: names only) and its latest interactions."""
    stakeholder = selectors.stakeholder_get_for_user(request.user, stakeholder_id)
    latest = selectors.timeline(stakeholder)[:LATEST_INTERACTIONS]
    return {
        **stakeholder_out(stakeholder),
        "notes": stakeholder.notes,
        "area_ids": sorted(stakeholder.areas.values_list("pk", flat=True)),
        "roles": [_role_out(r) for r in selectors.stakeholder_roles(stakeholder)],
        "latest_interactions": [interaction_out(i) for i in latest],
    }


@router.get(
    "/stakeholders/databases/{database_id}/lists", response={200: list[ListOut], **READ_ONE}
)
@paginate(Pagination)
def list_lists(request, database_id: Id):
    """A database's groups and mailing lists (a tree: `parent_id`), with how many contacts
    and stakeholders each holds."""
    database = selectors.database_get_for_user(request.user, database_id)
    rows = (
        selectors.lists_for(database)
        .annotate(stakeholder_count=Count("stakeholders", distinct=True))
        .order_by("name", "pk")
        .values("id", "name", "parent_id", "description", "contact_count", "stakeholder_count")
    )
    return rows


# --- Interactions ---------------------------------------------------------------------------


@router.get(
    "/stakeholders/databases/{database_id}/interactions",
    response={200: list[InteractionOut], **READ_ONE},
)
@paginate(Pagination)
def list_interactions(
    request, database_id: Id, stakeholder: Id | None = None, contact: Id | None = None
):
    """A database's interactions, newest first; `stakeholder` gives one stakeholder's
    timeline, `contact` those a contact took part in."""
    database = selectors.database_get_for_user(request.user, database_id)
    rows = Interaction.objects.filter(database=database)
    if stakeholder is not None:
        rows = rows.filter(stakeholder_id=stakeholder)
    if contact is not None:
        rows = rows.filter(contacts=contact)
    return Mapped(
        selectors.interactions_with_people(rows.order_by("-date", "-id")), interaction_out
    )


def _interaction_detail(interaction: Interaction) -> dict:
    recorded_by = interaction.recorded_by
    return {
        **interaction_out(interaction),
        "recorded_by": recorded_by.username if recorded_by else None,
        "created_at": interaction.created_at,
    }


@router.get(
    "/stakeholders/interactions/{interaction_id}",
    response={200: InteractionDetailOut, **READ_ONE},
)
def get_interaction(request, interaction_id: Id):
    return _interaction_detail(selectors.interaction_get_for_user(request.user, interaction_id))


def _all_found(rows: QuerySet, ids: list[int], field: str, message: str) -> list:
    found = list(rows.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: message})
    return found


def _log_arguments(request, database: Database, payload: InteractionIn) -> dict[str, Any]:
    """The payload's ids as the rows ``services.interaction_log`` takes."""
    stakeholder = None
    if payload.stakeholder_id is not None:
        stakeholder = (
            Stakeholder.objects.select_related("organisation")
            .filter(database=database, pk=payload.stakeholder_id)
            .first()
        )
        if stakeholder is None:
            raise ValidationError({"stakeholder_id": "Choose a stakeholder of this database."})
    activity = None
    if payload.activity_id is not None:
        activity = activities_visible_to(request.user).filter(pk=payload.activity_id).first()
        if activity is None:
            raise ValidationError({"activity_id": "Choose an engagement activity you can see."})
    contacts = Contact.objects.filter(database=database).exclude(state__in=Contact.HIDDEN)
    return {
        "stakeholder": stakeholder,
        "activity": activity,
        "contacts": _all_found(
            contacts, payload.contact_ids, "contact_ids", "Choose contacts of this database."
        ),
        "staff": _all_found(
            selectors.staff_choices(database),
            payload.staff_ids,
            "staff_ids",
            "Choose staff of the database's organisation.",
        ),
    }


@router.post(
    "/stakeholders/databases/{database_id}/interactions",
    response={201: InteractionDetailOut, **WRITE},
)
def log_interaction(request, database_id: Id, payload: InteractionIn):
    """Log a meeting, call, email… with a stakeholder (its relationship owner, the contact
    managers and data stewards) or with contacts alone (contact managers and data stewards)."""
    database = selectors.database_get_for_user(request.user, database_id)
    access = selectors.database_access(request.user, database)
    require(access.can_edit or bool(access.owned_stakeholder_ids), LOGGERS_ONLY)
    interaction = services.interaction_log(
        actor=request.user,
        database=database,
        date=payload.date,
        summary=payload.summary,
        kind=payload.kind,
        issues=payload.issues,
        **_log_arguments(request, database, payload),
    )
    return Status(
        201,
        _interaction_detail(selectors.interaction_get_for_user(request.user, interaction.pk)),
    )


# --- Contacts -------------------------------------------------------------------------------


def _contacts_everywhere(user, q: str) -> QuerySet[Contact] | selectors.SearchResults:
    """``selectors.contacts_search`` over every database the user reads: an address is
    searched only in the databases where they keep contacts (contact managers, stewards)."""
    rows = selectors.contacts_visible_to(user).exclude(state__in=Contact.HIDDEN)
    q = q.strip()
    if q:
        match = selectors.search_match(q, by_email=False)  # nothing, for an address
        if "@" in q:
            keeps = DatabaseRole.objects.filter(
                user=user,
                role__in=[DatabaseRole.Role.CONTACT_MANAGER, DatabaseRole.Role.DATA_STEWARD],
            ).values("database_id")
            match |= selectors.search_match(q, by_email=True) & Q(database_id__in=keeps)
        return selectors.SearchResults(rows, match)
    return selectors.with_roles(rows).order_by("name", "pk")


@router.get("/contacts", response={200: list[ContactOut], **READ_ONE})
@paginate(Pagination)
def list_contacts(request, database_id: Id | None = None, q: str = ""):
    """Contacts you can read (anonymised and merged ones left out), with the roles they
    hold: names only, never a personal field. `database_id` gives one database's; `q`
    searches names, and, for the database's contact managers and data stewards, addresses
    starting with it (`q` holding an "@")."""
    if database_id is None:
        rows = _contacts_everywhere(request.user, q)
    else:
        database = selectors.database_get_for_user(request.user, database_id)
        access = selectors.database_access(request.user, database)
        rows = selectors.contacts_search(database, q, by_email=access.can_edit)
    return Mapped(rows, contact_out)


@router.post("/contacts", response={201: ContactDetailOut, **WRITE})
def create_contact(request, payload: ContactIn):
    """Add a contact to a database whose contacts you keep (contact managers and data
    stewards). The answer carries the personal fields, so it is recorded in the access log."""
    database = selectors.database_get_for_user(request.user, payload.database_id)
    services.require_editor(request.user, database)
    fields = payload.model_dump(exclude={"database_id", "area_ids"})
    areas = _all_found(
        Area.objects.all(), payload.area_ids, "area_ids", "Some of these ids name no area."
    )
    contact = services.contact_create(actor=request.user, database=database, areas=areas, **fields)
    return Status(201, _contact_detail(request.user, contact))


@router.get("/contacts/{contact_id}", response={200: ContactDetailOut, **READ_ONE})
def get_contact(request, contact_id: Id):
    """A contact and the roles they hold. The personal fields (email, phone, address, notes,
    and the preferences, source, privacy notice and lawful bases beside them) are sent only
    to the database's contact managers and data stewards and to the relationship owner of a
    stakeholder where the contact holds a role, and each such answer is recorded in the
    access log; for everyone else they are null and `personal` is false."""
    contact = selectors.contact_get_for_user(request.user, contact_id)
    return _contact_detail(request.user, contact)


@router.get(
    "/contacts/{contact_id}/subject-access",
    response={200: dict[str, Any], **errors(401, 403, 404, 422)},
)
def subject_access_export(request, contact_id: Id):
    """Everything held about the contact (UK GDPR art 15), as the subject-access JSON export:
    for the database's data stewards only, and recorded in the access log."""
    contact = selectors.contact_get_for_user(request.user, contact_id)
    privacy.require_steward(request.user, contact.database)
    services.personal_data_read(
        actor=request.user, contact=contact, how=AccessLog.How.SUBJECT_ACCESS
    )
    return subject_access.collect(contact)


@router.post("/contacts/{contact_id}/erase", response={200: ErasureOut, **WRITE})
def erase_contact(request, contact_id: Id):
    """Erase a contact at their request, history included (the database's data stewards).
    Refused (422, naming them) while the contact alone owns open follow-ups: give those a
    new owner first. The answer is the erasure log's entry, which names no one."""
    contact = selectors.contact_get_for_user(request.user, contact_id)
    erasure = privacy.contact_erase(actor=request.user, contact=contact)
    return {f: getattr(erasure, f) for f in ("id", "contact_id", "reason", "erased_at", "rows")}
