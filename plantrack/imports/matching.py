"""People and organisations met in an import, matched to the directory before any is created,
and a parsed action turned into what the plan services take."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, Q

from plantrack.accounts.models import User
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import with_units
from plantrack.directory.services import organisation_create, person_create
from plantrack.imports.cells import OwnerRef, split_agencies, split_owners
from plantrack.imports.parsed import ParsedAction, ParsedUpdate
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, Section


@dataclass
class DirectoryMatcher:
    """People and organisations met so far in one import, so each is matched once: an
    organisation by name or short name, a person by staff number (and surname), by name and
    rank, or by post."""

    actor: User
    home: Organisation
    people: dict[tuple, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)

    def organisation(self, name: str) -> Organisation:
        key = name.casefold()
        if key not in self.organisations:
            # Merged entries too (directory clean-up), followed to the one they went into: a
            # re-import after "YJB" was merged into "Youth Justice Board" must not bring it back.
            every = Organisation.all_objects.order_by(F("merged_into").asc(nulls_first=True), "pk")
            found = every.filter(name__iexact=name).first() or (
                every.filter(short_name__iexact=name).first()
            )
            found = _kept(found)
            self.organisations[key] = found or organisation_create(
                actor=self.actor, name=name[:200], kind=Organisation.Kind.OTHER
            )
        return self.organisations[key]

    def person(self, ref: OwnerRef) -> Person:
        key = (ref.staff_number or "", (ref.name or "").casefold(), (ref.post or "").casefold())
        if key not in self.people:
            self.people[key] = _kept(self._match(ref)) or person_create(
                actor=self.actor,
                name=(ref.name or "")[:200],
                rank=(ref.rank or "")[:50],
                post=(ref.post or "")[:200],
                staff_number=(ref.staff_number or "")[:30],
                organisation=self.home,
            )
        return self.people[key]

    def _match(self, ref: OwnerRef) -> Person | None:
        # Only people of the importing organisation (and its units) or of none: an entry that
        # another organisation's member wrote must not become this plan's owner by its name.
        home = with_units([self.home.pk])
        people = Person.all_objects.filter(
            Q(organisation_id__in=home) | Q(organisation__isnull=True)
        )
        people = people.order_by(
            F("merged_into").asc(nulls_first=True), F("organisation_id").asc(nulls_last=True), "pk"
        )
        if ref.staff_number:
            # A staff number is the strongest match; the surname guards against typos that
            # give two officers one number (seen in real plans).
            same = people.filter(staff_number=ref.staff_number)
            surname = (ref.name or "").split()[-1:] or [""]
            return same.filter(name__iendswith=surname[0]).first() if ref.name else same.first()
        if ref.name:
            return people.filter(name__iexact=ref.name, rank__iexact=ref.rank or "").first()
        if ref.post:
            return people.filter(name="", post__iexact=ref.post).first()
        return None


def _kept[E: (Person, Organisation)](entry: E | None) -> E | None:
    """The entry a merged one went into (followed through later merges), else itself."""
    for _ in range(20):  # a chain of merges, never a loop (merging refuses one)
        if entry is None or entry.merged_into_id is None:
            return entry
        entry = entry.merged_into
    return entry


def _owners(directory: DirectoryMatcher, action: ParsedAction) -> list[Person]:
    return [directory.person(ref) for ref in split_owners(action.owner or "")]


def _agencies(directory: DirectoryMatcher, action: ParsedAction) -> tuple[list, list]:
    names = split_agencies(action.lead or "")
    found = [directory.organisation(name) for name in names]
    return found[:1], found[1:]


def action_fields(directory: DirectoryMatcher, parsed: ParsedAction) -> dict:
    lead, supporting = _agencies(directory, parsed)
    fields = {
        "ref": (parsed.ref or "")[:50],
        "title": parsed.title,
        "strategy_refs": (parsed.strategy_refs or "")[:200],
        "owner_text": (parsed.owner or "")[:300],
        "start_text": (parsed.start_text or "")[:200],
        "review_text": (parsed.review_text or "")[:200],
        "due_text": (parsed.due_text or "")[:200],
        "owners": _owners(directory, parsed),
        "lead_organisations": lead,
        "supporting_organisations": supporting,
    }
    if parsed.description:  # only when the file gives one: a re-import keeps edits
        fields["description"] = parsed.description
    if parsed.rag:
        fields["rag"] = parsed.rag
    if parsed.status:
        fields["status"] = parsed.status
    elif parsed.rag or parsed.updates:
        fields["status"] = Action.Status.IN_PROGRESS
    return fields


def oldest_first(updates: list[ParsedUpdate]) -> list[ParsedUpdate]:
    """Undated first, then by date, so the newest dated update sets the action's RAG."""
    return sorted(updates, key=lambda u: (u.date is not None, u.date or 0))


def action_import(
    directory: DirectoryMatcher, parsed: ParsedAction, section: Section
) -> plan_services.ActionImport:
    fields = action_fields(directory, parsed)
    return plan_services.ActionImport(
        title=fields.pop("title"),
        section=section,
        owners=fields.pop("owners"),
        lead_organisations=fields.pop("lead_organisations"),
        supporting_organisations=fields.pop("supporting_organisations"),
        milestones=parsed.milestones,
        fields=fields,
        updates=[(u.date, u.text) for u in oldest_first(parsed.updates) if u.text.strip()],
        update_rag=parsed.rag or "",
        year=parsed.date_year,
    )
