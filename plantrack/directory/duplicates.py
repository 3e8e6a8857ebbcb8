"""Reads for the directory's clean-up page: probable duplicates, initials used as owners, and
imported organisations that belong beneath another.

Each finder reads the entries it needs once (a few columns, no joins) and compares them in
memory, blocked by a key (surname, staff number, acronym) so that a national directory is not
compared pair by pair. Pairs someone dismissed ("not the same") are left out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from plantrack.accounts.models import User
from plantrack.core import hooks
from plantrack.directory.models import DuplicateDismissal, MergeRecord, Organisation, Person

# Ranks, grades and titles written before a name ("PS Ahmed Khan", "Sgt A Khan", "T/DI ...").
_RANKS = """pc ps sgt sergeant dc ds di dci dsu dsupt det detective insp inspector ci chinsp ch
chief supt superintendent csupt constable pcso acc dcc cc dac ac cmdr commander mr mrs ms miss mx
dr cllr councillor prof sir dame rev"""
RANKS = frozenset(_RANKS.split())
STOPWORDS = frozenset({"of", "and", "the", "for", "in", "on", "&", "to"})
# Capital letters from other scripts that look Latin ("МК" typed in Cyrillic as initials).
LOOKALIKES = str.maketrans("АВСЕНІЈКМОРЅТХУΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABCEHIJKMOPSTXYABEZHIKMNOPTYX")
INITIALS = re.compile(r"^[A-Z]\.?\s?[A-Z]\.?(\s?[A-Z]\.?)?$")
PAIRS_SHOWN = 200


@dataclass(frozen=True)
class Pair:
    first: Person | Organisation
    second: Person | Organisation
    reason: str

    @property
    def kind(self) -> str:
        if isinstance(self.first, Person):
            return MergeRecord.Kind.PERSON
        return MergeRecord.Kind.ORGANISATION


def _dismissed(kind: str) -> set[tuple[int, int]]:
    return set(DuplicateDismissal.objects.filter(kind=kind).values_list("first_id", "second_id"))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9&]+", text.translate(LOOKALIKES).lower().replace("/", " "))


def name_tokens(name: str) -> list[str]:
    """A person's name without ranks, titles or staff numbers, lower case."""
    # "T/DI", "A/Insp": temporary and acting ranks.
    name = re.sub(r"\b[TtAa]/(?=[A-Za-z])", "", name)
    return [w for w in _words(name) if w not in RANKS and not w.isdigit()]


def staff_numbers(person: Person) -> set[str]:
    """The staff number, and one written into the name ("PS 1234 Ahmed Khan")."""
    found = {re.sub(r"\s+", "", person.staff_number).upper().lstrip("0")} - {""}
    found |= {n.lstrip("0") for n in re.findall(r"\b\d{4,}\b", person.name)}
    return found


def _same_name(a: list[str], b: list[str]) -> str:
    """Why two names (tokens, the same surname) are probably one person, or ''."""
    first_a, first_b = a[0], b[0]
    if a == b:
        return "same name"
    if first_a == first_b:
        return "same name, with a rank or a middle name"
    if (len(first_a) == 1 or len(first_b) == 1) and first_a[0] == first_b[0]:
        return "same surname and initial"
    if min(len(first_a), len(first_b)) >= 4 and fuzz.ratio(first_a, first_b) >= 80:
        return "same surname, first name spelt alike"
    return ""


def _people(user: User) -> list[Person]:
    fields = ("id", "name", "rank", "post", "staff_number", "organisation_id")
    return list(Person.objects.only(*fields).order_by("pk"))


def person_duplicates(user: User, *, limit: int = PAIRS_SHOWN) -> list[Pair]:
    """Pairs of people probably the same: one staff number, or one name (ranks aside)."""
    people = _people(user)
    dismissed = _dismissed(MergeRecord.Kind.PERSON)
    found: dict[tuple[int, int], str] = {}

    def offer(a: Person, b: Person, reason: str) -> None:
        key = (min(a.pk, b.pk), max(a.pk, b.pk))
        if key not in dismissed and key not in found:
            found[key] = reason

    by_number: dict[str, list[Person]] = defaultdict(list)
    by_surname: dict[str, list[tuple[Person, list[str]]]] = defaultdict(list)
    for person in people:
        for number in staff_numbers(person):
            by_number[number].append(person)
        tokens = name_tokens(person.name)
        if len(tokens) >= 2:
            by_surname[tokens[-1]].append((person, tokens))
    for number, holders in by_number.items():
        for i, a in enumerate(holders):
            for b in holders[i + 1 :]:
                if a.pk != b.pk:
                    offer(a, b, f"same staff number {number}")
    for named in by_surname.values():
        for i, (a, ta) in enumerate(named):
            for b, tb in named[i + 1 :]:
                if reason := _same_name(ta, tb):
                    offer(a, b, reason)
    by_pk = {p.pk: p for p in people}
    pairs = [Pair(by_pk[a], by_pk[b], why) for (a, b), why in sorted(found.items())]
    return pairs[:limit]


# --- Organisations ---------------------------------------------------------------------------

BRACKETED = re.compile(r"\(([^()]*)\)")


def _plain(name: str) -> str:
    words = _words(BRACKETED.sub(" ", name).replace("&", " and "))
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _is_acronym(text: str) -> bool:
    letters = re.sub(r"[^A-Za-z]", "", text)
    return 2 <= len(letters) <= 8 and " " not in text.strip() and letters.isupper()


def acronyms(organisation: Organisation) -> tuple[set[str], set[str]]:
    """(the acronyms it is written with: in brackets or its short name; those and the initials
    of its name)."""
    explicit = {
        re.sub(r"[^A-Z]", "", part.upper())
        for part in [*BRACKETED.findall(organisation.name), organisation.short_name]
        if part and _is_acronym(part.strip())
    }
    words = [w for w in _words(BRACKETED.sub(" ", organisation.name)) if w not in STOPWORDS]
    initials = {"".join(w[0] for w in words).upper()} if len(words) >= 2 else set()
    return explicit, explicit | initials


def _comparable(a: Organisation, b: Organisation) -> bool:
    """Units of two different organisations may share a name ("OCC"): not duplicates."""
    return a.parent_id is None or b.parent_id is None or a.parent_id == b.parent_id


def _organisations() -> list[Organisation]:
    return list(
        Organisation.objects.only("id", "name", "short_name", "kind", "parent_id").order_by("pk")
    )


def organisation_duplicates(user: User, *, limit: int = PAIRS_SHOWN) -> list[Pair]:
    """Pairs of organisations probably the same: one name (brackets, case and "&" aside), or
    an acronym and the name it stands for ("YJB", "Youth Justice Board (YJB)")."""
    organisations = _organisations()
    dismissed = _dismissed(MergeRecord.Kind.ORGANISATION)
    index: dict[str, list[Organisation]] = defaultdict(list)
    for org in organisations:
        explicit, every = acronyms(org)
        plain = _plain(org.name)
        if plain:
            index[f"n:{plain}"].append(org)
        if _is_acronym(org.name):
            index[f"a:{org.name.upper()}"].append(org)
        for acronym in every:
            index[f"x:{acronym}"].append(org)
        for acronym in explicit:
            index[f"e:{acronym}"].append(org)
    found: dict[tuple[int, int], str] = {}

    def offer(group_a: Iterable[Organisation], group_b: Iterable[Organisation], why: str) -> None:
        for a in group_a:
            for b in group_b:
                key = (min(a.pk, b.pk), max(a.pk, b.pk))
                if a.pk != b.pk and _comparable(a, b) and key not in dismissed:
                    found.setdefault(key, why)

    for key, group in list(index.items()):
        kind, value = key.split(":", 1)
        if kind == "n":
            offer(group, group, "same name")
        elif kind == "a":
            offer(group, index.get(f"x:{value}", []), f"{value} stands for the other's name")
        elif kind == "e":
            offer(group, group, f"both written {value}")
    by_pk = {o.pk: o for o in organisations}
    pairs = [Pair(by_pk[a], by_pk[b], why) for (a, b), why in sorted(found.items())]
    return pairs[:limit]


# --- Initials used as owners -----------------------------------------------------------------


@dataclass(frozen=True)
class InitialsMatch:
    person: Person  # the entry whose name is initials
    candidates: list[Person]  # named in the same documents, with those initials


def is_initials(name: str) -> bool:
    return bool(INITIALS.match(name.translate(LOOKALIKES).strip()))


def initials_of(name: str) -> tuple[str, str]:
    """(all initials, first and last) of a full name: "Alison M Collins" → ("AMC", "AC")."""
    tokens = name_tokens(name)
    every = "".join(t[0] for t in tokens).upper()
    return every, (tokens[0][0] + tokens[-1][0]).upper() if len(tokens) >= 2 else every


def initials_to_resolve(user: User) -> list[InitialsMatch]:
    """People whose name is just initials ("AM", "MK"), each with the people the same
    documents name whose initials match (the apps holding documents say who: core/hooks)."""
    people = [p for p in _people(user) if is_initials(p.name)]
    if not people:
        return []
    named_with: dict[int, set[int]] = defaultdict(set)
    for found in hooks.collect(hooks.PEOPLE_NAMED_WITH, [p.pk for p in people]):
        for pk, others in found.items():
            named_with[pk] |= set(others)
    wanted = set().union(*named_with.values()) if named_with else set()
    candidates = {
        p.pk: p
        for p in Person.objects.filter(pk__in=wanted)
        .select_related("organisation")
        .order_by("name")
    }
    result = []
    for person in people:
        letters = re.sub(r"[^A-Z]", "", person.name.translate(LOOKALIKES).upper())
        matches = [
            candidates[pk]
            for pk in sorted(named_with.get(person.pk, ()))
            if pk in candidates
            and pk != person.pk
            and not is_initials(candidates[pk].name)
            and letters in initials_of(candidates[pk].name)
        ]
        result.append(InitialsMatch(person, matches))
    return result


# --- Organisations to place beneath another --------------------------------------------------

UNIT_NAME = re.compile(r"^(?P<parent>.+?)\s*(?:\((?P<bracket>[^()]+)\)|\s[-–—]\s(?P<dash>.+))$")


@dataclass(frozen=True)
class Placement:
    organisation: Organisation
    parents: list[Organisation]


def _words_match(wanted: list[str], name: str) -> bool:
    """Each word written matches a word of ``name`` or starts it ("Met" → "Metropolitan")."""
    words = _words(name)
    return bool(wanted) and all(any(w.startswith(x) for w in words) for x in wanted)


def placements(user: User, *, limit: int = PAIRS_SHOWN) -> list[Placement]:
    """Top-level organisations named like a unit of another ("Police (CJPO)", "Met Police –
    CJPO"), each with the organisations it probably sits beneath."""
    organisations = _organisations()
    found = []
    for org in organisations:
        match = UNIT_NAME.match(org.name.strip())
        if org.parent_id is not None or match is None:
            continue
        unit = (match["bracket"] or match["dash"] or "").strip()
        head = match["parent"].strip()
        if unit.upper() in acronyms(Organisation(name=head))[1] or not unit:
            continue  # "Youth Justice Board (YJB)": an acronym, not a unit
        wanted = [w for w in _words(head) if w not in STOPWORDS]
        parents = [
            other
            for other in organisations
            if other.pk != org.pk
            and not UNIT_NAME.match(other.name.strip())
            and (
                _plain(other.name) == _plain(head)
                or other.short_name.lower() == head.lower()
                or _words_match(wanted, other.name)
            )
        ]
        if parents:
            found.append(Placement(org, parents[:5]))
    return found[:limit]
