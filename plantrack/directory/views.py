from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from plantrack.core.services import require
from plantrack.core.views import paginate, submitted
from plantrack.directory import selectors, services
from plantrack.directory.forms import DirectorySearchForm, OrganisationForm, PersonForm
from plantrack.directory.history import organisation_history, person_history
from plantrack.plans.selectors import actions_visible_to


def _search(request: HttpRequest) -> str:
    form = DirectorySearchForm(request.GET)
    return form.cleaned_data["q"].strip() if form.is_valid() else ""


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    q = _search(request)
    organisations = selectors.organisations_visible_to(request.user)
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    return render(
        request,
        "directory/organisation_list.html",
        {
            "nav_section": "organisations",
            "page": paginate(request, organisations.order_by("name"), 50),
            "search": DirectorySearchForm(request.GET),
            "can_edit": selectors.can_edit_directory(request.user),
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(request.user, pk)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "nav_section": "organisations",
            "organisation": organisation,
            "children": organisation.children.order_by("name"),
            "people": organisation.people.order_by("name", "post")[:200],
            "actions": actions_visible_to(request.user)
            .filter(agencies__organisation=organisation)
            .select_related("plan")
            .distinct()
            .order_by("plan__title", "position")[:200],
            "history": organisation_history(organisation)[:30],
            "can_edit": selectors.can_edit_directory(request.user),
        },
    )


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    q = _search(request)
    people = selectors.people_visible_to(request.user)
    if q:
        people = people.filter(
            Q(name__icontains=q)
            | Q(post__icontains=q)
            | Q(staff_number__icontains=q)
            | Q(job_title__icontains=q)
        )
    return render(
        request,
        "directory/person_list.html",
        {
            "nav_section": "people",
            "page": paginate(request, people.order_by("name", "post"), 50),
            "search": DirectorySearchForm(request.GET),
            "can_edit": selectors.can_edit_directory(request.user),
        },
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, pk)
    return render(
        request,
        "directory/person_detail.html",
        {
            "nav_section": "people",
            "person": person,
            "clashes": selectors.people_sharing_staff_number(person),
            "actions": actions_visible_to(request.user)
            .filter(ownerships__person=person)
            .select_related("plan")
            .order_by("plan__title", "position")[:200],
            "history": person_history(person)[:30],
            "can_edit": selectors.can_edit_directory(request.user),
        },
    )


def _edit(request, form, service, success, template_title, **service_kwargs):
    if obj := submitted(request, form, service, actor=request.user, **service_kwargs):
        messages.success(request, success)
        return redirect(obj.get_absolute_url())
    return render(request, "directory/form.html", {"form": form, "title": template_title})


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    require(selectors.can_edit_directory(request.user))
    form = OrganisationForm(request.POST or None)
    return _edit(
        request, form, services.organisation_create, "Organisation added.", "Add an organisation"
    )


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(request.user, pk)
    require(selectors.can_edit_directory(request.user))
    form = OrganisationForm(request.POST or None, instance=organisation)
    return _edit(
        request,
        form,
        services.organisation_update,
        "Organisation saved.",
        "Edit organisation",
        organisation=organisation,
    )


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require(selectors.can_edit_directory(request.user))
    form = PersonForm(request.POST or None)
    return _edit(request, form, services.person_create, "Person added.", "Add a person")


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, pk)
    require(selectors.can_edit_directory(request.user))
    form = PersonForm(request.POST or None, instance=person)
    return _edit(
        request, form, services.person_update, "Person saved.", "Edit person", person=person
    )
