from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from plantrack.core.services import require
from plantrack.core.views import paginate, submitted
from plantrack.directory import selectors, services
from plantrack.directory.forms import DirectorySearchForm, OrganisationForm, PersonForm
from plantrack.directory.history import organisation_history, person_history
from plantrack.plans.selectors import actions_involving_organisation, actions_owned_by


def _render(request: HttpRequest, template: str, nav: str, **context) -> HttpResponse:
    context.update(nav_section=nav, can_edit=selectors.can_edit_directory(request.user))
    return render(request, f"directory/{template}", context)


def _listing(request: HttpRequest, template: str, nav: str, select) -> HttpResponse:
    search = DirectorySearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = paginate(request, select(request.user, q), 50)
    return _render(request, template, nav, page=page, search=search)


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    return _listing(
        request, "organisation_list.html", "organisations", selectors.organisations_visible_to
    )


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    return _listing(request, "person_list.html", "people", selectors.people_visible_to)


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.organisation_get_for_user(request.user, pk)
    return _render(
        request,
        "organisation_detail.html",
        "organisations",
        organisation=organisation,
        children=organisation.children.order_by("name"),
        people=organisation.people.order_by("name", "post")[:200],
        actions=actions_involving_organisation(request.user, organisation)[:200],
        history=organisation_history(organisation)[:30],
    )


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get_for_user(request.user, pk)
    return _render(
        request,
        "person_detail.html",
        "people",
        person=person,
        clashes=selectors.people_sharing_staff_number(person),
        actions=actions_owned_by(request.user, person)[:200],
        history=person_history(person)[:30],
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
