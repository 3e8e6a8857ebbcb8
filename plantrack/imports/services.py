"""Every write the importer makes: import jobs, and saving parsed plans through the services.

A plan is saved whole or not at all: everything happens in one transaction, and any failure
(a validation error, a permission refused) rolls all of it back.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.cache import progress_clear, progress_of, progress_reporter
from plantrack.core.services import require
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import organisation_ids_for
from plantrack.directory.services import organisation_create, person_create
from plantrack.imports.cells import split_agencies, split_owners
from plantrack.imports.models import ImportJob
from plantrack.imports.parsed import ParsedAction, ParsedImport, ParsedPlan, from_store, to_store
from plantrack.imports.pipeline import limits, parse_bytes
from plantrack.imports.tables import ImportFailed
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, Plan, Section
from plantrack.plans.selectors import plan_access

logger = logging.getLogger(__name__)


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


# --- Import jobs ------------------------------------------------------------------------------
# A job is read and saved by background tasks (plantrack/imports/tasks.py) so that a big file
# does not hold a request: reading -> preview -> saving -> saved, or failed while reading.
# With the immediate task backend (tests, and by default) each task runs as it is enqueued.


def import_job_create(
    *,
    actor: User,
    file_name: str,
    data: bytes,
    owner_organisation: Organisation,
    is_text: bool = False,
    plan_title: str = "",
    into_plan: Plan | None = None,
) -> ImportJob:
    """Keep an upload and start reading it in the background."""
    from plantrack.imports.tasks import read_import_job

    require(
        _may_import_into(actor, owner_organisation, into_plan),
        "You can only import plans for an organisation you belong to.",
    )
    if len(data) > limits().max_upload_bytes:
        raise ValidationError(
            f"{file_name} is too big to import: the limit is {limits().max_upload_bytes:,} bytes."
        )
    job = ImportJob.objects.create(
        user=actor,
        file_name=file_name[:255] or "pasted table.txt",
        data=data,
        is_text=is_text,
        owner_organisation=owner_organisation,
        plan_title=plan_title.strip(),
        into_plan=into_plan,
        status=ImportJob.Status.READING,
    )
    read_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_read(job_pk: int) -> None:
    """The reading task: parse the file once and keep the structure for the preview.

    A first read that fails marks the job failed. A read after a column correction that fails
    keeps the previous preview and its columns, with the error to show."""
    job = ImportJob.objects.filter(pk=job_pk, status=ImportJob.Status.READING).first()
    if job is None:
        return
    try:
        parsed = _parse(job)
        if job.into_plan_id is not None and len(parsed.plans) != 1:
            raise ValidationError("A new version of a plan must hold exactly one plan.")
        error = ""
    except ValidationError as exc:
        error = exc.messages[0]
    except Exception:  # a reader bug must not leave the job "reading" for ever
        logger.exception("Reading import job %s failed", job.pk)
        error = f"{job.file_name} could not be read because of an error in PlanTrack."
    if not error:
        job.parsed = to_store(parsed)
        job.parsed["column_overrides"] = job.column_overrides
        job.status, job.error = ImportJob.Status.PREVIEW, ""
    elif job.parsed:
        job.column_overrides = job.parsed.get("column_overrides", {})
        job.status, job.error = ImportJob.Status.PREVIEW, error
    else:
        job.status, job.error = ImportJob.Status.FAILED, error
    job.save(update_fields=["parsed", "column_overrides", "status", "error", "updated_at"])


def import_job_parsed(job: ImportJob) -> ParsedImport:
    """The structure found when the job was last read."""
    return from_store(job.parsed)


def import_job_set_columns(*, actor: User, job: ImportJob, overrides: dict[str, str]) -> ImportJob:
    """Read the file again with the columns the user corrected."""
    from plantrack.imports.tasks import read_import_job

    require(job.user_id == actor.pk, "That import is not yours.")
    _require_status(job, ImportJob.Status.PREVIEW)
    job.column_overrides = overrides
    job.status, job.error = ImportJob.Status.READING, ""
    job.save(update_fields=["column_overrides", "status", "error", "updated_at"])
    read_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_confirm(*, actor: User, job: ImportJob) -> ImportJob:
    """Start saving the previewed plans in the background."""
    from plantrack.imports.tasks import save_import_job

    require(job.user_id == actor.pk, "That import is not yours.")
    # One conditional update, so that a double click cannot save a plan twice.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.SAVING, error=""
    )
    if not claimed:
        job.refresh_from_db()
        _require_status(job, ImportJob.Status.PREVIEW)
    progress_clear(PROGRESS_KEY.format(job.pk))
    save_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_save(job_pk: int) -> None:
    """The saving task: all the plans in one transaction, or nothing and the error to show."""
    job = ImportJob.objects.filter(pk=job_pk, status=ImportJob.Status.SAVING).first()
    if job is None:
        return
    try:
        with transaction.atomic():
            plans = import_parsed(
                actor=job.user,
                parsed=import_job_parsed(job),
                owner_organisation=job.owner_organisation,
                into_plan=job.into_plan,
                source_document=job.file_name,
                progress=_progress_reporter(job.pk),
            )
            job.status = ImportJob.Status.SAVED
            job.save(update_fields=["status", "updated_at"])
            job.created_plans.set(plans)
        return
    except (ValidationError, PermissionDenied) as exc:
        error = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
    except Exception:
        logger.exception("Saving import job %s failed", job.pk)
        error = "The plan could not be saved because of an error in PlanTrack."
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.PREVIEW, error=f"Nothing was saved: {error}"
    )


PROGRESS_KEY = "imports:progress:{}"


def _progress_reporter(job_pk: int) -> Callable[[int, int], None]:
    """Saving runs in one transaction, which other connections cannot see into, so its
    progress goes through the progress cache, which the web processes can read."""
    return progress_reporter(PROGRESS_KEY.format(job_pk))


def import_job_progress(job: ImportJob) -> int | None:
    """How far through saving the job is, in percent; None while it is being read or when the
    task runs where this process cannot see its progress."""
    if job.status == ImportJob.Status.SAVING:
        return progress_of(PROGRESS_KEY.format(job.pk))
    return 100 if job.status == ImportJob.Status.SAVED else None


def import_jobs_prune(*, keep_days: int = 30, stuck_minutes: int = 60, now=None) -> dict:
    """Housekeeping, run by `manage.py prune_imports` (daily, like the reminders): jobs older
    than ``keep_days`` are deleted with their files (the plans they made stay); a job still
    reading or saving after ``stuck_minutes`` lost its worker, and is marked failed or sent
    back to its preview. Saving is one transaction, so a lost save left nothing behind."""
    now = now or timezone.now()
    old = ImportJob.objects.filter(updated_at__lt=now - dt.timedelta(days=keep_days))
    deleted = old.delete()[1].get(ImportJob._meta.label, 0)
    stuck = ImportJob.objects.filter(updated_at__lt=now - dt.timedelta(minutes=stuck_minutes))
    lost = "The worker stopped before it finished; nothing was saved. Try again."
    failed = stuck.filter(status=ImportJob.Status.READING, parsed__isnull=True).update(
        status=ImportJob.Status.FAILED, error=lost, updated_at=now
    )
    back = stuck.filter(status__in=ImportJob.BUSY).update(
        status=ImportJob.Status.PREVIEW, error=lost, updated_at=now
    )
    return {"deleted": deleted, "failed": failed, "back_to_preview": back}


def _require_status(job: ImportJob, wanted: str) -> None:
    if job.status == wanted:
        return
    raise ValidationError(
        {
            ImportJob.Status.SAVED: "This import has already been saved.",
            ImportJob.Status.SAVING: "This import is being saved.",
            ImportJob.Status.READING: "This import is still being read.",
        }.get(job.status, "This import cannot be saved.")
    )


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
    progress: Callable[[int, int], None] | None = None,
) -> list[Plan]:
    """Save parsed plans through the plan services, all or nothing.

    ``progress(done, total)`` is called as actions are prepared and once more when all is
    written."""
    require(
        _may_import_into(actor, owner_organisation, into_plan),
        "You can only import plans for an organisation you belong to.",
    )
    directory = _Directory(actor=actor, home=owner_organisation)
    source = source_document or parsed.file
    counter = _Counter(progress, sum(plan.action_count for plan in parsed.plans))
    with transaction.atomic():
        if into_plan is not None:
            _merge(actor, directory, parsed.plans[0], into_plan, source, counter)
            plans = [into_plan]
        else:
            plans = [
                _create(actor, directory, plan, owner_organisation, source, visibility, counter)
                for plan in parsed.plans
                if plan.action_count
            ]
        if parsed.budgets and plans:
            _save_budgets(actor, parsed.budgets, plans)
    counter.finish()
    return plans


def _save_budgets(actor: User, budgets: list, plans: list[Plan]) -> None:
    """Each budget table goes to the plan with the initiative (section) its title names, or
    else the last plan, under that initiative. A plan that already has a budget (a newer
    version of it being imported) keeps it: budgets are not merged line by line."""
    from plantrack.budgets.importing import match_section
    from plantrack.budgets.models import BudgetLine
    from plantrack.budgets.services import budgets_import

    sections = {plan.pk: list(Section.objects.filter(plan=plan)) for plan in plans}
    per_plan: dict[int, list] = {}
    for budget in budgets:
        plan = next((p for p in plans if match_section(budget.title, sections[p.pk])), plans[-1])
        per_plan.setdefault(plan.pk, []).append(budget)
    for plan in plans:
        if plan.pk in per_plan and not BudgetLine.objects.filter(plan=plan).exists():
            budgets_import(
                actor=actor,
                plan=plan,
                parsed=per_plan[plan.pk],
                section_for=lambda title, found=sections[plan.pk]: match_section(title, found),
            )


@dataclass
class _Counter:
    """Counts prepared actions for a progress callback. Preparing (matching people and
    organisations) is most of the work; the bulk writes after it are the last fifth."""

    report: Callable[[int, int], None] | None
    total: int
    done: int = 0

    def tick(self) -> None:
        self.done += 1
        if self.report is not None and (self.done % 50 == 0 or self.done == self.total):
            self.report(self.done * 4, self.total * 5)

    def finish(self) -> None:
        if self.report is not None:
            self.report(1, 1)


def _create(
    actor, directory, parsed: ParsedPlan, organisation, source, visibility, counter: _Counter
) -> Plan:
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
            actor=actor,
            plan=plan,
            title=parsed_section.title[:300] or "Actions",
            description=parsed_section.description,
        )
        for parsed_action in parsed_section.actions:
            items.append(_action_import(directory, parsed_action, section))
            counter.tick()
    plan_services.actions_import(
        actor=actor, plan=plan, actions=items, author_name=f"Imported from {source}"[:200]
    )
    return plan


def _action_import(directory: _Directory, parsed: ParsedAction, section: Section):
    fields = _action_fields(directory, parsed)
    return plan_services.ActionImport(
        title=fields.pop("title"),
        section=section,
        owners=fields.pop("owners"),
        lead_organisations=fields.pop("lead_organisations"),
        supporting_organisations=fields.pop("supporting_organisations"),
        milestones=parsed.milestones,
        fields=fields,
        updates=[(u.date, u.text) for u in _oldest_first(parsed.updates) if u.text.strip()],
        update_rag=parsed.rag or "",
    )


def _title_from(file_name: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", file_name)
    return re.sub(r"[_-]+", " ", stem).strip() or "Imported plan"


def _norm_ref(ref: str | None) -> str:
    return re.sub(r"\s+", "", ref or "").casefold()


def _norm_title(title: str) -> str:
    return re.sub(r"\W+", " ", title).strip().casefold()


class _Matcher:
    """Finds the plan's action for an action in a new version of the file: the same reference
    and title; else the same reference, if only one action has it; else, for an action with no
    reference, the same title, if only one action has it. Plans keep duplicate numbers as
    written, so a reference alone is not always enough. Each action is matched once."""

    def __init__(self, actions):
        self.both: dict[tuple, list] = {}
        self.by_ref: dict[str, list] = {}
        self.by_title: dict[str, list] = {}
        self.claimed: set[int] = set()
        for action in actions:
            self.add(action, action.ref, action.title)

    def add(self, item, ref: str | None, title: str) -> None:
        key_ref, key_title = _norm_ref(ref), _norm_title(title)
        self.both.setdefault((key_ref, key_title), []).append(item)
        if key_ref:
            self.by_ref.setdefault(key_ref, []).append(item)
        else:
            self.by_title.setdefault(key_title, []).append(item)

    def find(self, ref: str | None, title: str):
        key_ref, key_title = _norm_ref(ref), _norm_title(title)
        exact = self._unclaimed(self.both.get((key_ref, key_title), []))
        index = self.by_ref if key_ref else self.by_title
        loose = self._unclaimed(index.get(key_ref or key_title, []))
        item = exact[0] if exact else (loose[0] if len(loose) == 1 else None)
        if item is not None:
            self.claimed.add(id(item))
        return item

    def _unclaimed(self, items: list) -> list:
        return [item for item in items if id(item) not in self.claimed]


def _merge(
    actor, directory, parsed: ParsedPlan, plan: Plan, source: str, counter: _Counter
) -> None:
    """A newer version of a plan: actions matched by reference (or title when there is none)
    are updated, new ones added (in bulk), new updates appended. Nothing is deleted."""
    sections = {s.title.casefold(): s for s in Section.objects.filter(plan=plan)}
    matcher = _Matcher(Action.objects.filter(plan=plan))
    new: list[plan_services.ActionImport] = []
    for parsed_section in parsed.sections:
        section = sections.get(parsed_section.title.casefold())
        if section is None:
            # Only a new section takes the file's narrative: an existing one keeps the
            # description its managers may have edited.
            section = plan_services.section_create(
                actor=actor,
                plan=plan,
                title=parsed_section.title[:300] or "Actions",
                description=parsed_section.description,
            )
            sections[section.title.casefold()] = section
        for parsed_action in parsed_section.actions:
            counter.tick()
            action = matcher.find(parsed_action.ref, parsed_action.title)
            if action is None:
                new.append(_action_import(directory, parsed_action, section))
                continue
            fields = _action_fields(directory, parsed_action)
            if _changed(action, fields):
                plan_services.action_update(actor=actor, action=action, section=section, **fields)
            _post_updates(actor, action, parsed_action, source)
    if new:
        plan_services.actions_import(
            actor=actor, plan=plan, actions=new, author_name=f"Imported from {source}"[:200]
        )


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


def reimport_changes(parsed: ParsedPlan, plan: Plan, budgets: list | None = None) -> list[str]:
    """What confirming a new version would change, one line each, for the preview."""
    from plantrack.budgets.models import BudgetLine

    matcher = _Matcher(Action.objects.filter(plan=plan))
    lines = []
    for section in parsed.sections:
        for parsed_action in section.actions:
            label = parsed_action.ref or parsed_action.title[:50]
            action = matcher.find(parsed_action.ref, parsed_action.title)
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
    if budgets:
        lines.append(
            f"The budget tables are left out: {plan.title} already has a budget, which is "
            "changed on its budget page."
            if BudgetLine.objects.filter(plan=plan).exists()
            else f"New budget: {len(budgets)} table{'s' * (len(budgets) > 1)}"
        )
    return lines
