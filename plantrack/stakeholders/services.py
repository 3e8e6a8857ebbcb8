"""Every write to the stakeholder database: the database and its roles, stakeholders and their
ratings, contacts, the roles they hold, interactions and follow-ups, lawful bases, privacy
notices, lists, and the log of who read personal data.

Who may do what (the reads are in selectors.py):
- A database is opened by a member of its organisation (or a site admin), who becomes its first
  data steward and contact manager. Data stewards (and site admins) give and take the roles.
- Contact managers and data stewards add and change stakeholders, contacts, roles, lists,
  lawful bases and privacy notices.
- A stakeholder's relationship owner logs interactions with it, and reads the personal fields
  of the contacts holding its roles; so do contact managers and data stewards. Every such read
  is logged (``personal_data_read``).
Every write goes through ``_save`` or ``_delete``, which move the database's version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, Model

from plantrack.accounts.models import User
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    delete_recorded,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Area, Organisation, Person
from plantrack.engagement.models import Activity
from plantrack.engagement.selectors import activities_visible_to
from plantrack.plans.selectors import today
from plantrack.stakeholders import duplicates, retention
from plantrack.stakeholders.models import (
    AccessLog,
    Basis,
    Contact,
    ContactKind,
    Database,
    DatabaseRole,
    FollowUp,
    Interaction,
    LawfulBasis,
    List,
    PrivacyNotice,
    Purpose,
    Rating,
    RetentionRule,
    Role,
    Stakeholder,
)
from plantrack.stakeholders.selectors import can_create_database, database_access

EDITORS_ONLY = "Only the database's contact managers and data stewards can change this."
STEWARDS_ONLY = "Only the database's data stewards can do this."
NEED_TO_KNOW = (
    "Contact details are for contact managers, data stewards and the relationship owner only."
)
# A third party's list: the privacy notice must reach its people within a month (art 14(3)(a)).
NOTICE_WITHIN_DAYS = 30
# What a new database starts with; its stewards change them.
DEFAULT_PURPOSES = (
    ("Community engagement", "Keeping in touch about policing and community safety", "public_task"),
    ("Newsletter", "Sending the newsletter to those who asked for it", "consent"),
)
DEFAULT_RETENTION_MONTHS = {
    ContactKind.REPRESENTATIVE: 36,
    ContactKind.PROFESSIONAL: 36,
    ContactKind.RESIDENT: 24,
    ContactKind.BUSINESS: 36,
    ContactKind.ELECTED: 48,
    ContactKind.OTHER: 24,
}


def _database_id(instance: Model) -> int:
    if isinstance(instance, Database):
        return instance.pk
    if isinstance(instance, Role | Rating):
        stakeholder: Stakeholder = instance.stakeholder
        return stakeholder.database_id
    if isinstance(instance, FollowUp):
        interaction: Interaction = instance.interaction
        return interaction.database_id
    if isinstance(instance, Basis):
        contact: Contact = instance.contact
        return contact.database_id
    database_id: int = instance.database_id  # type: ignore[attr-defined]
    return database_id


def _save(instance: Model, *, actor: User, exclude: list[str] | None = None) -> None:
    save_validated(instance, actor=actor, exclude=exclude)
    databases_changed({_database_id(instance)})


def _delete(instance: Model, *, actor: User) -> None:
    database_id = _database_id(instance)
    delete_recorded(instance, actor=actor)
    databases_changed({database_id})


def databases_changed(database_ids: set[int]) -> None:
    Database.objects.filter(pk__in=database_ids).update(version=F("version") + 1)


def require_editor(actor: User, database: Database) -> None:
    require(database_access(actor, database).can_edit, EDITORS_ONLY)


def require_steward(actor: User, database: Database) -> None:
    require(database_access(actor, database).is_steward, STEWARDS_ONLY)


# --- The database and its roles -------------------------------------------------------------


@transaction.atomic
def database_create(
    *, actor: User, organisation: Organisation, description: str = "", dpo_contact: str = ""
) -> Database:
    require(
        can_create_database(actor, organisation),
        "A stakeholder database belongs to an organisation you are a member of.",
    )
    if Database.objects.filter(organisation=organisation).exists():
        raise ValidationError(
            {"organisation": "This organisation already has a stakeholder database."}
        )
    database = Database(organisation=organisation, description=description, dpo_contact=dpo_contact)
    _save(database, actor=actor)
    for role in DatabaseRole.Role:
        _save(DatabaseRole(database=database, user=actor, role=role), actor=actor)
    for name, description_, basis in DEFAULT_PURPOSES:
        purpose = Purpose(
            database=database, name=name, description=description_, default_basis=basis
        )
        _save(purpose, actor=actor)
    for kind, months in DEFAULT_RETENTION_MONTHS.items():
        _save(RetentionRule(database=database, kind=kind, months=months), actor=actor)
    return database


@transaction.atomic
def database_update(
    *,
    actor: User,
    database: Database,
    edit_version: str | None = None,
    description: str = UNSET,
    dpo_contact: str = UNSET,
) -> Database:
    fields = supplied(locals(), "actor", "database", "edit_version")
    require_steward(actor, database)
    claim(database, edit_version)
    database.version = (
        Database.objects.select_for_update().values_list("version", flat=True).get(pk=database.pk)
    )
    apply_fields(database, fields)
    _save(database, actor=actor)
    return database


@transaction.atomic
def database_role_add(*, actor: User, database: Database, user: User, role: str) -> DatabaseRole:
    require(database_access(actor, database).can_give_roles, STEWARDS_ONLY)
    found = DatabaseRole.objects.filter(database=database, user=user, role=role).first()
    if found is None:
        found = DatabaseRole(database=database, user=user, role=role)
        _save(found, actor=actor)
    return found


@transaction.atomic
def database_role_remove(*, actor: User, database: Database, user: User, role: str) -> None:
    require(database_access(actor, database).can_give_roles, STEWARDS_ONLY)
    roles = DatabaseRole.objects.select_for_update().filter(database=database, role=role)
    if role == DatabaseRole.Role.DATA_STEWARD and not roles.exclude(user=user).exists():
        raise ValidationError("A stakeholder database needs at least one data steward.")
    for found in roles.filter(user=user):
        _delete(found, actor=actor)


# --- Stakeholders ---------------------------------------------------------------------------


def _contact_due(stakeholder: Stakeholder, today: dt.date) -> dt.date | None:
    """When the next contact is expected. Never contacted: due from the day the frequency was
    set, kept as it is by edits that do not change the frequency."""
    if not stakeholder.contact_every_days:
        return None
    if stakeholder.last_contact_on is None:
        return stakeholder.contact_due_on or today
    return stakeholder.last_contact_on + dt.timedelta(days=stakeholder.contact_every_days)


@transaction.atomic
def stakeholder_create(
    *,
    actor: User,
    database: Database,
    organisation: Organisation,
    category: str = Stakeholder.Category.OTHER,
    owner: Person | None = None,
    contact_every_days: int | None = None,
    notes: str = "",
    areas: Iterable[Area] = (),
) -> Stakeholder:
    require_editor(actor, database)
    if Stakeholder.objects.filter(database=database, organisation=organisation).exists():
        raise ValidationError({"organisation": "This organisation is already a stakeholder."})
    stakeholder = Stakeholder(
        database=database,
        organisation=organisation,
        category=category,
        owner=owner,
        contact_every_days=contact_every_days,
        notes=notes,
    )
    stakeholder.contact_due_on = _contact_due(stakeholder, today())
    _save(stakeholder, actor=actor)
    stakeholder.areas.set(list(areas))
    return stakeholder


@transaction.atomic
def stakeholder_update(
    *,
    actor: User,
    stakeholder: Stakeholder,
    edit_version: str | None = None,
    category: str = UNSET,
    owner: Person | None = UNSET,
    contact_every_days: int | None = UNSET,
    notes: str = UNSET,
    areas: Iterable[Area] = UNSET,
) -> Stakeholder:
    fields = supplied(locals(), "actor", "stakeholder", "edit_version", "areas")
    require_editor(actor, stakeholder.database)
    claim(stakeholder, edit_version)
    # Compared with the stored row: a model form has already written to the instance.
    stored = Stakeholder.objects.values_list("contact_every_days", flat=True).get(pk=stakeholder.pk)
    _fresh_contact_days(stakeholder)
    if fields.get("contact_every_days", stored) != stored:
        stakeholder.contact_due_on = None  # a new frequency counts from today
    apply_fields(stakeholder, fields)
    stakeholder.contact_due_on = _contact_due(stakeholder, today())
    _save(stakeholder, actor=actor)
    if areas is not UNSET:
        stakeholder.areas.set(list(areas))
    return stakeholder


@transaction.atomic
def stakeholder_rate(
    *,
    actor: User,
    stakeholder: Stakeholder,
    influence: int,
    interest: int,
    rated_on: dt.date,
    reason: str = "",
) -> Rating:
    """Assess influence and interest again; earlier ratings are kept."""
    require_editor(actor, stakeholder.database)
    rating = Rating(
        stakeholder=stakeholder,
        influence=influence,
        interest=interest,
        rated_on=rated_on,
        reason=reason,
        rated_by=actor,
    )
    _save(rating, actor=actor)
    latest = stakeholder.ratings.order_by("-rated_on", "-id").first()
    if latest is not None:
        _fresh_contact_days(stakeholder)
        stakeholder.influence, stakeholder.interest = latest.influence, latest.interest
        _save(stakeholder, actor=actor)
    return rating


def _fresh_contact_days(stakeholder: Stakeholder) -> None:
    """The last contact as stored: the interaction services write it behind any copy of the
    stakeholder a caller holds, and saving an older copy would put the old day back."""
    stakeholder.last_contact_on, stakeholder.contact_due_on = Stakeholder.objects.values_list(
        "last_contact_on", "contact_due_on"
    ).get(pk=stakeholder.pk)


# --- Contacts -------------------------------------------------------------------------------


@transaction.atomic
def contact_create(
    *,
    actor: User,
    database: Database,
    name: str,
    kind: str = ContactKind.OTHER,
    email: str = "",
    phone: str = "",
    address: str = "",
    notes: str = "",
    source: str = "",
    from_third_party: bool = False,
    do_not_contact: bool = False,
    by_email: bool = True,
    by_phone: bool = True,
    by_post: bool = True,
    verified_on: dt.date | None = None,
    areas: Iterable[Area] = (),
    received_on: dt.date | None = None,
) -> Contact:
    fields = supplied(locals(), "actor", "database", "areas", "received_on")
    require_editor(actor, database)
    contact = Contact(database=database)
    apply_fields(contact, fields)
    contact.name = contact.name.strip()
    contact.email = contact.email.strip().lower()
    if from_third_party:
        contact.notice_due_on = (received_on or today()) + dt.timedelta(days=NOTICE_WITHIN_DAYS)
    duplicates.set_keys(contact)
    _save(contact, actor=actor)
    contact.areas.set(list(areas))
    retention.schedule([contact])
    return contact


@transaction.atomic
def contact_update(
    *,
    actor: User,
    contact: Contact,
    edit_version: str | None = None,
    name: str = UNSET,
    kind: str = UNSET,
    email: str = UNSET,
    phone: str = UNSET,
    address: str = UNSET,
    notes: str = UNSET,
    source: str = UNSET,
    from_third_party: bool = UNSET,
    do_not_contact: bool = UNSET,
    by_email: bool = UNSET,
    by_phone: bool = UNSET,
    by_post: bool = UNSET,
    email_bounced_on: dt.date | None = UNSET,
    verified_on: dt.date | None = UNSET,
    areas: Iterable[Area] = UNSET,
) -> Contact:
    """Change a contact: rectification is this edit, audited like every other."""
    fields = supplied(locals(), "actor", "contact", "edit_version", "areas")
    require_editor(actor, contact.database)
    if contact.is_hidden:
        raise ValidationError("An anonymised or merged contact cannot be changed.")
    claim(contact, edit_version)
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
        # Compared with the stored row: a model form has already written its data to the
        # instance it was given.
        stored = Contact.objects.values("email", "email_bounced_on").get(pk=contact.pk)
        bounce_unchanged = (
            fields.get("email_bounced_on", stored["email_bounced_on"]) == stored["email_bounced_on"]
        )
        if fields["email"] != stored["email"] and bounce_unchanged:
            # A new address has not bounced (an edit form sends the old bounce date back).
            fields["email_bounced_on"] = None
    apply_fields(contact, fields)
    if from_third_party is True and contact.notice_given_on is None and not contact.notice_due_on:
        contact.notice_due_on = today() + dt.timedelta(days=NOTICE_WITHIN_DAYS)
    duplicates.set_keys(contact)
    _save(contact, actor=actor)
    if areas is not UNSET:
        contact.areas.set(list(areas))
    retention.schedule([contact])
    return contact


@transaction.atomic
def personal_data_read(*, actor: User, contact: Contact, how: str) -> AccessLog:
    """Before a contact's personal fields are shown or exported: refuses those without a need
    to know, and logs the read of those with one."""
    require(database_access(actor, contact.database).may_read_personal(contact), NEED_TO_KNOW)
    return AccessLog.objects.create(
        database_id=contact.database_id, contact_id=contact.pk, user=actor, how=how
    )


# --- Roles held at stakeholders -------------------------------------------------------------


def _check_holder(stakeholder: Stakeholder, contact: Contact | None) -> None:
    if contact is None:
        return
    if contact.database_id != stakeholder.database_id:
        raise ValidationError({"contact": "Choose a contact of this database."})
    if contact.is_anonymised:
        raise ValidationError({"contact": "An anonymised contact cannot hold a role."})


@transaction.atomic
def stakeholder_role_create(
    *,
    actor: User,
    stakeholder: Stakeholder,
    title: str,
    contact: Contact | None = None,
    since: dt.date | None = None,
    main: bool = False,
) -> Role:
    require_editor(actor, stakeholder.database)
    _check_holder(stakeholder, contact)
    role = Role(
        stakeholder=stakeholder, title=title.strip(), contact=contact, since=since, main=main
    )
    _save(role, actor=actor)
    return role


@transaction.atomic
def stakeholder_role_update(
    *,
    actor: User,
    role: Role,
    edit_version: str | None = None,
    title: str = UNSET,
    contact: Contact | None = UNSET,
    since: dt.date | None = UNSET,
    main: bool = UNSET,
) -> Role:
    """Change a role; a new holder is the contact point changing person."""
    fields = supplied(locals(), "actor", "role", "edit_version")
    require_editor(actor, role.stakeholder.database)
    claim(role, edit_version)
    if contact is not UNSET:
        _check_holder(role.stakeholder, contact)
    apply_fields(role, fields)
    _save(role, actor=actor)
    return role


@transaction.atomic
def stakeholder_role_delete(*, actor: User, role: Role) -> None:
    require_editor(actor, role.stakeholder.database)
    _delete(role, actor=actor)


# --- Interactions ---------------------------------------------------------------------------


def refresh_last_contact(*, stakeholder_ids: Iterable[int], contact_ids: Iterable[int]) -> None:
    """The denormalised last contact of stakeholders and contacts, from their interactions."""
    day = today()
    for stakeholder in Stakeholder.objects.filter(pk__in=set(stakeholder_ids)):
        stakeholder.last_contact_on = stakeholder.interactions.aggregate(d=Max("date"))["d"]
        stakeholder.contact_due_on = _contact_due(stakeholder, day)
        Stakeholder.objects.filter(pk=stakeholder.pk).update(
            last_contact_on=stakeholder.last_contact_on,
            contact_due_on=stakeholder.contact_due_on,
        )
    contact_ids = set(contact_ids)
    for contact_id in contact_ids:
        latest = Interaction.objects.filter(contacts=contact_id).aggregate(d=Max("date"))["d"]
        Contact.objects.filter(pk=contact_id).update(last_interaction_on=latest)
    retention.schedule_ids(contact_ids)


def _check_interaction(
    actor: User,
    database: Database,
    stakeholder: Stakeholder | None,
    contacts: list[Contact],
    activity: Activity | None,
) -> None:
    require(database_access(actor, database).can_log_for(stakeholder), EDITORS_ONLY)
    if stakeholder is not None and stakeholder.database_id != database.pk:
        raise ValidationError({"stakeholder": "Choose a stakeholder of this database."})
    if any(c.database_id != database.pk or c.is_anonymised for c in contacts):
        raise ValidationError({"contacts": "Choose contacts of this database."})
    if activity is not None and not activities_visible_to(actor).filter(pk=activity.pk).exists():
        raise ValidationError({"activity": "Choose an engagement activity you can see."})
    if stakeholder is None and not contacts:
        raise ValidationError("Say who the interaction was with: a stakeholder or contacts.")


@transaction.atomic
def interaction_log(
    *,
    actor: User,
    database: Database,
    date: dt.date,
    summary: str,
    kind: str = Interaction.Kind.MEETING,
    stakeholder: Stakeholder | None = None,
    issues: str = "",
    contacts: Iterable[Contact] = (),
    staff: Iterable[Person] = (),
    activity: Activity | None = None,
) -> Interaction:
    contacts = list(contacts)
    _check_interaction(actor, database, stakeholder, contacts, activity)
    interaction = Interaction(
        database=database,
        stakeholder=stakeholder,
        kind=kind,
        date=date,
        summary=summary,
        issues=issues,
        activity=activity,
        recorded_by=actor,
    )
    _save(interaction, actor=actor)
    interaction.contacts.set(contacts)
    interaction.staff.set(list(staff))
    refresh_last_contact(
        stakeholder_ids=[stakeholder.pk] if stakeholder else [],
        contact_ids=[c.pk for c in contacts],
    )
    return interaction


@transaction.atomic
def interaction_update(
    *,
    actor: User,
    interaction: Interaction,
    edit_version: str | None = None,
    date: dt.date = UNSET,
    summary: str = UNSET,
    kind: str = UNSET,
    issues: str = UNSET,
    contacts: Iterable[Contact] = UNSET,
    staff: Iterable[Person] = UNSET,
    activity: Activity | None = UNSET,
) -> Interaction:
    fields = supplied(locals(), "actor", "interaction", "edit_version", "contacts", "staff")
    before = set(interaction.contacts.values_list("pk", flat=True))
    chosen = list(contacts) if contacts is not UNSET else list(interaction.contacts.all())
    _check_interaction(
        actor,
        interaction.database,
        interaction.stakeholder,
        chosen,
        fields.get("activity", interaction.activity),
    )
    claim(interaction, edit_version)
    apply_fields(interaction, fields)
    _save(interaction, actor=actor)
    if contacts is not UNSET:
        interaction.contacts.set(chosen)
    if staff is not UNSET:
        interaction.staff.set(list(staff))
    refresh_last_contact(
        stakeholder_ids=[interaction.stakeholder_id] if interaction.stakeholder_id else [],
        contact_ids=before | {c.pk for c in chosen},
    )
    return interaction


@transaction.atomic
def interaction_delete(*, actor: User, interaction: Interaction) -> None:
    require_editor(actor, interaction.database)
    contact_ids = set(interaction.contacts.values_list("pk", flat=True))
    stakeholder_id = interaction.stakeholder_id
    _delete(interaction, actor=actor)
    refresh_last_contact(
        stakeholder_ids=[stakeholder_id] if stakeholder_id else [], contact_ids=contact_ids
    )


@transaction.atomic
def interaction_follow_up_add(
    *,
    actor: User,
    interaction: Interaction,
    title: str,
    due_on: dt.date,
    owner: Person | None = None,
    contact: Contact | None = None,
) -> FollowUp:
    require(
        database_access(actor, interaction.database).can_log_for(interaction.stakeholder),
        EDITORS_ONLY,
    )
    if contact is not None and contact.database_id != interaction.database_id:
        raise ValidationError({"contact": "Choose a contact of this database."})
    if owner is None and contact is None:
        raise ValidationError("Say who owns the follow-up: one of our staff or a contact.")
    follow_up = FollowUp(
        interaction=interaction, title=title, due_on=due_on, owner=owner, contact=contact
    )
    _save(follow_up, actor=actor)
    return follow_up


@transaction.atomic
def interaction_follow_up_update(
    *,
    actor: User,
    follow_up: FollowUp,
    title: str = UNSET,
    due_on: dt.date = UNSET,
    owner: Person | None = UNSET,
    contact: Contact | None = UNSET,
    done: bool = UNSET,
) -> FollowUp:
    fields = supplied(locals(), "actor", "follow_up")
    interaction = follow_up.interaction
    require(
        database_access(actor, interaction.database).can_log_for(interaction.stakeholder),
        EDITORS_ONLY,
    )
    if contact and (contact.database_id != interaction.database_id or contact.is_anonymised):
        raise ValidationError({"contact": "Choose a contact of this database."})
    apply_fields(follow_up, fields)
    if follow_up.owner is None and follow_up.contact is None:
        raise ValidationError("Say who owns the follow-up: one of our staff or a contact.")
    _save(follow_up, actor=actor)
    return follow_up


# --- Lawful basis and privacy information ---------------------------------------------------


@transaction.atomic
def lawful_basis_set(
    *,
    actor: User,
    contact: Contact,
    purpose: Purpose,
    kind: str,
    consent_on: dt.date | None = None,
    consent_source: str = "",
    consent_wording: str = "",
    review_on: dt.date | None = None,
) -> Basis:
    """Record (or change) the lawful basis for holding a contact for a purpose. Consent needs
    when and how it was given and the words shown; the other bases carry no consent."""
    require_editor(actor, contact.database)
    if contact.is_hidden:
        raise ValidationError("An anonymised or merged contact holds no lawful basis.")
    if purpose.database_id != contact.database_id:
        raise ValidationError({"purpose": "Choose a purpose of this database."})
    if kind == LawfulBasis.CONSENT:
        missing = {
            name: "Consent needs this: when, how and what they were shown."
            for name, value in (
                ("consent_on", consent_on),
                ("consent_source", consent_source.strip()),
                ("consent_wording", consent_wording.strip()),
            )
            if not value
        }
        if missing:
            raise ValidationError(missing)
    else:
        consent_on, consent_source, consent_wording = None, "", ""
    basis = Basis.objects.filter(contact=contact, purpose=purpose).first() or Basis(
        contact=contact, purpose=purpose
    )
    basis.kind = kind
    basis.consent_on = consent_on
    basis.consent_source = consent_source
    basis.consent_wording = consent_wording
    basis.withdrawn_on = None
    basis.review_on = review_on
    _save(basis, actor=actor)
    return basis


@transaction.atomic
def consent_withdraw(*, actor: User, basis: Basis, on: dt.date) -> Basis:
    require_editor(actor, basis.contact.database)
    if basis.contact.is_hidden:
        raise ValidationError("An anonymised or merged contact holds no lawful basis.")
    if basis.kind != LawfulBasis.CONSENT:
        raise ValidationError("Only consent can be withdrawn; change the basis instead.")
    basis.withdrawn_on = on
    _save(basis, actor=actor)
    return basis


@transaction.atomic
def privacy_notice_create(
    *,
    actor: User,
    database: Database,
    version: str,
    published_on: dt.date,
    text: str,
    url: str = "",
) -> PrivacyNotice:
    require_steward(actor, database)
    notice = PrivacyNotice(
        database=database, version=version.strip(), published_on=published_on, text=text, url=url
    )
    _save(notice, actor=actor)
    return notice


@transaction.atomic
def privacy_notice_given(
    *, actor: User, contacts: Iterable[Contact], notice: PrivacyNotice, on: dt.date
) -> int:
    """Record that these contacts were sent the notice on a day; they leave the queue."""
    require_editor(actor, notice.database)
    count = 0
    for contact in contacts:
        if contact.database_id != notice.database_id or contact.is_anonymised:
            raise ValidationError("Choose contacts of this database.")
        contact.notice, contact.notice_given_on, contact.notice_due_on = notice, on, None
        _save(contact, actor=actor)
        count += 1
    return count


# --- Lists ----------------------------------------------------------------------------------


@transaction.atomic
def contact_list_create(
    *,
    actor: User,
    database: Database,
    name: str,
    parent: List | None = None,
    description: str = "",
) -> List:
    require_editor(actor, database)
    if parent is not None and parent.database_id != database.pk:
        raise ValidationError({"parent": "Choose a list of this database."})
    found = List(database=database, name=name.strip(), parent=parent, description=description)
    _save(found, actor=actor)
    return found


@transaction.atomic
def contact_list_members_set(
    *,
    actor: User,
    list_: List,
    contacts: Iterable[Contact] = UNSET,
    stakeholders: Iterable[Stakeholder] = UNSET,
) -> List:
    require_editor(actor, list_.database)
    if contacts is not UNSET:
        chosen = list(contacts)
        if any(c.database_id != list_.database_id for c in chosen):
            raise ValidationError({"contacts": "Choose contacts of this database."})
        list_.contacts.set(chosen)
    if stakeholders is not UNSET:
        found = list(stakeholders)
        if any(s.database_id != list_.database_id for s in found):
            raise ValidationError({"stakeholders": "Choose stakeholders of this database."})
        list_.stakeholders.set(found)
    databases_changed({list_.database_id})
    return list_


@transaction.atomic
def contact_list_add(*, actor: User, list_: List, contact: Contact) -> List:
    require_editor(actor, list_.database)
    if contact.database_id != list_.database_id or contact.is_hidden:
        raise ValidationError({"contact": "Choose a contact of this database."})
    list_.contacts.add(contact)
    databases_changed({list_.database_id})
    return list_


@transaction.atomic
def contact_list_remove(*, actor: User, list_: List, contact: Contact) -> List:
    require_editor(actor, list_.database)
    list_.contacts.remove(contact)
    databases_changed({list_.database_id})
    return list_
