from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core.services import require
from plantrack.core.views import errors_on
from plantrack.evidence import registry, selectors, services
from plantrack.evidence.forms import FileEvidenceForm, LinkEvidenceForm


@require_GET
def download(request: SignedInRequest, pk: int) -> FileResponse:
    """The file, streamed from the storage as an attachment; 404 to who may not read what it
    hangs on."""
    evidence = selectors.evidence_get_for_user(request.user, pk)
    return selectors.evidence_download(evidence)


@require_http_methods(["GET", "POST"])
def attach(request: SignedInRequest, app_label: str, model: str, object_id: int) -> HttpResponse:
    """The evidence on one target, to add a file or a link to, or remove some."""
    target = selectors.target_get_for_user(request.user, f"{app_label}.{model}", object_id)
    require(registry.can_attach(request.user, target), services.REFUSED)
    rule = registry.rule_for(type(target))
    assert rule is not None  # target_get_for_user found it registered
    # Two forms on the page, each saying which it is in a hidden "kind"; a post saying
    # neither is taken as the file form's.
    posted = None
    if request.method == "POST":
        posted = "link" if request.POST.get("kind") == "link" else "file"
    file_form = (
        FileEvidenceForm(request.POST, request.FILES, prefix="file")
        if posted == "file"
        else FileEvidenceForm(prefix="file")
    )
    link_form = (
        LinkEvidenceForm(request.POST, prefix="link")
        if posted == "link"
        else LinkEvidenceForm(prefix="link")
    )
    if posted == "link" and link_form.is_valid():
        with errors_on(link_form):
            services.evidence_attach_link(
                actor=request.user, target=target, **link_form.cleaned_data
            )
            messages.success(request, "Link added.")
            return redirect(rule.url(target))
    elif posted == "file" and file_form.is_valid():
        with errors_on(file_form):
            services.evidence_attach_file(
                actor=request.user,
                target=target,
                upload=file_form.cleaned_data["file"],
                title=file_form.cleaned_data["title"],
            )
            messages.success(request, "File added.")
            return redirect(rule.url(target))
    context = {
        "target": target,
        "describe": rule.describe(target),
        "back": rule.url(target),
        "evidence": selectors.evidence_for_many([target])[target],
        "file_form": file_form,
        "link_form": link_form,
        # The form sent, for the error summary and the page title.
        "form": link_form if posted == "link" else file_form,
    }
    return render(request, "evidence/attach.html", context)


@require_POST
def remove(request: SignedInRequest, pk: int) -> HttpResponse:
    evidence = selectors.evidence_get_for_user(request.user, pk)
    target = selectors.target_of(evidence)
    assert target is not None  # evidence_get_for_user found it readable
    title = evidence.title
    services.evidence_remove(actor=request.user, evidence=evidence)
    messages.success(request, f"“{title}” removed.")
    return redirect(registry.attach_url(target))
