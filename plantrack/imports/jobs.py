"""What the background tasks do with an import job (plantrack/imports/tasks.py): read it once
and keep the parse, then save it in one transaction through the owning app's services.

reading -> preview -> saving -> saved; failed when a first read fails. Each kind of import
(plan, budget, readings) has a reader and a saver here; the rest of the job is shared.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from plantrack.core.cache import progress_of, progress_reporter
from plantrack.core.outages import lost_the_database
from plantrack.directory.models import Area
from plantrack.imports.contact_lists import read_contact_list
from plantrack.imports.models import ImportJob
from plantrack.imports.parsed import ParsedImport, from_store, to_store
from plantrack.imports.pipeline import NO_ACTIONS, NoActionsFound, parse_budget_bytes, parse_bytes
from plantrack.imports.readings import read_readings_bytes
from plantrack.imports.saving import budget_tables_save, import_parsed
from plantrack.imports.tables import ImportFailed
from plantrack.measures.services import readings_check, readings_import
from plantrack.stakeholders.list_import import ImportedContact, contacts_import

logger = logging.getLogger(__name__)
Kind = ImportJob.Kind

PROGRESS_KEY = "imports:progress:{}"


def _needed[T](value: T | None, what: str) -> T:
    """What the job's kind says it holds (services.py sets it); a job without it is broken."""
    if value is None:
        raise ValidationError(f"This import has lost its {what}.")
    return value


# --- Reading ----------------------------------------------------------------------------------


def _read_plan(job: ImportJob) -> ParsedImport:
    parsed = parse_bytes(
        job.file_name,
        bytes(job.data),
        is_text=job.is_text,
        column_overrides=job.column_overrides,
        plan_title=job.plan_title,
        lines_as_actions=job.fallback == "lines",
    )
    if job.into_plan_id is not None and len(parsed.plans) != 1:
        raise ValidationError("A new version of a plan must hold exactly one plan.")
    return parsed


def _read_budget(job: ImportJob) -> ParsedImport:
    return parse_budget_bytes(job.file_name, bytes(job.data), is_text=job.is_text)


def _read_readings(job: ImportJob) -> ParsedImport:
    rows = read_readings_bytes(job.file_name, bytes(job.data))
    # Checked now, as saving will check them, so that a bad row is named before the preview.
    readings_check(measure=_needed(job.measure, "measure"), rows=rows)
    return ParsedImport(file=job.file_name, readings=rows)


def _read_contacts(job: ImportJob) -> ParsedImport:
    rows = read_contact_list(job.file_name, bytes(job.data), is_text=job.is_text)
    return ParsedImport(file=job.file_name, contacts=rows)


READERS: dict[str, Callable[[ImportJob], ParsedImport]] = {
    Kind.PLAN: _read_plan,
    Kind.BUDGET: _read_budget,
    Kind.READINGS: _read_readings,
    Kind.CONTACTS: _read_contacts,
}


def import_job_read(job_pk: int) -> None:
    """The reading task: parse the file once and keep the structure for the preview.

    A first read that fails marks the job failed. A read after a column correction that fails
    keeps the previous preview and its columns, with the error to show."""
    job = ImportJob.objects.filter(pk=job_pk, status=ImportJob.Status.READING).first()
    if job is None:
        return
    try:
        parsed = READERS[job.kind](job)
        error = ""
    except NoActionsFound as exc:
        error = str(exc)
        job.headers = exc.headers
    except ImportFailed as exc:
        error = str(exc)
    except ValidationError as exc:
        error = "\n".join(exc.messages)
    except Exception as exc:  # a reader bug must not leave the job "reading" for ever
        if lost_the_database(exc):
            raise  # not the job's fault: the task waits for the database and runs again
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
    fields = ["parsed", "column_overrides", "headers", "status", "error", "updated_at"]
    job.save(update_fields=fields)


def offers_fallbacks(job: ImportJob) -> bool:
    """A plan read without finding actions, not yet read another way: its page offers to
    take one action per line or to name the column of actions."""
    return (
        job.kind == ImportJob.Kind.PLAN
        and job.status == ImportJob.Status.FAILED
        and not job.fallback
        and job.error.startswith(NO_ACTIONS)
    )


def import_job_parsed(job: ImportJob) -> ParsedImport:
    """The structure found when the job was last read."""
    return from_store(_needed(job.parsed, "parse"))


# --- Saving -----------------------------------------------------------------------------------


def _save_plan(job: ImportJob, parsed: ParsedImport) -> None:
    saved = import_parsed(
        actor=job.user,
        parsed=parsed,
        owner_organisation=_needed(job.owner_organisation, "organisation"),
        into_plan=job.into_plan,
        source_document=job.file_name,
        progress=progress_reporter_for(job.pk),
    )
    job.created_plans.set(saved)
    # The registers and frameworks it made, for the page saying what was saved (kept with its
    # choices).
    job.choices = {
        **job.choices,
        "registers": [r.pk for r in saved.registers],
        "frameworks": [f.pk for f in saved.frameworks],
    }


def _save_budget(job: ImportJob, parsed: ParsedImport) -> None:
    budget_tables_save(
        actor=job.user,
        plan=_needed(job.into_plan, "plan"),
        budgets=parsed.budgets,
        section_ids=job.choices.get("sections", []),
    )


def _save_readings(job: ImportJob, parsed: ParsedImport) -> None:
    readings_import(actor=job.user, measure=_needed(job.measure, "measure"), rows=parsed.readings)


def _save_contacts(job: ImportJob, parsed: ParsedImport) -> None:
    """Save the list with the decisions made in the preview; then forget the file and the rows
    (data minimisation: the contacts now live in the database, where they can be erased), and
    keep only the counts for the page saying what was saved."""
    choices = job.choices
    decisions = choices.get("decisions", {})
    rows = [
        ImportedContact(
            name=row.name,
            email=row.email,
            phone=row.phone,
            organisation=row.organisation,
            role=row.role,
            address=row.address,
            notes=row.notes,
            decision=decisions.get(str(index), "new"),
        )
        for index, row in enumerate(parsed.contacts)
    ]
    database = _needed(job.contact_database, "database")
    result = contacts_import(
        actor=job.user,
        database=database,
        rows=rows,
        source=choices.get("source", ""),
        from_third_party=bool(choices.get("from_third_party")),
        kind=choices.get("kind", "other"),
        areas=Area.objects.filter(pk__in=choices.get("areas", [])),
    )
    job.choices = {key: value for key, value in choices.items() if key != "decisions"} | {
        "result": {
            "added": result.added,
            "merged": result.merged,
            "skipped": result.skipped,
            "stakeholders_added": result.stakeholders_added,
        }
    }
    job.data = b""
    job.parsed = {"file": job.file_name, "warnings": [], "columns": [], "plans": []}


SAVERS: dict[str, Callable[[ImportJob, ParsedImport], None]] = {
    Kind.PLAN: _save_plan,
    Kind.BUDGET: _save_budget,
    Kind.READINGS: _save_readings,
    Kind.CONTACTS: _save_contacts,
}
WHAT: dict[str, str] = {
    Kind.PLAN: "The plan",
    Kind.BUDGET: "The budget",
    Kind.READINGS: "The readings",
    Kind.CONTACTS: "The contact list",
}


def import_job_save(job_pk: int) -> None:
    """The saving task: everything in one transaction, or nothing and the error to show."""
    job = ImportJob.objects.filter(pk=job_pk, status=ImportJob.Status.SAVING).first()
    if job is None:
        return
    try:
        with transaction.atomic():
            # Read again, locked, inside the transaction: two runs of the task (one queued
            # again while the other still ran) cannot both save.
            saving = ImportJob.objects.select_for_update().filter(
                pk=job.pk, status=ImportJob.Status.SAVING
            )
            if not list(saving.values_list("pk", flat=True)):
                return
            SAVERS[job.kind](job, import_job_parsed(job))
            job.status = ImportJob.Status.SAVED
            job.save(update_fields=["status", "choices", "data", "parsed", "updated_at"])
        return
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except PermissionDenied as exc:
        error = str(exc)
    except Exception as exc:
        if lost_the_database(exc):
            raise  # not the job's fault: the task waits for the database and runs again
        logger.exception("Saving import job %s failed", job.pk)
        error = f"{WHAT[job.kind]} could not be saved because of an error in PlanTrack."
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.SAVING).update(
        status=ImportJob.Status.PREVIEW, error=f"Nothing was saved: {error}"
    )


def progress_reporter_for(job_pk: int) -> Callable[[int, int], None]:
    """Saving runs in one transaction, which other connections cannot see into, so its
    progress goes through the progress cache, which the web processes can read."""
    return progress_reporter(PROGRESS_KEY.format(job_pk))


def import_job_progress(job: ImportJob) -> int | None:
    """How far through saving the job is, in percent; None while it is being read or when the
    task runs where this process cannot see its progress."""
    if job.status == ImportJob.Status.SAVING:
        return progress_of(PROGRESS_KEY.format(job.pk))
    return 100 if job.status == ImportJob.Status.SAVED else None


def import_job_abandon(task_path: str, args: list, kwargs: dict, reason: str) -> None:
    """A reading or saving task given up on (core.hooks.TASK_ABANDONED): the job says why,
    rather than "reading" or "saving" for ever. A save is rolled back whole, so nothing was.
    Other tasks are not this function's."""
    if task_path.endswith(".read_import_job"):
        ImportJob.objects.filter(pk=_job_pk(args, kwargs), status=ImportJob.Status.READING).update(
            status=ImportJob.Status.FAILED, error=f"The file was not read: {reason}"
        )
    elif task_path.endswith(".save_import_job"):
        ImportJob.objects.filter(pk=_job_pk(args, kwargs), status=ImportJob.Status.SAVING).update(
            status=ImportJob.Status.PREVIEW, error=f"Nothing was saved: {reason}"
        )


def _job_pk(args: list, kwargs: dict) -> int:
    return int(args[0] if args else kwargs["job_pk"])
