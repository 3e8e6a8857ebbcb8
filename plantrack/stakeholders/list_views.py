"""Groups and mailing lists: the tree of lists, a list's members, adding a contact to a list,
and mailing-list exports that leave out whoever may not be written to (exports.py)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core.views import errors_on, paginate
from plantrack.stakeholders import exports, selectors, services
from plantrack.stakeholders.forms import AddToListForm, ListForm, MailingForm
from plantrack.stakeholders.models import Contact, List

NAV = "stakeholders"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_for_editor(request: SignedInRequest, pk: int) -> List:
    found = get_object_or_404(List.objects.select_related("database__organisation"), pk=pk)
    database = selectors.database_get_for_user(request.user, found.database_id)
    services.require_editor(request.user, database)
    return found


@require_http_methods(["GET", "POST"])
def lists(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    form = ListForm(request.POST if request.method == "POST" else None, database=database)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            made = services.contact_list_create(
                actor=request.user, database=database, **form.cleaned_data
            )
            messages.success(request, f"List “{made.name}” added.")
            return redirect("stakeholders:lists", pk=database.pk)
    context = {
        "nav_section": NAV,
        "database": database,
        "lists": selectors.lists_for(database).order_by("parent__name", "name"),
        "form": form,
    }
    return render(request, "stakeholders/lists.html", context)


def _mailing(request: SignedInRequest, list_: List):
    form = MailingForm(request.GET or None, database=list_.database)
    channel, purpose = "email", None
    if form.is_valid():
        channel, purpose = form.cleaned_data["channel"], form.cleaned_data["purpose"]
    return form, exports.mailing(list_.database, channel=channel, list_=list_, purpose=purpose)


@require_GET
def list_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    list_ = _list_for_editor(request, pk)
    form, mailing = _mailing(request, list_)
    members = list_.contacts.exclude(state__in=Contact.HIDDEN).order_by("name", "pk")
    context = {
        "nav_section": NAV,
        "database": list_.database,
        "list": list_,
        "form": form,
        "mailing": mailing,
        "page": paginate(request, members, selectors.PAGE_SIZE),
        "query": request.GET.urlencode(),
    }
    return render(request, "stakeholders/list_detail.html", context)


@require_GET
def list_export(request: SignedInRequest, pk: int, fmt: str) -> HttpResponse:
    list_ = _list_for_editor(request, pk)
    if fmt not in ("csv", "xlsx"):
        return HttpResponse(status=404)
    _, mailing = _mailing(request, list_)
    exports.log_export(mailing, user=request.user, database=list_.database)
    body = exports.as_csv(mailing) if fmt == "csv" else exports.as_xlsx(mailing)
    kind = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = (
        f'attachment; filename="list-{list_.pk}-{mailing.channel}.{fmt}"'
    )
    # The counts left out, for scripts (the page shows them with their reasons).
    response["X-Left-Out"] = ", ".join(f"{k}={v}" for k, v in sorted(mailing.left_out.items()))
    return response


@require_POST
def contact_list_add(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, pk)
    services.require_editor(request.user, contact.database)
    form = AddToListForm(request.POST, database=contact.database)
    if form.is_valid():
        services.contact_list_add(
            actor=request.user, list_=form.cleaned_data["list_"], contact=contact
        )
        messages.success(request, f"Added to “{form.cleaned_data['list_'].name}”.")
    else:
        messages.error(request, "Choose a list.")
    return redirect(contact)


@require_POST
def contact_list_remove(request: SignedInRequest, pk: int, contact_pk: int) -> HttpResponse:
    list_ = _list_for_editor(request, pk)
    contact = get_object_or_404(Contact, pk=contact_pk, database=list_.database)
    services.contact_list_remove(actor=request.user, list_=list_, contact=contact)
    messages.success(request, f"{contact.name} taken off the list.")
    return redirect("stakeholders:list", pk=list_.pk)
