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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet

from plantrack.directory.selectors import with_units
from plantrack.engagement.models import Activity, ActivityUpdate, Outcome
from plantrack.engagement.models import FollowUp as ActivityFollowUp
from plantrack.evidence.models import Evidence
from plantrack.stakeholders.models import Contact, FollowUp, Interaction, Role, Stakeholder

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
    # The rows to look in, as a subquery of their ids: never materialised, so 46,000 activities
    # cost the database one join, not 46,000 bound parameters (docs/benchmarks.md).
    ids: Callable[[Contact], QuerySet | list[int]]


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


def stakeholder_ids(contact: Contact) -> QuerySet:
    """The stakeholders where the contact holds or held a role (the role's audit history
    keeps former holders)."""
    now = Role.objects.filter(contact_id=contact.pk).values("stakeholder_id")
    before = Role.history.filter(contact_id=contact.pk).values("stakeholder_id")
    return Stakeholder.objects.filter(Q(pk__in=now) | Q(pk__in=before)).values("pk")


def interaction_ids(contact: Contact) -> list[int]:
    """Interactions they took part in, and those of organisations where they held a role: a
    few dozen ids, read by two indexed lookups (as one OR'ed subquery PostgreSQL scanned all
    the interactions)."""
    took_part = Interaction.contacts.through.objects.filter(contact_id=contact.pk).values_list(
        "interaction_id", flat=True
    )
    around = Interaction.objects.filter(stakeholder_id__in=stakeholder_ids(contact)).values_list(
        "pk", flat=True
    )
    return sorted(set(took_part) | set(around))


def _activity_ids(contact: Contact) -> QuerySet:
    organisations = with_units([contact.database.organisation_id])
    at = Interaction.objects.filter(pk__in=interaction_ids(contact), activity__isnull=False)
    return Activity.objects.filter(
        Q(register__organisation_id__in=organisations) | Q(pk__in=at.values("activity_id"))
    ).values("pk")


def _evidence_ids(contact: Contact) -> QuerySet:
    kinds = ContentType.objects.get_for_models(Interaction, Activity)
    return Evidence.objects.filter(
        Q(content_type=kinds[Interaction], object_id__in=interaction_ids(contact))
        | Q(content_type=kinds[Activity], object_id__in=_activity_ids(contact))
    ).values("pk")


def _of_activities(model: type[Model]) -> Callable[[Contact], QuerySet]:
    return lambda c: model._default_manager.filter(activity_id__in=_activity_ids(c)).values("pk")


PLACES = (
    Place(Interaction, ("summary", "issues"), interaction_ids),
    Place(
        FollowUp,
        ("title",),
        lambda c: FollowUp.objects.filter(interaction_id__in=interaction_ids(c)).values("pk"),
    ),
    Place(Stakeholder, ("notes",), stakeholder_ids),
    Place(
        Activity,
        ("title", "description", "owner_text", "communities_text", "aim", "method_text"),
        _activity_ids,
    ),
    Place(ActivityUpdate, ("narrative",), _of_activities(ActivityUpdate)),
    Place(Outcome, ("you_said", "we_did"), _of_activities(Outcome)),
    Place(ActivityFollowUp, ("title",), _of_activities(ActivityFollowUp)),
    Place(Evidence, ("title", "original_name"), _evidence_ids),
)


def _matching(fields: tuple[str, ...], terms: list[str]) -> Q:
    match = Q()
    for name in fields:
        for term in terms:
            match |= Q(**{f"{name}__icontains": term})
    return match


def _history_model(model: type[Model]) -> type[Model] | None:
    history = getattr(model, "history", None)
    return getattr(history, "model", None) if history is not None else None


def find(contact: Contact) -> Iterator[Mention]:
    """Every field, current or in the audit history, in the places above that names them."""
    terms = terms_of(contact)
    if not terms:
        return
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    for place in PLACES:
        ids = place.ids(contact)
        match = _matching(place.fields, terms)
        rows = place.model._default_manager.filter(pk__in=ids).filter(match)
        for row in rows.values("pk", *place.fields):
            for name in place.fields:
                if row[name] and pattern.search(row[name]):
                    yield Mention(place.model, row["pk"], name, row[name])
        history = _history_model(place.model)
        if history is None:
            continue
        past = history._default_manager.filter(id__in=ids).filter(match)
        for row in past.values("history_id", "id", *place.fields):
            for name in place.fields:
                if row[name] and pattern.search(row[name]):
                    yield Mention(place.model, row["id"], name, row[name], row["history_id"])


def redact(contact: Contact) -> dict[str, int]:
    """Replace the contact's name, email and phone with REDACTED wherever find() sees them.
    Writes straight to the rows, current and historical: a redaction is not a change anyone
    should see in the history (it would repeat what was removed). Returns rows by table."""
    terms = terms_of(contact)
    if not terms:
        return {}
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    counts: dict[str, int] = {}
    grouped: dict[tuple[type[Model], int, int | None], dict[str, str]] = {}
    for mention in find(contact):
        key = (mention.model, mention.pk, mention.history_id)
        grouped.setdefault(key, {})[mention.field] = pattern.sub(REDACTED, mention.text)
    for (model, pk, history_id), values in grouped.items():
        if history_id is None:
            table = model._meta.db_table
            model._default_manager.filter(pk=pk).update(**values)
        else:
            history = _history_model(model)
            assert history is not None
            table = history._meta.db_table
            history._default_manager.filter(history_id=history_id).update(**values)
        counts[table] = counts.get(table, 0) + 1
    return counts
