"""Every read of the stakeholder database, scoped to the user who asks.

Who sees what:
- A database is read by members of its organisation (and of the organisations above it), by
  those given a role on it and by the relationship owners of its stakeholders; site admins read
  every one. Anyone else gets 404, so its existence stays hidden.
- Readers see organisations, roles, contacts' names and the timeline of interactions.
- A contact's **personal fields** (models.PERSONAL_FIELDS) are for those who need them: the
  database's contact managers and data stewards, and the relationship owner of a stakeholder
  where the contact holds a role. Site admins are not among them unless given a role. Others
  are refused, and every read by those allowed goes through
  ``services.personal_data_read``, which logs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import organisation_ids_for, with_units
from plantrack.engagement.models import Activity
from plantrack.stakeholders import duplicates
from plantrack.stakeholders.models import (
    AccessLog,
    Basis,
    Contact,
    Database,
    DatabaseRole,
    Erasure,
    Interaction,
    List,
    RetentionRule,
    Role,
    Stakeholder,
    SubjectAccessRequest,
)

PAGE_SIZE = 50
TIMELINE_SIZE = 50
Roles = DatabaseRole.Role


# --- Access ---------------------------------------------------------------------------------


def databases_visible_to(user: User) -> QuerySet[Database]:
    if not user.is_authenticated:
        return Database.objects.none()
    if user.is_superuser:
        return Database.objects.all()
    return Database.objects.filter(
        Q(organisation_id__in=organisation_ids_for(user))
        | Q(pk__in=DatabaseRole.objects.filter(user=user).values("database_id"))
        | Q(pk__in=Stakeholder.objects.filter(owner__user=user).values("database_id"))
    )


def database_get_for_user(user: User, pk: int) -> Database:
    """A database the user may read, or 404: never 403, so its existence stays hidden."""
    try:
        return databases_visible_to(user).select_related("organisation").get(pk=pk)
    except Database.DoesNotExist as exc:
        raise Http404("No such stakeholder database") from exc


@dataclass
class DatabaseAccess:
    """What one user may do in one database."""

    database: Database
    roles: set[str]
    is_site_admin: bool = False
    owned_stakeholder_ids: set[int] = field(default_factory=set)

    @property
    def is_manager(self) -> bool:
        return Roles.CONTACT_MANAGER in self.roles

    @property
    def is_steward(self) -> bool:
        return Roles.DATA_STEWARD in self.roles

    @property
    def can_edit(self) -> bool:
        """Add and change stakeholders, contacts, roles, lists and lawful bases."""
        return self.is_manager or self.is_steward

    @property
    def can_give_roles(self) -> bool:
        return self.is_steward or self.is_site_admin

    def can_log_for(self, stakeholder: Stakeholder | None) -> bool:
        """Log an interaction with this stakeholder (or with contacts alone, for None)."""
        if self.can_edit:
            return True
        return stakeholder is not None and stakeholder.pk in self.owned_stakeholder_ids

    def may_read_personal(self, contact: Contact, held_at: set[int] | None = None) -> bool:
        """Need to know: the contact's personal fields. ``held_at``, the stakeholders where the
        contact holds a role, is read when not given."""
        if self.can_edit:
            return True
        if not self.owned_stakeholder_ids:
            return False
        if held_at is None:
            held_at = stakeholders_held_by(contact)
        return bool(held_at & self.owned_stakeholder_ids)


def database_access(user: User, database: Database) -> DatabaseAccess:
    if not user.is_authenticated:
        return DatabaseAccess(database=database, roles=set())
    roles = set(
        DatabaseRole.objects.filter(database=database, user=user).values_list("role", flat=True)
    )
    owned = set(
        Stakeholder.objects.filter(database=database, owner__user=user).values_list("pk", flat=True)
    )
    return DatabaseAccess(
        database=database,
        roles=roles,
        is_site_admin=user.is_superuser,
        owned_stakeholder_ids=owned,
    )


def can_create_database(user: User, organisation: Organisation | None = None) -> bool:
    """Site admins, and members of an organisation for that organisation's database."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    ids = organisation_ids_for(user)
    return bool(ids) if organisation is None else organisation.pk in ids


def organisations_for_new_database(user: User) -> QuerySet[Organisation]:
    mine = Organisation.objects.filter(stakeholder_database__isnull=True)
    if not user.is_superuser:
        mine = mine.filter(pk__in=organisation_ids_for(user))
    return mine.order_by("name")


def stakeholders_held_by(contact: Contact) -> set[int]:
    return set(Role.objects.filter(contact=contact).values_list("stakeholder_id", flat=True))


# --- Databases ------------------------------------------------------------------------------


def databases_for_list(user: User) -> QuerySet[Database]:
    return (
        databases_visible_to(user)
        .select_related("organisation")
        .annotate(
            stakeholder_count=Count("stakeholders", distinct=True),
            contact_count=Count(
                "contacts",
                filter=~Q(contacts__state__in=Contact.HIDDEN),
                distinct=True,
            ),
        )
        .order_by("organisation__name")
    )


def database_roles(database: Database) -> QuerySet[DatabaseRole]:
    return database.roles.select_related("user").order_by("role", "user__username")


# --- Stakeholders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StakeholderFilter:
    q: str = ""
    category: str = ""
    owner: int | None = None
    overdue: bool = False


def stakeholders_for_database(
    database: Database, flt: StakeholderFilter, *, today: dt.date
) -> QuerySet[Stakeholder]:
    rows = Stakeholder.objects.filter(database=database)
    if flt.q:
        rows = rows.filter(
            Q(organisation__name__icontains=flt.q) | Q(organisation__short_name__icontains=flt.q)
        )
    if flt.category:
        rows = rows.filter(category=flt.category)
    if flt.owner:
        rows = rows.filter(owner_id=flt.owner)
    if flt.overdue:
        rows = rows.filter(contact_due_on__lt=today)
    return rows.select_related("organisation", "owner").order_by("organisation__name", "pk")


def contact_overdue(stakeholder: Stakeholder, today: dt.date) -> bool:
    """Whether the expected contact frequency is missed (Stakeholder.contact_due_on)."""
    return stakeholder.contact_due_on is not None and stakeholder.contact_due_on < today


def stakeholder_get_for_user(user: User, pk: int) -> Stakeholder:
    try:
        return (
            Stakeholder.objects.filter(database__in=databases_visible_to(user))
            .select_related("organisation", "owner", "database__organisation")
            .get(pk=pk)
        )
    except Stakeholder.DoesNotExist as exc:
        raise Http404("No such stakeholder") from exc


def stakeholder_roles(stakeholder: Stakeholder) -> QuerySet[Role]:
    return stakeholder.roles.select_related("contact").order_by("-main", "title", "pk")


def timeline(stakeholder: Stakeholder) -> QuerySet[Interaction]:
    """A stakeholder's interactions, newest first, with who took part (names only)."""
    return interactions_with_people(
        Interaction.objects.filter(stakeholder=stakeholder).order_by("-date", "-id")
    )


def interactions_with_people(rows: QuerySet[Interaction]) -> QuerySet[Interaction]:
    return rows.select_related("activity", "stakeholder__organisation").prefetch_related(
        Prefetch("contacts", queryset=Contact.objects.only("pk", "name", "state")),
        Prefetch("staff", queryset=Person.objects.only("pk", "name", "rank", "post")),
        "follow_ups",
    )


def stakeholders_of_organisation(user: User, organisation: Organisation) -> QuerySet[Stakeholder]:
    return (
        Stakeholder.objects.filter(
            organisation=organisation, database__in=databases_visible_to(user)
        )
        .select_related("database__organisation", "owner")
        .order_by("database__organisation__name")
    )


def rating_history(stakeholder: Stakeholder) -> QuerySet[Any]:
    return stakeholder.ratings.select_related("rated_by")


# --- Contacts -------------------------------------------------------------------------------


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    return Contact.objects.filter(database__in=databases_visible_to(user))


def contact_get_for_user(user: User, pk: int) -> Contact:
    try:
        return contacts_visible_to(user).select_related("database__organisation").get(pk=pk)
    except Contact.DoesNotExist as exc:
        raise Http404("No such contact") from exc


def _starting(field: str, text: str) -> Q:
    """``field`` starts with ``text``, as a range an index answers. The keys are lower case and
    the range is by code point (SQLite's default; PostgreSQL with a C collation): SQLite's
    LIKE ignores case and so cannot use the index."""
    return Q(**{f"{field}__gte": text, f"{field}__lt": text + "\U0010ffff"})


def contacts_search(
    database: Database, q: str, *, by_email: bool
) -> QuerySet[Contact] | SearchResults:
    """Contacts whose first name, surname or whole name starts with ``q`` (word order, case,
    accents and titles aside: duplicates.py's keys); with ``by_email`` (for those who may read
    personal fields) a query holding "@" is an address's start instead. Others cannot search
    by address: a match would tell them it. Searched, counted and paged through the indexed
    keys alone (SearchResults), so 200,000 contacts cost a few index reads."""
    rows = Contact.objects.filter(database=database).exclude(state__in=Contact.HIDDEN)
    q = q.strip()
    if q:
        return SearchResults(rows, search_match(q, by_email=by_email))
    return with_roles(rows).order_by("name", "pk")


def with_roles(rows: QuerySet[Contact]) -> QuerySet[Contact]:
    return rows.prefetch_related(
        Prefetch("roles", queryset=Role.objects.select_related("stakeholder__organisation"))
    )


class SearchResults(Sequence[Contact]):
    """The ``rows`` a search's ``match`` finds, in name order, for a paginator: counted and
    paged from the key indexes alone, and only the page's contacts read.

    Each alternative of the match is read alone, and the alternatives' (id, name) pairs are
    united in SQL. SQLite, with no statistics, answers ``database AND (a OR b OR c)`` by
    reading every contact of the database; each alternative alone is a range of its
    (database, key, state, name) index, which holds all the query needs. Counting and paging
    ``id IN (those ids)`` instead read the 3,500 contacts a common name finds, twice, and
    passing the ids as parameters cost Django 9 ms to build each query (docs/benchmarks.md)."""

    def __init__(self, rows: QuerySet[Contact], match: Q) -> None:
        parts = match.children if match.connector == Q.OR else [match]
        picked = [
            rows.filter(part if isinstance(part, Q) else Q(part)).order_by().values("pk", "name")
            for part in parts
        ]
        self.found = picked[0].union(*picked[1:]) if len(picked) > 1 else picked[0]
        self._count: int | None = None

    def __len__(self) -> int:
        if self._count is None:
            self._count = self.found.count()
        return self._count

    def __iter__(self) -> Iterator[Contact]:
        return iter(self[:])

    @overload
    def __getitem__(self, index: int) -> Contact: ...

    @overload
    def __getitem__(self, index: slice) -> list[Contact]: ...

    def __getitem__(self, index: int | slice) -> Contact | list[Contact]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else []
            if not found:
                raise IndexError(index)
            return found[0]
        ids = [row["pk"] for row in self.found.order_by("name", "pk")[index]]
        contacts = {c.pk: c for c in with_roles(Contact.objects.filter(pk__in=ids))}
        return [contacts[pk] for pk in ids]


def search_match(q: str, *, by_email: bool) -> Q:
    """The contacts a search finds (contacts_search)."""
    if "@" in q:  # an address: for those who may read addresses, else nothing
        return _starting("email", q.lower()) if by_email else Q(pk__in=[])
    found = duplicates.words(q)
    if not found:
        return Q(pk__in=[])
    if len(found) == 1:
        word = found[0]
        return (
            _starting("given_key", word)
            | _starting("surname_key", word)
            | _starting("name_key", word)
        )
    # "Sam Made": the first name and the start of the surname; or the whole name in any order.
    return Q(given_key=found[0]) & _starting("surname_key", found[-1]) | _starting(
        "name_key", " ".join(sorted(found))
    )


def contact_roles(contact: Contact) -> QuerySet[Role]:
    return contact.roles.select_related("stakeholder__organisation")


def contact_interactions(contact: Contact) -> QuerySet[Interaction]:
    return interactions_with_people(contact.interactions.order_by("-date", "-id"))


def contact_bases(contact: Contact) -> QuerySet[Basis]:
    return contact.bases.select_related("purpose")


def lists_for(database: Database) -> QuerySet[List]:
    return database.lists.select_related("parent").annotate(
        contact_count=Count("contacts", distinct=True)
    )


def access_log(database: Database) -> QuerySet[AccessLog]:
    return database.access_log.select_related("user")


def contacts_choices(database: Database) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(database=database)
        .exclude(state__in=Contact.HIDDEN)
        .only("pk", "name")
        .order_by("name", "pk")
    )


def staff_choices(database: Database) -> QuerySet[Person]:
    """Staff of the database's organisation (and its units) who can own a relationship."""
    return Person.objects.filter(organisation_id__in=with_units([database.organisation_id]))


def contacts_linked_to(stakeholder: Stakeholder) -> QuerySet[Contact]:
    """Contacts holding a role at the stakeholder or who took part in its interactions."""
    return (
        Contact.objects.filter(database_id=stakeholder.database_id)
        .filter(
            Q(pk__in=Role.objects.filter(stakeholder=stakeholder).values("contact_id"))
            | Q(
                pk__in=Interaction.contacts.through.objects.filter(
                    interaction__stakeholder=stakeholder
                ).values("contact_id")
            )
        )
        .exclude(state__in=Contact.HIDDEN)
        .order_by("name", "pk")
    )


def interaction_get_for_user(user: User, pk: int) -> Interaction:
    try:
        return interactions_with_people(
            Interaction.objects.filter(database__in=databases_visible_to(user)).select_related(
                "database__organisation", "recorded_by"
            )
        ).get(pk=pk)
    except Interaction.DoesNotExist as exc:
        raise Http404("No such interaction") from exc


# --- Data protection ------------------------------------------------------------------------


def review_queue(database: Database) -> QuerySet[Contact]:
    """Contacts past their retention period, waiting for the data steward."""
    return (
        Contact.objects.filter(database=database, state=Contact.State.REVIEW)
        .prefetch_related(
            Prefetch("roles", queryset=Role.objects.select_related("stakeholder__organisation"))
        )
        .order_by("anonymise_on", "name", "pk")
    )


def notice_queue(database: Database) -> QuerySet[Contact]:
    """Contacts from another organisation's list still owed the privacy notice."""
    return (
        Contact.objects.filter(database=database, notice_due_on__isnull=False)
        .exclude(state__in=Contact.HIDDEN)
        .order_by("notice_due_on", "name", "pk")
    )


def subject_access_cases(database: Database) -> QuerySet[SubjectAccessRequest]:
    return database.subject_access_requests.select_related("contact", "handled_by")


def subject_access_case_get(user: User, pk: int) -> SubjectAccessRequest:
    try:
        return SubjectAccessRequest.objects.select_related("database__organisation", "contact").get(
            pk=pk, database__in=databases_visible_to(user)
        )
    except SubjectAccessRequest.DoesNotExist as exc:
        raise Http404("No such request") from exc


def erasures(database: Database) -> QuerySet[Erasure]:
    return database.erasures.select_related("erased_by")


def retention_rules(database: Database) -> QuerySet[RetentionRule]:
    return database.retention.order_by("kind")


def steward_counts(database: Database, *, today: dt.date) -> dict[str, int]:
    """What waits for the data steward: the database page's links say how many."""
    contacts = Contact.objects.filter(database=database)
    return {
        "review": contacts.filter(state=Contact.State.REVIEW).count(),
        "notices": contacts.filter(notice_due_on__isnull=False)
        .exclude(state__in=Contact.HIDDEN)
        .count(),
        "requests": database.subject_access_requests.filter(
            status=SubjectAccessRequest.Status.OPEN
        ).count(),
        "late_requests": database.subject_access_requests.filter(
            status=SubjectAccessRequest.Status.OPEN, due_on__lt=today
        ).count(),
    }


def attendance_at(user: User, activity: Activity) -> QuerySet[Interaction]:
    """Interactions at an engagement activity (its attendees), in databases the user reads."""
    return interactions_with_people(
        Interaction.objects.filter(activity=activity, database__in=databases_visible_to(user))
    ).order_by("-date", "-id")[:200]


def activities_for_interactions(database: Database) -> QuerySet[Activity]:
    """Engagement activities an interaction may be at: those of the registers of the
    database's organisation and its units."""
    return (
        Activity.objects.filter(
            register__organisation_id__in=with_units([database.organisation_id])
        )
        .select_related("register")
        .order_by("register__title", "title")
    )
