from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.assessments import selectors, services
from plantrack.assessments.forms import FrameworkForm, ItemForm, StatusForm
from plantrack.assessments.models import Framework
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on

NAV = "assessments"
FORM = "assessments/form.html"


def _posted(request: SignedInRequest):
    return request.POST if request.method == "POST" else None


def _form(request, form, title: str, framework: Framework | None = None) -> HttpResponse:
    context = {"nav_section": NAV, "form": form, "title": title, "framework": framework}
    return render(request, FORM, context)


def _editable(request: SignedInRequest, pk: int) -> Framework:
    framework = selectors.framework_get_for_user(request.user, pk)
    require(selectors.can_edit_framework(request.user, framework), services.KEEPERS_ONLY)
    return framework


@require_GET
def frameworks(request: SignedInRequest) -> HttpResponse:
    context = {
        "nav_section": NAV,
        "frameworks": selectors.frameworks_for_list(request.user),
        "can_create": selectors.can_keep_frameworks_of(request.user),
    }
    return render(request, "assessments/frameworks.html", context)


@require_http_methods(["GET", "POST"])
def framework_create(request: SignedInRequest) -> HttpResponse:
    require(
        selectors.can_keep_frameworks_of(request.user),
        "A framework belongs to an organisation: you are a member of none.",
    )
    form = FrameworkForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            framework = services.framework_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"“{framework.title}” added as a draft: add its items.")
            return redirect(framework)
    return _form(request, form, "Add a framework")


@require_GET
def framework_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = selectors.framework_get_for_user(request.user, pk)
    can_edit = selectors.can_edit_framework(request.user, framework)
    context = {
        "nav_section": NAV,
        "framework": framework,
        "items": selectors.framework_items(framework),
        "can_edit": can_edit,
        "status_form": StatusForm(framework=framework) if can_edit else None,
        "next_versions": framework.next_versions.all(),
    }
    return render(request, "assessments/framework_detail.html", context)


@require_http_methods(["GET", "POST"])
def framework_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = FrameworkForm(_posted(request), user=request.user, instance=framework)
    protect(form, framework, lambda f: FrameworkForm(user=request.user, instance=f))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.framework_update(actor=request.user, framework=framework, **form.cleaned_data)
            messages.success(request, "Framework saved.")
            return redirect(framework)
    return _form(request, form, f"Edit “{framework.title}”", framework)


def _act(request: SignedInRequest, framework: Framework, do, message: str) -> HttpResponse:
    """Run a one-click change posted from the framework's page; a refusal is said there."""
    try:
        result = do()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(framework)
    messages.success(request, message)
    return redirect(result)


@require_POST
def framework_status(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = StatusForm(request.POST, framework=framework)
    if not form.is_valid():
        messages.error(request, "Choose what the framework should become.")
        return redirect(framework)
    status = form.cleaned_data["status"]
    return _act(
        request,
        framework,
        lambda: services.framework_status_set(
            actor=request.user, framework=framework, status=status
        ),
        f"The framework is now {Framework.Status(status).label.lower()}.",
    )


@require_POST
def framework_new_version(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    return _act(
        request,
        framework,
        lambda: services.framework_new_version(actor=request.user, framework=framework),
        f"Version {framework.version_number + 1} made as a draft: change its items, then "
        "publish it.",
    )


@require_http_methods(["GET", "POST"])
def item_create(request: SignedInRequest, pk: int) -> HttpResponse:
    framework = _editable(request, pk)
    form = ItemForm(_posted(request), framework=framework)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.item_create(actor=request.user, framework=framework, **form.cleaned_data)
            messages.success(request, "Item added.")
            return redirect(framework)
    return _form(request, form, "Add an item", framework)


@require_http_methods(["GET", "POST"])
def item_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_for_user(request.user, pk)
    framework = item.framework
    require(selectors.can_edit_framework(request.user, framework), services.KEEPERS_ONLY)
    form = ItemForm(_posted(request), framework=framework, instance=item)
    protect(form, item, lambda i: ItemForm(framework=i.framework, instance=i))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            fields = dict(form.cleaned_data)
            fields["kind"] = fields["kind"] or item.kind
            services.item_update(actor=request.user, item=item, **fields)
            messages.success(request, "Item saved.")
            return redirect(framework)
    return _form(request, form, "Edit an item", framework)


@require_http_methods(["GET", "POST"])
def item_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    item = selectors.item_get_for_user(request.user, pk)
    framework = item.framework
    require(selectors.can_edit_framework(request.user, framework), services.KEEPERS_ONLY)
    if request.method == "POST":
        return _act(
            request,
            framework,
            lambda: services.item_delete(actor=request.user, item=item) or framework,
            "Item deleted.",
        )
    context = {"nav_section": NAV, "framework": framework, "item": item}
    return render(request, "assessments/item_delete.html", context)
