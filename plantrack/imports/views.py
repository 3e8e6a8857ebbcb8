from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.core.views import run_service
from plantrack.imports import exports, selectors, services
from plantrack.imports.forms import ColumnsForm, ImportForm
from plantrack.plans.selectors import plan_get_for_user


@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
        result = run_service(
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
        if result:
            return redirect("imports:preview", pk=result[0].pk)
    return render(request, "imports/new.html", {"form": form, "nav_section": "plans"})


@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, pk)
    try:
        parsed = services.import_job_preview(job)
    except ValidationError as exc:
        return render(request, "imports/failed.html", {"job": job, "error": exc.messages[0]})
    form = ColumnsForm(request.POST or None, columns=parsed.columns)
    if form.is_bound and form.is_valid():
        overrides = form.overrides()
        if run_service(
            form,
            services.import_job_set_columns,
            actor=request.user,
            job=job,
            overrides=overrides,
        ):
            return redirect("imports:preview", pk=job.pk)
    changes = services.reimport_changes(parsed.plans[0], job.into_plan) if job.into_plan else None
    return render(
        request,
        "imports/preview.html",
        {"job": job, "parsed": parsed, "form": form, "changes": changes, "nav_section": "plans"},
    )


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_get_for_user(request.user, pk)
    try:
        plans = services.import_job_confirm(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("imports:preview", pk=job.pk)
    total = sum(plan.actions.count() for plan in plans)
    messages.success(
        request, f"Imported {len(plans)} plan{'s' * (len(plans) != 1)}, {total} actions."
    )
    return redirect("plans:detail", pk=plans[0].pk) if plans else redirect("plans:list")


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
