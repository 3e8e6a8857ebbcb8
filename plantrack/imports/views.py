from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from plantrack.core.views import run_service
from plantrack.imports import exports, selectors, services
from plantrack.imports.forms import ColumnsForm, ImportForm
from plantrack.imports.models import ImportJob
from plantrack.plans.selectors import plan_get_for_user


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
        job = run_service(
            form,
            services.import_job_create,
            actor=request.user,
            file_name=upload.name if upload else "pasted table.txt",
            data=upload.read() if upload else text.encode("utf-8"),
            is_text=not upload,
            owner_organisation=form.cleaned_data["owner_organisation"],
            plan_title=form.cleaned_data["plan_title"],
            into_plan=form.cleaned_data["into_plan"],
        )
        if job and job.status == ImportJob.Status.FAILED:
            # Read at once (the immediate task backend): say why on the form, keep nothing.
            form.add_error(None, job.error)
            job.delete()
        elif job:
            return redirect("imports:preview", pk=job.pk)
    return render(request, "imports/new.html", {"form": form, "nav_section": "plans"})


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's page: progress while it is read or saved, then the preview, then the result."""
    job = selectors.import_job_get_for_user(request.user, pk)
    if job.status in ImportJob.BUSY:
        return _progress_page(request, job)
    if job.status == ImportJob.Status.FAILED:
        return render(request, "imports/failed.html", {"job": job, "error": job.error})
    if job.status == ImportJob.Status.SAVED:
        return render(request, "imports/saved.html", selectors.import_job_result(job))
    parsed = services.import_job_parsed(job)
    form = ColumnsForm(request.POST or None, columns=parsed.columns)
    if form.is_bound and form.is_valid():
        corrected = run_service(
            form,
            services.import_job_set_columns,
            actor=request.user,
            job=job,
            overrides=form.overrides(),
        )
        if corrected:
            return redirect("imports:preview", pk=job.pk)
    changes = (
        services.reimport_changes(parsed.plans[0], job.into_plan, parsed.budgets)
        if job.into_plan
        else None
    )
    return render(
        request,
        "imports/preview.html",
        {
            "job": job,
            "parsed": parsed,
            "form": form,
            "changes": changes,
            "preview_limit": PREVIEW_ROWS,
            "preview_rows": f":{PREVIEW_ROWS}",
            "nav_section": "plans",
        },
    )


# A section of thousands of actions is not read row by row in a browser; the preview shows
# the first rows of each section, the counts, every warning and the columns.
PREVIEW_ROWS = 200


@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by the progress page; sends the browser back to the job page when done."""
    job = selectors.import_job_get_for_user(request.user, pk)
    if job.status not in ImportJob.BUSY:
        return HttpResponseClientRedirect(reverse("imports:preview", args=[job.pk]))
    return _progress_page(request, job, partial=True)


def _progress_page(request: HttpRequest, job: ImportJob, partial: bool = False) -> HttpResponse:
    template = "imports/progress.html" + ("#progress" if partial else "")
    context = {"job": job, "percent": services.import_job_progress(job), "nav_section": "plans"}
    return render(request, template, context)


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, pk)
    try:
        job = services.import_job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("imports:preview", pk=job.pk)
    plans = selectors.import_job_result(job)["plans"] if job.status == job.Status.SAVED else []
    if len(plans) == 1:  # saved already (the immediate task backend): straight to the plan
        messages.success(request, f"Imported {plans[0].title}: {plans[0].action_count} actions.")
        return redirect("plans:detail", pk=plans[0].pk)
    return redirect("imports:preview", pk=job.pk)


EXPORTS = {
    "xlsx": (exports.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (exports.to_csv, "text/csv; charset=utf-8"),
    "json": (exports.to_json, "application/json"),
}


@require_GET
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404("No such format")
    plan = plan_get_for_user(request.user, pk)
    build, content_type = EXPORTS[fmt]
    response = HttpResponse(build(plan), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.file_name(plan, fmt)}"'
    return response
