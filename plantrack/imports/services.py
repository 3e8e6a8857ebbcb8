"""Every write the importer makes: import jobs, and saving parsed plans through the services.

A plan is saved whole or not at all: everything happens in one transaction, and any failure
(a validation error, a permission refused) rolls all of it back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction

from plantrack.accounts.models import User
from plantrack.core.services import require
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import organisation_ids_for
from plantrack.directory.services import organisation_create, person_create
from plantrack.imports.cells import split_agencies, split_owners
from plantrack.imports.models import ImportJob
from plantrack.imports.parsed import ParsedAction, ParsedImport, ParsedPlan
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.tables import ImportFailed
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, Plan, Section
from plantrack.plans.selectors import plan_access


def _may_import_into(actor: User, organisation: Organisation, into_plan: Plan | None) -> bool:
    if into_plan is not None:
        return plan_access(actor, into_plan).can_manage
    return actor.is_superuser or organisation.pk in organisation_ids_for(actor)


def _parse(job: ImportJob) -> ParsedImport:
    try:
        return parse_bytes(
            job.file_name,
            bytes(job.data),
            is_text=job.is_text,
            column_overrides=job.column_overrides,
            plan_title=job.plan_title,
        )
    except ImportFailed as exc:
        raise ValidationError(str(exc)) from exc


@transaction.atomic
def import_job_create(
    *,
    actor: User,
    file_name: str,
    data: bytes,
    owner_organisation: Organisation,
    is_text: bool = False,
    plan_title: str = "",
    into_plan: Plan | None = None,
) -> tuple[ImportJob, ParsedImport]:
    """Keep an upload for preview. Refuses (ValidationError, one line) what cannot be read."""
    require(
        _may_import_into(actor, owner_organisation, into_plan),
        "You can only import plans for an organisation you belong to.",
    )
    job = ImportJob(
        user=actor,
        file_name=file_name[:255] or "pasted table.txt",
        data=data,
        is_text=is_text,
        owner_organisation=owner_organisation,
        plan_title=plan_title.strip(),
        into_plan=into_plan,
    )
    parsed = _parse(job)
    if into_plan is not None and len(parsed.plans) != 1:
        raise ValidationError("A new version of a plan must hold exactly one plan.")
    job.save()
    return job, parsed


def import_job_preview(job: ImportJob) -> ParsedImport:
    return _parse(job)


@transaction.atomic
def import_job_set_columns(*, actor: User, job: ImportJob, overrides: dict[str, str]) -> ImportJob:
    require(job.user_id == actor.pk, "That import is not yours.")
    job.column_overrides = overrides
    _parse(job)  # refuse a mapping that leaves nothing to import
    job.save(update_fields=["column_overrides"])
    return job


def import_job_confirm(*, actor: User, job: ImportJob) -> list[Plan]:
    require(job.user_id == actor.pk, "That import is not yours.")
    if job.status == ImportJob.Status.SAVED:
        raise ValidationError("This import has already been saved.")
    parsed = _parse(job)
    with transaction.atomic():
        plans = import_parsed(
            actor=actor,
            parsed=parsed,
            owner_organisation=job.owner_organisation,
            into_plan=job.into_plan,
            source_document=job.file_name,
        )
        job.status = ImportJob.Status.SAVED
        job.save(update_fields=["status"])
        job.created_plans.set(plans)
    return plans


# --- Saving ---------------------------------------------------------------------------------


@dataclass
class _Directory:
    """People and organisations met so far in one import, so each is matched once."""

    actor: User
    home: Organisation
    people: dict[tuple, Person] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)

    def organisation(self, name: str) -> Organisation:
        key = name.casefold()
        if key not in self.organisations:
            found = Organisation.objects.filter(name__iexact=name).first() or (
                Organisation.objects.filter(short_name__iexact=name).first()
            )
            self.organisations[key] = found or organisation_create(
                actor=self.actor, name=name[:200], kind=Organisation.Kind.OTHER
            )
        return self.organisations[key]

    def person(self, ref) -> Person:
        key = (ref.staff_number or "", (ref.name or "").casefold(), (ref.post or "").casefold())
        if key not in self.people:
            self.people[key] = self._match(ref) or person_create(
                actor=self.actor,
                name=(ref.name or "")[:200],
                rank=(ref.rank or "")[:50],
                post=(ref.post or "")[:200],
                staff_number=(ref.staff_number or "")[:30],
                organisation=self.home,
            )
        return self.people[key]

    def _match(self, ref) -> Person | None:
        if ref.staff_number:
            # A staff number is the strongest match; the surname guards against typos that
            # give two officers one number (seen in real plans).
            same = Person.objects.filter(staff_number=ref.staff_number)
            surname = (ref.name or "").split()[-1:] or [""]
            return same.filter(name__iendswith=surname[0]).first() if ref.name else same.first()
        if ref.name:
            return Person.objects.filter(name__iexact=ref.name, rank__iexact=ref.rank or "").first()
        if ref.post:
            return Person.objects.filter(name="", post__iexact=ref.post).first()
        return None


def _owners(directory: _Directory, action: ParsedAction) -> list[Person]:
    return [directory.person(ref) for ref in split_owners(action.owner or "")]


def _agencies(directory: _Directory, action: ParsedAction) -> tuple[list, list]:
    names = split_agencies(action.lead or "")
    found = [directory.organisation(name) for name in names]
    return found[:1], found[1:]


def _action_fields(directory: _Directory, parsed: ParsedAction) -> dict:
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
    if parsed.rag:
        fields["rag"] = parsed.rag
    if parsed.status:
        fields["status"] = parsed.status
    elif parsed.rag or parsed.updates:
        fields["status"] = Action.Status.IN_PROGRESS
    return fields


def _oldest_first(updates):
    """Undated first, then by date, so the newest dated update sets the action's RAG."""
    return sorted(updates, key=lambda u: (u.date is not None, u.date or 0))


def _post_updates(actor: User, action: Action, parsed: ParsedAction, source: str) -> int:
    existing = set(action.updates.values_list("date", "narrative"))
    posted = 0
    for update in _oldest_first(parsed.updates):
        if (update.date, update.text.strip()) in existing or not update.text.strip():
            continue
        plan_services.update_post(
            actor=actor,
            action=action,
            narrative=update.text,
            date=update.date,
            rag=parsed.rag or "",
            author_name=f"Imported from {source}"[:200],
            imported=True,
        )
        posted += 1
    return posted


def import_parsed(
    *,
    actor: User,
    parsed: ParsedImport,
    owner_organisation: Organisation,
    into_plan: Plan | None = None,
    source_document: str = "",
    visibility: str = Plan.Visibility.ORGANISATION,
) -> list[Plan]:
    """Save parsed plans through the plan services, all or nothing."""
    require(
        _may_import_into(actor, owner_organisation, into_plan),
        "You can only import plans for an organisation you belong to.",
    )
    directory = _Directory(actor=actor, home=owner_organisation)
    source = source_document or parsed.file
    with transaction.atomic():
        if into_plan is not None:
            _merge(actor, directory, parsed.plans[0], into_plan, source)
            return [into_plan]
        return [
            _create(actor, directory, plan, owner_organisation, source, visibility)
            for plan in parsed.plans
            if plan.action_count
        ]


def _create(actor, directory, parsed: ParsedPlan, organisation, source, visibility) -> Plan:
    plan = plan_services.plan_create(
        actor=actor,
        title=(parsed.title or _title_from(source))[:300],
        owner_organisation=organisation,
        source_document=source[:300],
        visibility=visibility,
    )
    items = []
    for parsed_section in parsed.sections:
        section = plan_services.section_create(
            actor=actor, plan=plan, title=parsed_section.title[:300] or "Actions"
        )
        for parsed_action in parsed_section.actions:
            fields = _action_fields(directory, parsed_action)
            items.append(
                plan_services.ActionImport(
                    title=fields.pop("title"),
                    section=section,
                    owners=fields.pop("owners"),
                    lead_organisations=fields.pop("lead_organisations"),
                    supporting_organisations=fields.pop("supporting_organisations"),
                    milestones=parsed_action.milestones,
                    fields=fields,
                    updates=[
                        (u.date, u.text)
                        for u in _oldest_first(parsed_action.updates)
                        if u.text.strip()
                    ],
                    update_rag=parsed_action.rag or "",
                )
            )
    plan_services.actions_import(
        actor=actor, plan=plan, actions=items, author_name=f"Imported from {source}"[:200]
    )
    return plan


def _title_from(file_name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name)
    return re.sub(r"[_-]+", " ", stem).strip() or "Imported plan"


def _key(ref: str | None, title: str) -> str:
    if ref and ref.strip():
        return "ref:" + re.sub(r"\s+", "", ref).casefold()
    return "title:" + re.sub(r"\W+", " ", title).strip().casefold()


def _merge(actor, directory, parsed: ParsedPlan, plan: Plan, source: str) -> None:
    """A newer version of a plan: actions matched by reference (or title when there is none)
    are updated, new ones added, new updates appended. Nothing is deleted."""
    sections = {s.title.casefold(): s for s in Section.objects.filter(plan=plan)}
    actions = {_key(a.ref, a.title): a for a in Action.objects.filter(plan=plan)}
    for parsed_section in parsed.sections:
        section = sections.get(parsed_section.title.casefold())
        if section is None:
            section = plan_services.section_create(
                actor=actor, plan=plan, title=parsed_section.title[:300] or "Actions"
            )
            sections[section.title.casefold()] = section
        for parsed_action in parsed_section.actions:
            fields = _action_fields(directory, parsed_action)
            action = actions.get(_key(parsed_action.ref, parsed_action.title))
            if action is None:
                action = plan_services.action_create(
                    actor=actor,
                    plan=plan,
                    section=section,
                    milestones=parsed_action.milestones,
                    **fields,
                )
            elif _changed(action, fields):
                plan_services.action_update(actor=actor, action=action, section=section, **fields)
            _post_updates(actor, action, parsed_action, source)


PLAIN_FIELDS = (
    "ref",
    "title",
    "strategy_refs",
    "owner_text",
    "start_text",
    "review_text",
    "due_text",
    "rag",
    "status",
)


def _changed(action: Action, fields: dict) -> bool:
    return any(name in fields and getattr(action, name) != fields[name] for name in PLAIN_FIELDS)


def reimport_changes(parsed: ParsedPlan, plan: Plan) -> list[str]:
    """What confirming a new version would change, one line each, for the preview."""
    actions = {_key(a.ref, a.title): a for a in Action.objects.filter(plan=plan)}
    lines = []
    for section in parsed.sections:
        for parsed_action in section.actions:
            label = parsed_action.ref or parsed_action.title[:50]
            action = actions.get(_key(parsed_action.ref, parsed_action.title))
            if action is None:
                lines.append(f"New action {label} in {section.title}")
                continue
            for name, new in (
                ("title", parsed_action.title),
                ("owner_text", parsed_action.owner),
                ("due_text", parsed_action.due_text),
                ("rag", parsed_action.rag),
            ):
                if new and getattr(action, name) != new:
                    old = getattr(action, name) or "nothing"
                    lines.append(f"{label}: {name.replace('_text', '')} {old!r} → {new!r}")
            known = set(action.updates.values_list("date", "narrative"))
            fresh = [u for u in parsed_action.updates if (u.date, u.text.strip()) not in known]
            if fresh:
                lines.append(f"{label}: {len(fresh)} new update{'s' if len(fresh) > 1 else ''}")
    return lines
