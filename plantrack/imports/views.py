from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from plantrack.accounts.http import SignedInRequest
from plantrack.budgets.forms import BudgetImportConfirmForm, BudgetImportForm
from plantrack.core.views import errors_on
from plantrack.core.xlsx import XLSX_TYPE
from plantrack.engagement.forms import ActivityFilterForm
from plantrack.engagement.selectors import register_get_for_user
from plantrack.imports import contact_views, exports, jobs, selectors, services
from plantrack.imports.budgets.sections import match_section
from plantrack.imports.engagement import exports as register_exports
from plantrack.imports.forms import ColumnsForm, ImportForm
from plantrack.imports.frameworks.saving import frameworks_to_save
from plantrack.imports.merging import reimport_changes
from plantrack.imports.models import ImportJob
from plantrack.imports.readings import MAX_BYTES as READINGS_MAX_BYTES
from plantrack.imports.saving import registers_to_save
from plantrack.measures.forms import UploadForm
from plantrack.measures.selectors import measure_get_for_user
from plantrack.measures.services import readings_check, require_recorder
from plantrack.plans.selectors import plan_get_for_user, sections_for_plan
from plantrack.plans.services import require_manager

Kind = ImportJob.Kind


def _posted(request: SignedInRequest) -> QueryDict | None:
    """The POST data to bind a form to, even when empty: an empty POST is still a submission."""
    return request.POST if request.method == "POST" else None


def _started(form: forms.Form, job: ImportJob, field: str | None = None) -> ImportJob | None:
    """A job just started: None if it could not be read (read at once by the immediate task
    backend), its reasons then on the form and nothing kept; but a plan in which no actions
    were found is kept, for its page to offer the fallbacks (one action per line, a column)."""
    if job.status == ImportJob.Status.FAILED and not jobs.offers_fallbacks(job):
        form.add_error(field, job.error.splitlines())
        job.delete()
        return None
    return job


@require_http_methods(["GET", "POST"])
def import_new(request: SignedInRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
        with errors_on(form):
            job = services.import_job_create(
                actor=request.user,
                file_name=upload.name if upload else "pasted table.txt",
                data=upload.read() if upload else text.encode("utf-8"),
                is_text=not upload,
                owner_organisation=form.cleaned_data["owner_organisation"],
                plan_title=form.cleaned_data["plan_title"],
                into_plan=form.cleaned_data["into_plan"],
            )
            if _started(form, job):
                return redirect("imports:preview", pk=job.pk)
    return render(request, "imports/new.html", {"form": form, "nav_section": "plans"})


@require_http_methods(["GET", "POST"])
def import_preview(request: SignedInRequest, pk: int) -> HttpResponse:
    """The job's page: progress while it is read or saved, then the preview, then the result."""
    job = selectors.import_job_get_for_user(request.user, pk)
    if job.status in ImportJob.BUSY:
        return _progress_page(request, job)
    if job.status == ImportJob.Status.FAILED:
        context = {"job": job, "error": job.error, "offers_fallbacks": jobs.offers_fallbacks(job)}
        return render(request, "imports/failed.html", context)
    if job.kind == Kind.BUDGET:  # its preview (and result) are on the budget pages
        done = job.status == ImportJob.Status.SAVED
        return redirect("budgets:plan" if done else "budgets:import_preview", job.into_plan_id)
    if job.kind == Kind.READINGS:
        return _readings_preview(request, job)
    if job.kind == Kind.CONTACTS:
        return contact_views.contact_list_preview(request, job)
    if job.status == ImportJob.Status.SAVED:
        return render(request, "imports/saved.html", selectors.import_job_result(job))
    parsed = jobs.import_job_parsed(job)
    form = ColumnsForm(request.POST or None, columns=parsed.columns)
    if form.is_bound and form.is_valid():
        with errors_on(form):
            services.import_job_set_columns(actor=request.user, job=job, overrides=form.overrides())
            return redirect("imports:preview", pk=job.pk)
    changes = (
        reimport_changes(parsed.plans[0], job.into_plan, parsed.budgets) if job.into_plan else None
    )
    organisation = job.owner_organisation
    kept = registers_to_save(parsed.engagement, organisation) if organisation else []
    new_frameworks = frameworks_to_save(parsed.frameworks, organisation) if organisation else []
    return render(
        request,
        "imports/preview.html",
        {
            "job": job,
            "parsed": parsed,
            "form": form,
            "changes": changes,
            "registers_left_out": [r for r in parsed.engagement if r not in kept],
            "frameworks_left_out": [f for f in parsed.frameworks if f not in new_frameworks],
            "save_label": _save_label(job, parsed),
            "preview_limit": PREVIEW_ROWS,
            "preview_rows": f":{PREVIEW_ROWS}",
            "nav_section": "plans",
        },
    )


@require_POST
def import_retry(request: SignedInRequest, pk: int) -> HttpResponse:
    """The failed page's fallbacks: one action per line, or the column that holds them."""
    job = selectors.import_job_get_for_user(request.user, pk)
    try:
        services.import_job_retry(
            actor=request.user,
            job=job,
            lines=request.POST.get("fallback") == "lines",
            action_column=request.POST.get("action_column", "").strip(),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("imports:preview", pk=job.pk)


def _save_label(job: ImportJob, parsed) -> str:
    """What the save button saves: "the plan", "the register", "the plan and the framework"…"""
    if job.into_plan_id:
        return "the new version"
    parts = []
    if any(plan.action_count for plan in parsed.plans):
        parts.append("the plan")
    for found, one in ((parsed.engagement, "register"), (parsed.frameworks, "framework")):
        if found:
            parts.append(f"the {one}{'s' * (len(found) > 1)}")
    return " and ".join(parts) or "the plan"


# A section of thousands of actions is not read row by row in a browser; the preview shows
# the first rows of each section, the counts, every warning and the columns.
PREVIEW_ROWS = 200


@require_GET
def import_progress(request: SignedInRequest, pk: int) -> HttpResponse:
    """Polled by the progress page; sends the browser back to the job page when done."""
    job = selectors.import_job_get_for_user(request.user, pk)
    if job.status not in ImportJob.BUSY:
        return HttpResponseClientRedirect(reverse("imports:preview", args=[job.pk]))
    return _progress_page(request, job, partial=True)


def _progress_page(request: SignedInRequest, job: ImportJob, partial: bool = False) -> HttpResponse:
    template = "imports/progress.html" + ("#progress" if partial else "")
    context = {"job": job, "percent": jobs.import_job_progress(job), "nav_section": "plans"}
    return render(request, template, context)


@require_POST
def import_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, pk)
    decisions = contact_views.contact_decisions(request, job) if job.kind == Kind.CONTACTS else None
    try:
        job = services.import_job_confirm(actor=request.user, job=job, contact_decisions=decisions)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("imports:preview", pk=job.pk)
    if job.kind != Kind.PLAN:
        return _confirmed(request, job)
    if job.status != job.Status.SAVED:
        return redirect("imports:preview", pk=job.pk)
    result = selectors.import_job_result(job)
    plans, registers = result["plans"], result["registers"]
    if len(plans) == 1:  # saved already (the immediate task backend): straight to the plan
        also = "".join(
            f"; and the engagement register {r.title}: {r.activity_count} activities"
            for r in registers
        ) + "".join(
            f"; and the framework {f.title}: {f.item_count} items" for f in result["frameworks"]
        )
        messages.success(
            request, f"Imported {plans[0].title}: {plans[0].action_count} actions{also}."
        )
        return redirect("plans:detail", pk=plans[0].pk)
    return redirect("imports:preview", pk=job.pk)


def _confirmed(request: SignedInRequest, job: ImportJob) -> HttpResponse:
    """Saved already (the immediate task backend): back to the page the import started from."""
    if job.status != ImportJob.Status.SAVED:
        return redirect("imports:preview", pk=job.pk)
    parsed = jobs.import_job_parsed(job)
    if job.kind == Kind.CONTACTS:
        return redirect("imports:preview", pk=job.pk)
    if job.kind == Kind.BUDGET:
        messages.success(
            request, f"{sum(len(b.lines) for b in parsed.budgets)} budget lines imported."
        )
        return redirect("budgets:plan", plan_pk=job.into_plan_id)
    messages.success(request, f"{len(parsed.readings)} readings recorded.")
    return redirect("measures:detail", pk=job.measure_id)


# --- Budgets and readings: shown among the budget and measure pages -------------------------
# Their routes join the budgets and measures namespaces in plantrack/urls.py: those apps sit
# below the importer, so they cannot import it.


@require_http_methods(["GET", "POST"])
def budget_import(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    """Upload or paste a budget; it is read as an import job and previewed."""
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    form = BudgetImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
        with errors_on(form):
            job = services.budget_import_job_create(
                actor=request.user,
                plan=plan,
                file_name=upload.name if upload else "the pasted table",
                data=upload.read() if upload else text.encode("utf-8"),
                is_text=not upload,
            )
            if _started(form, job):
                return redirect("budgets:import_preview", plan_pk=plan.pk)
    return render(
        request,
        "budgets/import.html",
        {"form": form, "plan": plan, "title": "Import a budget", "nav_section": "plans"},
    )


@require_http_methods(["GET", "POST"])
def budget_import_preview(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    """The latest budget import of this plan by this person: the tables found, the
    initiative of each to choose, then saved."""
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    job = selectors.budget_import_job_for(request.user, plan)
    if job is None:
        messages.error(request, "There is nothing to preview: upload or paste a budget first.")
        return redirect("budgets:import", plan_pk=plan.pk)
    if job.status in ImportJob.BUSY:
        return _progress_page(request, job)
    budgets = jobs.import_job_parsed(job).budgets
    sections = list(sections_for_plan(plan))
    form = BudgetImportConfirmForm(
        _posted(request),
        plan=plan,
        titles=[b.title for b in budgets],
        initial_sections=[match_section(b.title, sections) for b in budgets],
    )
    if job.error and not form.is_bound:
        form.add_error(None, job.error)
    if request.method == "POST" and form.is_valid():
        # Titles may repeat, so the sections are given in table order, not by title.
        chosen = [section.pk if section else None for section in form.sections()]
        with errors_on(form):
            job = services.import_job_confirm(actor=request.user, job=job, budget_sections=chosen)
            if job.status == ImportJob.Status.PREVIEW:  # saving refused: say why
                form.add_error(None, job.error)
            else:
                return _confirmed(request, job)
    rows = [{"budget": b, "field": form[f"section_{i}"]} for i, b in enumerate(budgets)]
    return render(
        request,
        "budgets/import_preview.html",
        {"plan": plan, "form": form, "rows": rows, "nav_section": "plans"},
    )


@require_http_methods(["GET", "POST"])
def readings_upload(request: SignedInRequest, pk: int) -> HttpResponse:
    """Upload a measure's readings; they are read as an import job and previewed."""
    measure = measure_get_for_user(request.user, pk)
    require_recorder(request.user, measure)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with errors_on(form):
            job = services.readings_job_create(
                actor=request.user,
                measure=measure,
                file_name=upload.name or "",
                data=upload.read(READINGS_MAX_BYTES + 1),
            )
            if _started(form, job, "file"):
                return redirect("imports:preview", pk=job.pk)
    return render(
        request,
        "measures/upload.html",
        {"form": form, "plan": measure.plan, "measure": measure, "nav_section": "plans"},
    )


def _readings_preview(request: SignedInRequest, job: ImportJob) -> HttpResponse:
    measure = job.measure
    if measure is None:  # a readings job always has one (services.readings_job_create)
        raise Http404("No such import")
    if job.status == ImportJob.Status.SAVED:
        return redirect("measures:detail", pk=measure.pk)
    readings = jobs.import_job_parsed(job).readings
    try:  # shown as they will be saved: real dates, values in the measure's unit
        checked = readings_check(measure=measure, rows=readings[:PREVIEW_ROWS])
    except ValidationError as exc:  # the measure changed since it was read
        checked, job.error = [], job.error or "\n".join(exc.messages)
    context = {
        "job": job,
        "measure": measure,
        "plan": measure.plan,
        "rows": [(row.row, *values) for row, values in zip(readings, checked, strict=False)],
        "count": len(readings),
        "nav_section": "plans",
    }
    return render(request, "imports/readings_preview.html", context)


EXPORTS = {
    "xlsx": (exports.to_xlsx, XLSX_TYPE),
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "json": (exports.to_json, "application/json"),
}


@require_GET
def plan_export(request: SignedInRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404("No such format")
    plan = plan_get_for_user(request.user, pk)
    build, content_type = EXPORTS[fmt]
    response = HttpResponse(build(plan), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(plan.title, fmt)}"'
    return response


# --- Engagement registers: shown among the register pages -----------------------------------
# Their routes join the engagement namespace in plantrack/urls.py, as the budget import's do.

REGISTER_EXPORTS = {
    "xlsx": (register_exports.to_xlsx, XLSX_TYPE),
    "csv": (register_exports.to_csv, "text/csv; charset=utf-8"),
}


@require_GET
def register_export(request: SignedInRequest, pk: int, fmt: str) -> HttpResponse:
    """The register as the importer reads it, with the register page's filters (all of it
    without any)."""
    register = register_get_for_user(request.user, pk)
    flt = ActivityFilterForm(request.GET or None, register=register).to_filter()
    build, content_type = REGISTER_EXPORTS[fmt]
    response = HttpResponse(build(register, flt), content_type=content_type)
    name = register_exports.register_file_name(register, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
