"""Where a contact's name, email or phone is written in free text: one finder for the
subject-access export (which lists every such place) and for erasure and anonymisation (which
redact them), so the two can never disagree about where a person appears.

The places searched, and why there: free text naming someone is written by people who dealt
with them, so it is looked for in the records around the contact — the interactions they took
part in and those of the organisations where they held a role (now or before), those
interactions' follow-ups and evidence, the stakeholders' notes, and the engagement register of
the database's organisation (activities, their updates, outcomes, follow-ups and evidence) —
each in its current row and in its audit history rows. Searching every text column of the
whole database for every erasure would read millions of rows (docs/stakeholders.md); the test
of erasure searches every table, to show nothing is left in a realistic record. The contents
of evidence files are not read: a file is listed when its title or file name names the person.

A name is searched only when it is long enough to be specific (two words, or six letters):
redacting "Sam" everywhere would damage other people's records.

The nightly retention run anonymises hundreds of contacts at once: ``find_many`` reads each
place once for all of them (the union of their rows) and matches every contact's terms in one
pass with an Aho-Corasick automaton (pyahocorasick), then keeps, for each contact, only the rows
in that contact's own places. One contact is the same search with one contact in it, narrowed
first in SQL by its few terms. A regular expression of the alternatives was measured instead:
900 terms (300 contacts) over 5,000 rows took 5.7 s, against 0.66 s for the automaton over
138,000 rows (the bench's register), because ``re`` tries every alternative at every position.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

import ahocorasick
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from plantrack.directory.selectors import with_units
from plantrack.engagement.models import Activity, ActivityUpdate, Outcome
from plantrack.engagement.models import FollowUp as ActivityFollowUp
from plantrack.evidence.models import Evidence
from plantrack.stakeholders.models import (
    Contact,
    Database,
    FollowUp,
    Interaction,
    Role,
    Stakeholder,
)

REDACTED = "[erased]"
MIN_NAME_LETTERS = 6


def terms_of(contact: Contact) -> list[str]:
    """What identifies the contact in free text: their email, phone and (when specific) name."""
    terms = [contact.email.strip(), contact.phone.strip()]
    name = " ".join(contact.name.split())
    if len(name.split()) >= 2 or len(name) >= MIN_NAME_LETTERS:
        terms.append(name)
    return [t for t in terms if t]


@dataclass(frozen=True)
class Place:
    """A model whose text fields may name the contact, and which of its rows to look in."""

    model: type[Model]
    fields: tuple[str, ...]
    # The rows to look in for some contacts (the union of each one's), as a subquery of their
    # ids: never materialised, so 46,000 activities cost the database one join, not 46,000
    # bound parameters (docs/benchmarks.md).
    ids: Callable[[Scope], QuerySet | list[int]]


@dataclass(frozen=True)
class Mention:
    model: type[Model]
    pk: int
    field: str
    text: str
    history_id: int | None = None  # set for a row of the model's audit history

    @property
    def label(self) -> str:
        name = self.model._meta.verbose_name
        return f"{name} {self.pk} (history)" if self.history_id else f"{name} {self.pk}"


class Scope:
    """The rows around some contacts where they may be written about, each worked out once
    for all the places that use it (a search reads eight places and their histories)."""

    # Above this many interactions the ids go to the database as a subquery, not as bound
    # parameters (SQLite allows 32,766 a statement).
    MANY = 5000

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self.contacts = contacts
        self.pks = [c.pk for c in contacts]

    @cached_property
    def stakeholders(self) -> list[int]:
        """Where the contacts hold or held a role (the role's audit history keeps former
        holders): a few ids a contact, so a list, which the interactions' index then uses."""
        now = Role.objects.filter(contact_id__in=self.pks).values_list("stakeholder_id", flat=True)
        before = Role.history.filter(contact_id__in=self.pks).values_list(
            "stakeholder_id", flat=True
        )
        return sorted({pk for pk in [*now, *before] if pk is not None})

    @cached_property
    def interactions(self) -> list[int] | QuerySet:
        """Interactions they took part in, and those of organisations where they held a role,
        read by two indexed lookups (as one OR'ed subquery PostgreSQL scanned all 2,000,000
        interactions)."""
        took_part = Interaction.contacts.through.objects.filter(
            contact_id__in=self.pks
        ).values_list("interaction_id", flat=True)
        around = Interaction.objects.filter(stakeholder_id__in=self.stakeholders).values_list(
            "pk", flat=True
        )
        ids = sorted(set(took_part) | set(around))
        if len(ids) > self.MANY:
            return took_part.order_by().union(around.order_by())
        return ids

    @cached_property
    def activities(self) -> QuerySet:
        """The engagement registers of the databases' organisations (and their units), and
        activities the interactions were at: a subquery, never 46,000 bound parameters."""
        databases = {c.database_id for c in self.contacts}
        controllers = Database.objects.filter(pk__in=databases).values_list(
            "organisation_id", flat=True
        )
        organisations = with_units(sorted(controllers))
        at = Interaction.objects.filter(pk__in=self.interactions, activity__isnull=False)
        return Activity.objects.filter(
            Q(register__organisation_id__in=organisations)
            | Q(pk__in=list(at.values_list("activity_id", flat=True)))
        ).values("pk")

    def follow_ups(self) -> QuerySet:
        return FollowUp.objects.filter(interaction_id__in=self.interactions).values("pk")

    def evidence(self) -> QuerySet:
        kinds = ContentType.objects.get_for_models(Interaction, Activity)
        return Evidence.objects.filter(
            Q(content_type=kinds[Interaction], object_id__in=self.interactions)
            | Q(content_type=kinds[Activity], object_id__in=self.activities)
        ).values("pk")


def _of_activities(model: type[Model]) -> Callable[[Scope], QuerySet]:
    return lambda scope: model._default_manager.filter(activity_id__in=scope.activities).values(
        "pk"
    )


PLACES = (
    Place(Interaction, ("summary", "issues"), lambda scope: scope.interactions),
    Place(FollowUp, ("title",), Scope.follow_ups),
    Place(Stakeholder, ("notes",), lambda scope: scope.stakeholders),
    Place(
        Activity,
        ("title", "description", "owner_text", "communities_text", "aim", "method_text"),
        lambda scope: scope.activities,
    ),
    Place(ActivityUpdate, ("narrative",), _of_activities(ActivityUpdate)),
    Place(Outcome, ("you_said", "we_did"), _of_activities(Outcome)),
    Place(ActivityFollowUp, ("title",), _of_activities(ActivityFollowUp)),
    Place(Evidence, ("title", "original_name"), Scope.evidence),
)

# Up to this many terms (a contact and a few merged twins) the rows are first narrowed in SQL
# by ``icontains``; a whole retention batch is read and matched in Python instead (900 terms ×
# 6 columns of LIKE would cost more than reading the rows).
NARROW_IN_SQL = 12
CHUNK = 2000


def _matching(fields: tuple[str, ...], terms: Iterable[str]) -> Q:
    match = Q()
    for name in fields:
        for term in terms:
            match |= Q(**{f"{name}__icontains": term})
    return match


def _history_model(model: type[Model]) -> type[Model] | None:
    history = getattr(model, "history", None)
    return getattr(history, "model", None) if history is not None else None


class _Matcher:
    """Who of the contacts a text names: the automaton finds candidate terms in one pass; each
    candidate contact's own pattern (case-insensitive, as the redaction) confirms."""

    def __init__(self, contacts: Sequence[Contact]) -> None:
        self.patterns: dict[int, re.Pattern[str]] = {}
        self.automaton = ahocorasick.Automaton()
        owners: dict[str, set[int]] = {}
        for contact in contacts:
            terms = terms_of(contact)
            if not terms:
                continue
            self.patterns[contact.pk] = pattern_of(terms)
            for term in terms:
                owners.setdefault(term.lower(), set()).add(contact.pk)
        for term, pks in owners.items():
            self.automaton.add_word(term, frozenset(pks))
        self.terms = list(owners)
        if owners:
            self.automaton.make_automaton()

    def who(self, text: str | None) -> set[int]:
        if not text:
            return set()
        candidates: set[int] = set()
        for _end, pks in self.automaton.iter(text.lower()):
            candidates |= pks
        return {pk for pk in candidates if self.patterns[pk].search(text)}


def pattern_of(terms: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def _scan(place: Place, scope: Scope, matcher: _Matcher) -> list[tuple[int, Mention]]:
    """(contact id, mention) for every field of the place's rows, current and historical, that
    names one of the contacts."""
    ids = place.ids(scope)
    narrow = _matching(place.fields, matcher.terms) if len(matcher.terms) <= NARROW_IN_SQL else Q()
    found: list[tuple[int, Mention]] = []
    rows = place.model._default_manager.filter(pk__in=ids).filter(narrow).order_by("pk")
    for row in rows.values("pk", *place.fields).iterator(chunk_size=CHUNK):
        for name in place.fields:
            for pk in sorted(matcher.who(row[name])):
                found.append((pk, Mention(place.model, row["pk"], name, row[name])))
    history = _history_model(place.model)
    if history is None:
        return found
    past = history._default_manager.filter(id__in=ids).filter(narrow).order_by("history_id")
    for row in past.values("history_id", "id", *place.fields).iterator(chunk_size=CHUNK):
        for name in place.fields:
            for pk in sorted(matcher.who(row[name])):
                found.append(
                    (pk, Mention(place.model, row["id"], name, row[name], row["history_id"]))
                )
    return found


def _own(place: Place, scope: Scope, mentions: list[Mention]) -> list[Mention]:
    """Of the mentions found in several contacts' places, those in this (one contact's)."""
    pks = {m.pk for m in mentions}
    mine = set(
        place.model._default_manager.filter(pk__in=place.ids(scope))
        .filter(pk__in=pks)
        .values_list("pk", flat=True)
    )
    return [m for m in mentions if m.pk in mine]


def find_many(contacts: Sequence[Contact]) -> dict[int, list[Mention]]:
    """For each contact, every field, current or in the audit history, in the places above
    that names them: each place read once for all of them."""
    found: dict[int, list[Mention]] = {c.pk: [] for c in contacts}
    matcher = _Matcher(contacts)
    if not matcher.terms:
        return found
    scope = Scope(contacts)
    own = {c.pk: Scope([c]) for c in contacts} if len(contacts) > 1 else {contacts[0].pk: scope}
    for place in PLACES:
        per_contact: dict[int, list[Mention]] = {}
        for pk, mention in _scan(place, scope, matcher):
            per_contact.setdefault(pk, []).append(mention)
        for pk, mentions in per_contact.items():
            found[pk] += mentions if own[pk] is scope else _own(place, own[pk], mentions)
    return found


def find(contact: Contact) -> Iterator[Mention]:
    """Every field, current or in the audit history, in the places above that names them."""
    yield from find_many([contact])[contact.pk]


def redact_many(contacts: Sequence[Contact]) -> dict[int, dict[str, int]]:
    """Replace each contact's name, email and phone with REDACTED wherever find_many() sees
    them. A field naming two of them is written once, with both removed (written one after the
    other, the second would put back the first from the text read before). Writes straight to
    the rows, current and historical: a redaction is not a change anyone should see in the
    history (it would repeat what was removed). Returns, per contact, rows by table."""
    counts: dict[int, dict[str, int]] = {c.pk: {} for c in contacts}
    patterns = {c.pk: pattern_of(terms_of(c)) for c in contacts if terms_of(c)}
    texts: dict[tuple[type[Model], int, int | None], dict[str, str]] = {}
    named: dict[tuple[type[Model], int, int | None], dict[str, set[int]]] = {}
    for pk, mentions in find_many(contacts).items():
        for mention in mentions:
            key = (mention.model, mention.pk, mention.history_id)
            texts.setdefault(key, {})[mention.field] = mention.text
            named.setdefault(key, {}).setdefault(mention.field, set()).add(pk)
    for key, fields in texts.items():
        model, pk, history_id = key
        values = {}
        for name, text in fields.items():
            for contact_pk in sorted(named[key][name]):
                text = patterns[contact_pk].sub(REDACTED, text)
            values[name] = text
        if history_id is None:
            table = model._meta.db_table
            model._default_manager.filter(pk=pk).update(**values)
        else:
            history = _history_model(model)
            assert history is not None
            table = history._meta.db_table
            history._default_manager.filter(history_id=history_id).update(**values)
        for contact_pk in set().union(*named[key].values()):
            counts[contact_pk][table] = counts[contact_pk].get(table, 0) + 1
    return counts


def redact(contact: Contact) -> dict[str, int]:
    """redact_many() for one contact."""
    return redact_many([contact])[contact.pk]
