"""Every write a person makes to an import job: start one (a plan, a budget, readings),
correct its columns, confirm it, and the daily housekeeping.

A job is read and saved by background tasks (tasks.py, doing what jobs.py says) so that a big
file does not hold a request. With the immediate task backend (tests, and by default) each
task runs as it is enqueued. The saving itself (saving.py, merging.py) goes through the
services of the apps whose structures are built: plans, directory, budgets, measures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.cache import progress_clear
from plantrack.core.services import require
from plantrack.directory.models import Area, Organisation
from plantrack.imports.documents import limits
from plantrack.imports.jobs import PROGRESS_KEY
from plantrack.imports.models import ImportJob
from plantrack.imports.readings import check_readings_name
from plantrack.imports.saving import may_import_into
from plantrack.imports.tasks import read_import_job, save_import_job
from plantrack.measures.models import Measure
from plantrack.measures.services import require_recorder
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plan_access
from plantrack.stakeholders.models import Database
from plantrack.stakeholders.services import require_editor

Kind = ImportJob.Kind


def _start(
    *,
    actor: User,
    kind: str,
    file_name: str,
    data: bytes,
    is_text: bool = False,
    owner_organisation: Organisation | None = None,
    plan_title: str = "",
    into_plan: Plan | None = None,
    measure: Measure | None = None,
    contact_database: Database | None = None,
    choices: dict[str, object] | None = None,
) -> ImportJob:
    """Keep an upload and start reading it in the background."""
    if len(data) > limits().max_upload_bytes:
        raise ValidationError(
            f"{file_name} is too big to import: the limit is {limits().max_upload_bytes:,} bytes."
        )
    job = ImportJob.objects.create(
        user=actor,
        file_name=file_name[:255] or "pasted table.txt",
        data=data,
        kind=kind,
        is_text=is_text,
        owner_organisation=owner_organisation,
        plan_title=plan_title,
        into_plan=into_plan,
        measure=measure,
        contact_database=contact_database,
        choices=choices or {},
        status=ImportJob.Status.READING,
    )
    read_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


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
    """A plan (or a newer version of one) to read."""
    require(
        may_import_into(actor, owner_organisation, into_plan),
        "You can only import plans for an organisation you belong to.",
    )
    return _start(
        actor=actor,
        file_name=file_name,
        data=data,
        kind=Kind.PLAN,
        is_text=is_text,
        owner_organisation=owner_organisation,
        plan_title=plan_title.strip(),
        into_plan=into_plan,
    )


def budget_import_job_create(
    *, actor: User, plan: Plan, file_name: str, data: bytes, is_text: bool = False
) -> ImportJob:
    """A plan's budget tables to read."""
    require(plan_access(actor, plan).can_manage, "Only a plan's managers can import its budget.")
    return _start(
        actor=actor,
        file_name=file_name,
        data=data,
        kind=Kind.BUDGET,
        is_text=is_text,
        into_plan=plan,
    )


def readings_job_create(*, actor: User, measure: Measure, file_name: str, data: bytes) -> ImportJob:
    """A measure's readings (rows of date, value and note) to read."""
    require_recorder(actor, measure)
    check_readings_name(file_name)
    return _start(actor=actor, file_name=file_name, data=data, kind=Kind.READINGS, measure=measure)


def contact_list_job_create(
    *,
    actor: User,
    database: Database,
    file_name: str,
    data: bytes,
    source: str,
    from_third_party: bool,
    kind: str,
    areas: Sequence[Area] = (),
    is_text: bool = False,
) -> ImportJob:
    """A borough's contact list to read into a stakeholder database."""
    require_editor(actor, database)
    return _start(
        actor=actor,
        file_name=file_name,
        data=data,
        kind=Kind.CONTACTS,
        is_text=is_text,
        contact_database=database,
        choices={
            "source": source.strip() or file_name,
            "from_third_party": from_third_party,
            "kind": kind,
            "areas": [a.pk for a in areas],
        },
    )


def import_job_set_columns(*, actor: User, job: ImportJob, overrides: dict[str, str]) -> ImportJob:
    """Read the file again with the columns the user corrected."""
    require(job.user_id == actor.pk, "That import is not yours.")
    _require_status(job, ImportJob.Status.PREVIEW)
    job.column_overrides = overrides
    job.status, job.error = ImportJob.Status.READING, ""
    job.save(update_fields=["column_overrides", "status", "error", "updated_at"])
    read_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_retry(
    *, actor: User, job: ImportJob, lines: bool = False, action_column: str = ""
) -> ImportJob:
    """Read a plan in which no actions were found again, with a fallback the person chose:
    one action per line, or the column that holds the actions."""
    require(job.user_id == actor.pk, "That import is not yours.")
    _require_status(job, ImportJob.Status.FAILED)
    if job.kind != ImportJob.Kind.PLAN:
        raise ValidationError("Only a plan can be read again this way.")
    if lines == bool(action_column):
        raise ValidationError("Choose one: one action per line, or the column of actions.")
    if action_column and action_column not in job.headers:
        raise ValidationError(f"{action_column!r} is not a column of {job.file_name}.")
    job.fallback = "lines" if lines else ""
    job.column_overrides = {action_column: "title"} if action_column else {}
    job.status, job.error = ImportJob.Status.READING, ""
    job.save(update_fields=["fallback", "column_overrides", "status", "error", "updated_at"])
    read_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_job_confirm(
    *,
    actor: User,
    job: ImportJob,
    budget_sections: Sequence[int | None] | None = None,
    contact_decisions: dict[str, str] | None = None,
) -> ImportJob:
    """Start saving what the preview showed, in the background. A budget needs the section
    chosen for each of its tables (an id, or None for none), in table order; a contact list
    what to do with each row (list_import: new, skip, merge:<id>, row:<index>)."""
    require(job.user_id == actor.pk, "That import is not yours.")
    choices: dict[str, object] = {}
    if job.kind == Kind.BUDGET:
        if budget_sections is None:
            raise ValidationError("Choose the initiative of each table, then save.")
        choices = {"sections": list(budget_sections)}
    if job.kind == Kind.CONTACTS:
        choices = {**job.choices, "decisions": dict(contact_decisions or {})}
    # One conditional update, so that a double click cannot save anything twice.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.SAVING, error="", choices=choices, updated_at=timezone.now()
    )
    if not claimed:
        job.refresh_from_db()
        _require_status(job, ImportJob.Status.PREVIEW)
    progress_clear(PROGRESS_KEY.format(job.pk))
    save_import_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def import_jobs_prune(
    *, keep_days: int = 30, stuck_minutes: int = 60, now: dt.datetime | None = None
) -> dict[str, int]:
    """Housekeeping, run by `manage.py prune_imports` (daily, like the reminders): jobs older
    than ``keep_days`` are deleted with their files (what they made stays); a job still
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
    messages: dict[str, str] = {
        ImportJob.Status.SAVED: "This import has already been saved.",
        ImportJob.Status.SAVING: "This import is being saved.",
        ImportJob.Status.READING: "This import is still being read.",
    }
    raise ValidationError(messages.get(job.status, "This import cannot be saved."))
