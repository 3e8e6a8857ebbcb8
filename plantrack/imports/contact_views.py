"""A borough's contact list through the one importer: upload, preview with the probable
duplicates of each row and a decision for each, confirm. Shown among the stakeholder pages
(plantrack/urls.py puts these routes in the stakeholders namespace: that app sits below the
importer and cannot import it)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plantrack.accounts.http import SignedInRequest
from plantrack.core.views import errors_on
from plantrack.imports import jobs, services
from plantrack.imports.forms import ContactListForm
from plantrack.imports.models import ImportJob
from plantrack.stakeholders.list_import import NEW, ImportedContact, suggestions
from plantrack.stakeholders.selectors import database_get_for_user
from plantrack.stakeholders.services import require_editor

NAV = "stakeholders"
# Merged into what the preview suggests first, when the match is this sure.
SURE = ("same email", "same name", "similar name at the same organisation")


@require_http_methods(["GET", "POST"])
def contact_list_import(request: SignedInRequest, pk: int) -> HttpResponse:
    database = database_get_for_user(request.user, pk)
    require_editor(request.user, database)
    form = ContactListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, text = form.cleaned_data["file"], form.cleaned_data["text"]
        with errors_on(form):
            job = services.contact_list_job_create(
                actor=request.user,
                database=database,
                file_name=upload.name if upload else "pasted list.txt",
                data=upload.read() if upload else text.encode("utf-8"),
                is_text=not upload,
                source=form.cleaned_data["source"],
                from_third_party=form.cleaned_data["from_third_party"],
                kind=form.cleaned_data["kind"],
                areas=list(form.cleaned_data["areas"]),
            )
            if job.status == ImportJob.Status.FAILED:
                form.add_error(None, job.error.splitlines())
                job.delete()
            else:
                return redirect("imports:preview", pk=job.pk)
    context = {"form": form, "database": database, "nav_section": NAV}
    return render(request, "imports/contact_list_new.html", context)


def contact_list_preview(request: SignedInRequest, job: ImportJob) -> HttpResponse:
    """Each row as read, its warnings, and its probable duplicates with a choice: merge into one
    of them (the surest is chosen already), add as new, or leave out."""
    database = job.contact_database
    assert database is not None  # a contact-list job always has one
    if job.status == ImportJob.Status.SAVED:
        result = job.choices.get("result", {})
        messages.success(
            request,
            f"{result.get('added', 0)} contacts added, {result.get('merged', 0)} merged into "
            f"contacts already held, {result.get('skipped', 0)} left out.",
        )
        return redirect("stakeholders:contacts", pk=database.pk)
    rows = jobs.import_job_parsed(job).contacts
    found = suggestions(
        database,
        [ImportedContact(r.name, r.email, r.phone, r.organisation, r.role) for r in rows],
    )
    lines = [
        {"index": i, "row": row, "suggestions": s, "chosen": _default(row.name, s)}
        for i, (row, s) in enumerate(zip(rows, found, strict=True))
    ]
    context = {
        "job": job,
        "database": database,
        "lines": lines,
        "duplicates": sum(1 for line in lines if line["suggestions"]),
        "warnings": sum(1 for row in rows if row.warnings),
        "nav_section": NAV,
    }
    return render(request, "imports/contact_list_preview.html", context)


def _default(name: str, found) -> str:
    if not name:
        return "skip"
    sure = [s for s in found if any(reason in SURE for reason in s.reasons)]
    return sure[0].decision if sure else NEW


def contact_decisions(request: SignedInRequest, job: ImportJob) -> dict[str, str]:
    """The decision posted for each row; a row with none is added as new."""
    count = len(jobs.import_job_parsed(job).contacts)
    decisions = {}
    for index in range(count):
        value = request.POST.get(f"row-{index}", NEW)
        if value in (NEW, "skip") or value.startswith(("merge:", "row:")):
            decisions[str(index)] = value
    return decisions
