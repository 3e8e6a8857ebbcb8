"""Probable duplicates: the same person held twice, in a borough's list and the database or
within the database itself.

Two records are probably one person when they share an email address, or a phone number and a
similar name, or a very similar name at the same organisation, or (for a name of two words or
more) an almost identical name. Names are compared with RapidFuzz's token-sort ratio, so word
order, case, accents and punctuation do not matter ("Smith, John" = "John Smith", "Jon Smith"
~ "John Smith"). Candidates are found through indexed keys kept on each contact (its name
with the words sorted, its surname, its phone's digits), so a check against 200,000 contacts
reads only the few sharing a key; a misspelt surname with nothing else in common is missed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from rapidfuzz import fuzz

from plantrack.stakeholders.models import Contact, Database, NotDuplicate

TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "cllr", "councillor", "rev", "revd", "prof"}
SAME_NAME = 95  # a two-word name this close is the same name
SIMILAR_NAME = 85  # close enough with a shared phone or organisation
PHONE_NAME = 60  # a shared phone with a name this close (family members share landlines)


def words(name: str) -> list[str]:
    """A name's words, lower case, without accents, punctuation or titles."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z0-9']+", plain) if w not in TITLES]


def name_key(name: str) -> str:
    return " ".join(sorted(words(name)))[:200]


def given_key(name: str) -> str:
    """The first word of the name ("Smith, John": John)."""
    found = words(name.split(",", 1)[1]) if "," in name else words(name)
    return found[0][:100] if found else ""


def surname_key(name: str) -> str:
    found = words(name)
    if "," in name:  # "Smith, John"
        found = words(name.split(",")[0]) or found
        return found[0][:100] if found else ""
    return found[-1][:100] if found else ""


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits[-11:] if len(digits) >= 7 else ""


def set_keys(contact: Contact) -> None:
    contact.name_key = name_key(contact.name)
    contact.surname_key = surname_key(contact.name)
    contact.given_key = given_key(contact.name)
    contact.phone_key = phone_key(contact.phone)


@dataclass(frozen=True)
class Person:
    """What is compared: a contact, or a row of an imported list."""

    name: str
    email: str = ""
    phone: str = ""
    organisation: str = ""

    @classmethod
    def of(cls, contact: Contact, organisation: str = "") -> Person:
        return cls(contact.name, contact.email, contact.phone, organisation)


@dataclass
class Match:
    score: int
    reasons: list[str] = field(default_factory=list)


def compare(a: Person, b: Person) -> Match | None:
    """Whether ``a`` and ``b`` are probably one person, and why; None when not."""
    reasons = []
    similarity = fuzz.token_sort_ratio(name_key(a.name), name_key(b.name))
    if a.email and a.email.strip().lower() == b.email.strip().lower():
        reasons.append("same email")
    shared_phone = phone_key(a.phone) and phone_key(a.phone) == phone_key(b.phone)
    if shared_phone and similarity >= PHONE_NAME:
        reasons.append("same phone")
    same_org = bool(a.organisation) and name_key(a.organisation) == name_key(b.organisation)
    if similarity >= SIMILAR_NAME and same_org:
        reasons.append("similar name at the same organisation")
    elif similarity >= SAME_NAME and len(words(a.name)) >= 2:
        reasons.append("same name" if similarity == 100 else "almost the same name")
    if not reasons:
        return None
    return Match(score=round(similarity), reasons=reasons)


def candidates(database: Database, people: Iterable[Person]) -> QuerySet[Contact]:
    """Contacts of the database sharing an email, a phone or a surname with any of ``people``."""
    emails, phones, surnames = set(), set(), set()
    for person in people:
        if person.email:
            emails.add(person.email.strip().lower())
        if phone_key(person.phone):
            phones.add(phone_key(person.phone))
        if surname_key(person.name):
            surnames.add(surname_key(person.name))
    return (
        Contact.objects.filter(database=database)
        .exclude(state__in=Contact.HIDDEN)
        .filter(Q(email__in=emails) | Q(phone_key__in=phones) | Q(surname_key__in=surnames))
        .prefetch_related("roles__stakeholder__organisation")
    )


def organisation_of(contact: Contact) -> str:
    roles = list(contact.roles.all())
    return roles[0].stakeholder.organisation.name if roles else ""


@dataclass(frozen=True)
class Pair:
    first: Contact
    second: Contact
    match: Match


def pending_pairs(database: Database) -> Iterator[Pair]:
    """Probable duplicates within the database not yet merged or set apart, found through the
    shared keys (a group-by on indexed columns), then compared. Take what is needed with
    itertools.islice: the pairs are found as they are read."""
    live = Contact.objects.filter(database=database).exclude(state__in=Contact.HIDDEN)
    apart = set(NotDuplicate.objects.filter(database=database).values_list("first_id", "second_id"))
    seen: set[tuple[int, int]] = set()
    for key in ("email", "phone_key", "surname_key"):
        shared = (
            live.exclude(**{key: ""})
            .values(key)
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list(key, flat=True)
        )
        group: list[Contact] = []
        last = None
        for contact in live.filter(**{f"{key}__in": shared}).order_by(key, "pk"):
            if getattr(contact, key) != last:
                yield from _pairs_in(group, apart, seen)
                group, last = [], getattr(contact, key)
            group.append(contact)
        yield from _pairs_in(group, apart, seen)


def _pairs_in(
    group: list[Contact], apart: set[tuple[int, int]], seen: set[tuple[int, int]]
) -> Iterator[Pair]:
    for i, first in enumerate(group):
        for second in group[i + 1 :]:
            ids = (first.pk, second.pk)
            if ids in seen or ids in apart:
                continue
            seen.add(ids)
            match = compare(Person.of(first), Person.of(second))
            if match is not None:
                yield Pair(first, second, match)
