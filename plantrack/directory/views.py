from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate
from plantrack.directory import selectors, services
from plantrack.directory.areas_csv import read_areas_csv
from plantrack.directory.forms import (
    AreaForm,
    AreasImportForm,
    DirectorySearchForm,
    OrganisationForm,
    PersonForm,
)
from plantrack.directory.history import organisation_history, person_history


def _render(request: SignedInRequest, template: str, nav: str, **context) -> HttpResponse:
    context.setdefault("can_edit", selectors.can_edit_directory(request.user))
    context.update(nav_section=nav)
    return render(request, f"directory/{template}", context)


def _listing(request: SignedInRequest, template: str, nav: str, select) -> HttpResponse:
    search = DirectorySearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = paginate(request, select(request.user, q), 50)
    return _render(request, template, nav, page=page, search=search)


@require_GET
def organisation_list(request: SignedInRequest) -> HttpResponse:
    return _listing(
        request, "organisation_list.html", "organisations", selectors.organisations_visible_to
    )


@require_GET
def person_list(request: SignedInRequest) -> HttpResponse:
    return _listing(request, "person_list.html", "people", selectors.people_visible_to)


@require_GET
def organisation_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(request.user, pk)
    return _render(
        request,
        "organisation_detail.html",
        "organisations",
        organisation=organisation,
        can_edit=selectors.can_edit_organisation(request.user, organisation),
        children=organisation.children.order_by("name"),
        people=organisation.people.order_by("name", "post")[:200],
        sections=hooks.collect(hooks.ORGANISATION_PAGE, request, organisation),
        history=organisation_history(organisation)[:30],
    )


@require_GET
def person_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, pk)
    return _render(
        request,
        "person_detail.html",
        "people",
        person=person,
        can_edit=selectors.can_edit_person(request.user, person),
        clashes=selectors.people_sharing_staff_number(person),
        sections=hooks.collect(hooks.PERSON_PAGE, request, person),
        history=person_history(person)[:30],
    )


def _form_page(request: SignedInRequest, form, title: str) -> HttpResponse:
    return render(request, "directory/form.html", {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
def organisation_create(request: SignedInRequest) -> HttpResponse:
    require(selectors.can_edit_directory(request.user))
    form = OrganisationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            organisation = services.organisation_create(actor=request.user, **form.cleaned_data)
            messages.success(request, "Organisation added.")
            return redirect(organisation)
    return _form_page(request, form, "Add an organisation")


@require_http_methods(["GET", "POST"])
def organisation_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(request.user, pk)
    require(selectors.can_edit_organisation(request.user, organisation))
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    protect(form, organisation, lambda o: OrganisationForm(instance=o, user=request.user))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.organisation_update(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
            messages.success(request, "Organisation saved.")
            return redirect(organisation)
    return _form_page(request, form, "Edit organisation")


@require_http_methods(["GET", "POST"])
def person_create(request: SignedInRequest) -> HttpResponse:
    require(selectors.can_edit_directory(request.user))
    form = PersonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            person = services.person_create(actor=request.user, **form.cleaned_data)
            messages.success(request, "Person added.")
            return redirect(person)
    return _form_page(request, form, "Add a person")


@require_http_methods(["GET", "POST"])
def person_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, pk)
    require(selectors.can_edit_person(request.user, person))
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    protect(form, person, lambda p: PersonForm(instance=p, user=request.user))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
            saved = "Person saved."
            if person.email and not person.verified_email:
                saved += " No mail goes to their address until they confirm it."
            messages.success(request, saved)
            return redirect(person)
    return _form_page(request, form, "Edit person")


@require_POST
def person_email_verification_send(request: SignedInRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, pk)
    try:
        services.person_email_verification_send(actor=request.user, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"A confirmation message has gone to {person.email}.")
    return redirect(person.get_absolute_url())


@login_not_required
@never_cache  # shows a person's name and address under a secret address
@require_http_methods(["GET", "POST"])
def email_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to a new address. Opening it only asks: a mail scanner that fetches
    links must not confirm an address on the holder's behalf."""
    context: dict = {"nav_section": "people"}
    try:
        person = services.email_verification_person(token)
    except ValidationError as exc:
        context["error"] = " ".join(exc.messages)
        return render(request, "directory/email_verify.html", context, status=400)
    context["person"] = person
    if request.method == "POST":
        services.person_email_verify(token=token)
        context["verified"] = True
    return render(request, "directory/email_verify.html", context)


# --- Areas ----------------------------------------------------------------------------------


@require_GET
def area_list(request: SignedInRequest) -> HttpResponse:
    search = DirectorySearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    areas = selectors.areas_visible_to(request.user, q) if q else selectors.area_roots(request.user)
    return _render(
        request,
        "area_list.html",
        "organisations",
        page=paginate(request, areas, 100),
        search=search,
        q=q,
        can_add=selectors.can_add_area(request.user, None),
    )


@require_GET
def area_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    area = selectors.area_get_for_user(request.user, pk)
    return _render(
        request,
        "area_detail.html",
        "organisations",
        area=area,
        ancestors=selectors.area_ancestors(area),
        children=selectors.area_children(area),
        can_edit=selectors.can_edit_area(request.user, area),
        can_add=area.level != area.Level.WARD and selectors.can_add_area(request.user, area),
        sections=hooks.collect(hooks.AREA_PAGE, request, area),
    )


@require_http_methods(["GET", "POST"])
def area_create(request: SignedInRequest) -> HttpResponse:
    parent_pk = request.GET.get("parent")
    parent = (
        selectors.area_get_for_user(request.user, int(parent_pk))
        if parent_pk and parent_pk.isdigit()
        else None
    )
    require(selectors.can_add_area(request.user, parent), services.AREA_ADD_REFUSED)
    initial = {"parent": parent, "organisation": parent.organisation if parent else None}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            area = services.area_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"“{area.name}” added.")
            return redirect(area)
    return _render(request, "area_form.html", "organisations", form=form, title="Add an area")


@require_http_methods(["GET", "POST"])
def area_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    area = selectors.area_get_for_user(request.user, pk)
    require(
        selectors.can_edit_area(request.user, area),
        "Only members of the organisation keeping this area can change it.",
    )
    form = AreaForm(request.POST or None, instance=area)
    protect(form, area, lambda a: AreaForm(instance=a))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.area_update(actor=request.user, area=area, **form.cleaned_data)
            messages.success(request, "Area saved.")
            return redirect(area)
    return _render(
        request, "area_form.html", "organisations", form=form, title=f"Edit “{area.name}”"
    )


@require_http_methods(["GET", "POST"])
def areas_import(request: SignedInRequest) -> HttpResponse:
    """Areas from a CSV: all of them or, on the first bad line, none."""
    require(selectors.can_edit_directory(request.user), "You cannot add areas.")
    form = AreasImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            rows = read_areas_csv(form.cleaned_data["file"])
            added, changed = services.areas_import(actor=request.user, rows=rows)
            messages.success(request, f"{added} areas added, {changed} updated.")
            return redirect("directory:areas")
    return _render(
        request, "area_import.html", "organisations", form=form, title="Import areas from a CSV"
    )
