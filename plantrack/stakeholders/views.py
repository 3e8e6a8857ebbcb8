from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core.cache import cached, query_key
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate, refusal_as_message
from plantrack.engagement.selectors import communities_served
from plantrack.plans.selectors import today
from plantrack.stakeholders import effectiveness as effectiveness_of
from plantrack.stakeholders import selectors, services
from plantrack.stakeholders.forms import (
    AddToListForm,
    BasisForm,
    ContactForm,
    ContactSearchForm,
    DatabaseForm,
    FollowUpForm,
    InteractionForm,
    RatingForm,
    RoleForm,
    RoleGrantForm,
    StakeholderFilterForm,
    StakeholderForm,
)
from plantrack.stakeholders.models import AccessLog, DatabaseRole, FollowUp, Role

NAV = "stakeholders"
FORM = "stakeholders/form.html"


def _posted(request: SignedInRequest):
    return request.POST if request.method == "POST" else None


def _form(request, form, title: str, *, back, caption: str = "") -> HttpResponse:
    context = {"nav_section": NAV, "form": form, "title": title, "back": back, "caption": caption}
    return render(request, FORM, context)


# --- Databases ------------------------------------------------------------------------------


@require_GET
def databases(request: SignedInRequest) -> HttpResponse:
    context = {
        "nav_section": NAV,
        "databases": selectors.databases_for_list(request.user),
        "can_create": selectors.can_create_database(request.user),
    }
    return render(request, "stakeholders/databases.html", context)


@require_http_methods(["GET", "POST"])
def database_create(request: SignedInRequest) -> HttpResponse:
    require(
        selectors.can_create_database(request.user),
        "A stakeholder database belongs to an organisation: you are a member of none.",
    )
    form = DatabaseForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            database = services.database_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{database} opened: you are its data steward.")
            return redirect(database)
    return _form(request, form, "Open a stakeholder database", back="stakeholders:databases")


@require_GET
def database_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    filters = StakeholderFilterForm(request.GET or None)
    rows = selectors.stakeholders_for_database(database, filters.to_filter(), today=today())
    access = selectors.database_access(request.user, database)
    context = {
        "nav_section": NAV,
        "database": database,
        "access": access,
        "waiting": selectors.steward_counts(database, today=today()) if access.is_steward else {},
        "filters": filters,
        "page": paginate(request, rows, selectors.PAGE_SIZE),
        "today": today(),
    }
    return render(request, "stakeholders/database_detail.html", context)


@require_http_methods(["GET", "POST"])
def database_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_steward(request.user, database)
    form = DatabaseForm(_posted(request), user=request.user, instance=database)
    protect(form, database, lambda d: DatabaseForm(user=request.user, instance=d))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.database_update(actor=request.user, database=database, **form.cleaned_data)
            messages.success(request, "Saved.")
            return redirect(database)
    return _form(request, form, f"Edit {database}", back=database.get_absolute_url())


@require_http_methods(["GET", "POST"])
def database_roles(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    access = selectors.database_access(request.user, database)
    require(access.can_give_roles, services.STEWARDS_ONLY)
    form = RoleGrantForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.database_role_add(
                actor=request.user,
                database=database,
                user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
            )
            messages.success(request, "Role given.")
            return redirect("stakeholders:roles", pk=database.pk)
    context = {
        "nav_section": NAV,
        "database": database,
        "form": form,
        "roles": selectors.database_roles(database),
    }
    return render(request, "stakeholders/roles.html", context)


@require_POST
def database_role_remove(request: SignedInRequest, pk: int, role_pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    role = get_object_or_404(DatabaseRole, pk=role_pk, database=database)
    with refusal_as_message(request):
        services.database_role_remove(
            actor=request.user, database=database, user=role.user, role=role.role
        )
        messages.success(request, "Role taken away.")
    return redirect("stakeholders:roles", pk=database.pk)


@require_GET
def access_log(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_steward(request.user, database)
    context = {
        "nav_section": NAV,
        "database": database,
        "page": paginate(request, selectors.access_log(database), selectors.PAGE_SIZE),
    }
    return render(request, "stakeholders/access_log.html", context)


# --- Stakeholders ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def stakeholder_create(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    form = StakeholderForm(_posted(request), database=database)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            stakeholder = services.stakeholder_create(
                actor=request.user, database=database, **form.cleaned_data
            )
            messages.success(request, f"{stakeholder} added.")
            return redirect(stakeholder)
    return _form(request, form, "Add a stakeholder", back=database.get_absolute_url())


@require_GET
def stakeholder_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_get_for_user(request.user, pk)
    access = selectors.database_access(request.user, stakeholder.database)
    context = {
        "nav_section": NAV,
        "stakeholder": stakeholder,
        "database": stakeholder.database,
        "access": access,
        "can_log": access.can_log_for(stakeholder),
        "overdue": selectors.contact_overdue(stakeholder, today()),
        "roles": selectors.stakeholder_roles(stakeholder),
        "ratings": selectors.rating_history(stakeholder),
        "areas": stakeholder.areas.order_by("path"),
        "communities": communities_served(stakeholder.organisation),
        "timeline_html": _timeline_html(request, stakeholder),
    }
    return render(request, "stakeholders/stakeholder_detail.html", context)


# The names of staff, organisations and engagement activities in a timeline or a list of
# contacts are the directory's and the register's, whose changes do not move the database's
# version: a cached page of either is kept five minutes at most.
CACHED_PAGE_SECONDS = 300


def _timeline_html(request: SignedInRequest, stakeholder) -> str:
    """A page of the timeline, cached under the database's version (every write to the
    database moves it): three quarters of the page's time is reading and rendering it."""
    page = request.GET.get("page", "1")
    key = ("stakeholder-timeline", stakeholder.pk, stakeholder.database.version, page)

    def build() -> str:
        rows = paginate(request, selectors.timeline(stakeholder), selectors.TIMELINE_SIZE)
        template = "stakeholders/stakeholder_detail.html#timeline"
        return render_to_string(template, {"timeline": rows}, request)

    return mark_safe(cached(key, build, CACHED_PAGE_SECONDS))


@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_get_for_user(request.user, pk)
    database = stakeholder.database
    services.require_editor(request.user, database)
    form = StakeholderForm(_posted(request), database=database, instance=stakeholder)
    protect(form, stakeholder, lambda s: StakeholderForm(database=database, instance=s))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.stakeholder_update(
                actor=request.user, stakeholder=stakeholder, **form.cleaned_data
            )
            messages.success(request, "Saved.")
            return redirect(stakeholder)
    return _form(
        request, form, f"Edit {stakeholder}", back=stakeholder.get_absolute_url(), caption=""
    )


@require_http_methods(["GET", "POST"])
def stakeholder_rate(request: SignedInRequest, pk: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_get_for_user(request.user, pk)
    services.require_editor(request.user, stakeholder.database)
    form = RatingForm(_posted(request), initial={"rated_on": today()})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.stakeholder_rate(
                actor=request.user, stakeholder=stakeholder, **form.cleaned_data
            )
            messages.success(request, "Influence and interest recorded.")
            return redirect(stakeholder)
    return _form(
        request,
        form,
        "Assess influence and interest",
        back=stakeholder.get_absolute_url(),
        caption=str(stakeholder),
    )


# --- Roles ----------------------------------------------------------------------------------


@transaction.atomic
def _save_role(request: SignedInRequest, form: RoleForm, stakeholder, role: Role | None):
    """The new holder (if one is named) and the role, together or not at all."""
    fields = form.role_fields()
    new = form.new_contact()
    if new is not None:
        fields["contact"] = services.contact_create(
            actor=request.user,
            database=stakeholder.database,
            name=new["name"],
            email=new["email"],
            phone=new["phone"],
        )
    if role is None:
        return services.stakeholder_role_create(
            actor=request.user, stakeholder=stakeholder, **fields
        )
    return services.stakeholder_role_update(
        actor=request.user, role=role, edit_version=form.cleaned_data.get("edit_version"), **fields
    )


@require_http_methods(["GET", "POST"])
def stakeholder_role_create(request: SignedInRequest, pk: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_get_for_user(request.user, pk)
    services.require_editor(request.user, stakeholder.database)
    form = RoleForm(_posted(request), stakeholder=stakeholder)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            _save_role(request, form, stakeholder, None)
            messages.success(request, "Role added.")
            return redirect(stakeholder)
    return _form(
        request, form, "Add a role", back=stakeholder.get_absolute_url(), caption=str(stakeholder)
    )


@require_http_methods(["GET", "POST"])
def role_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    role = get_object_or_404(Role, pk=pk)
    stakeholder = selectors.stakeholder_get_for_user(request.user, role.stakeholder_id)
    services.require_editor(request.user, stakeholder.database)
    form = RoleForm(_posted(request), stakeholder=stakeholder, instance=role)
    protect(form, role, lambda r: RoleForm(stakeholder=stakeholder, instance=r))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            _save_role(request, form, stakeholder, role)
            messages.success(request, "Role saved.")
            return redirect(stakeholder)
    return _form(
        request,
        form,
        f"Change the role “{role.title}”",
        back=stakeholder.get_absolute_url(),
        caption=str(stakeholder),
    )


# --- Contacts -------------------------------------------------------------------------------


@require_GET
def contacts(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    access = selectors.database_access(request.user, database)
    form = ContactSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "nav_section": NAV,
        "database": database,
        "access": access,
        "form": form,
        "results_html": _contacts_html(request, database, q, by_email=access.can_edit),
    }
    return render(request, "stakeholders/contacts.html", context)


def _contacts_html(request: SignedInRequest, database, q: str, *, by_email: bool) -> str:
    """The contacts found and their page, cached under the database's version like the
    timeline (names, roles and kinds: what every reader of the database sees; an address
    search only for those who may search by address, hence ``by_email`` in the key)."""
    key = (
        "stakeholder-contacts",
        database.pk,
        database.version,
        by_email,
        query_key(request.GET),
        request.GET.get("page", "1"),
    )

    def build() -> str:
        rows = selectors.contacts_search(database, q, by_email=by_email)
        page = paginate(request, rows, selectors.PAGE_SIZE)
        context = {"q": q, "page": page}
        return render_to_string("stakeholders/contacts.html#results", context, request)

    return mark_safe(cached(key, build, CACHED_PAGE_SECONDS))


@require_http_methods(["GET", "POST"])
def contact_create(request: SignedInRequest, pk: int) -> HttpResponse:
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            contact = services.contact_create(
                actor=request.user, database=database, **form.cleaned_data
            )
            messages.success(request, f"{contact.name} added.")
            return redirect(contact)
    return _form(request, form, "Add a contact", back=database.get_absolute_url())


@require_GET
def contact_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, pk)
    access = selectors.database_access(request.user, contact.database)
    roles = list(selectors.contact_roles(contact))
    personal = access.may_read_personal(contact, {r.stakeholder_id for r in roles})
    if personal:
        services.personal_data_read(actor=request.user, contact=contact, how=AccessLog.How.PAGE)
    context = {
        "nav_section": NAV,
        "contact": contact,
        "database": contact.database,
        "access": access,
        "personal": personal,
        "roles": roles,
        "bases": selectors.contact_bases(contact) if personal else [],
        "lists": contact.lists.order_by("name") if access.can_edit else [],
        "channels": [
            name
            for name, allowed in (
                ("email", contact.by_email),
                ("phone", contact.by_phone),
                ("post", contact.by_post),
            )
            if allowed
        ],
        "list_form": AddToListForm(database=contact.database) if access.can_edit else None,
        "interactions": paginate(
            request, selectors.contact_interactions(contact), selectors.TIMELINE_SIZE
        ),
    }
    return render(request, "stakeholders/contact_detail.html", context)


@require_http_methods(["GET", "POST"])
def contact_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, pk)
    services.require_editor(request.user, contact.database)
    require(not contact.is_anonymised, "An anonymised contact cannot be changed.")
    form = ContactForm(_posted(request), instance=contact)
    protect(form, contact, lambda c: ContactForm(instance=c))
    if request.method == "GET":  # the form shows the personal fields: a logged read
        services.personal_data_read(actor=request.user, contact=contact, how=AccessLog.How.PAGE)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.contact_update(actor=request.user, contact=contact, **form.cleaned_data)
            messages.success(request, "Saved.")
            return redirect(contact)
    return _form(request, form, f"Edit {contact.name}", back=contact.get_absolute_url())


@require_http_methods(["GET", "POST"])
def lawful_basis_set(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, pk)
    services.require_editor(request.user, contact.database)
    form = BasisForm(_posted(request), database=contact.database)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.lawful_basis_set(actor=request.user, contact=contact, **form.cleaned_data)
            messages.success(request, "Lawful basis recorded.")
            return redirect(contact)
    return _form(
        request,
        form,
        "Record a lawful basis",
        back=contact.get_absolute_url(),
        caption=contact.name,
    )


# --- Interactions ---------------------------------------------------------------------------


def _log(request: SignedInRequest, database, *, stakeholder=None, contact=None, back):
    access = selectors.database_access(request.user, database)
    require(access.can_log_for(stakeholder), services.EDITORS_ONLY)
    form = InteractionForm(
        _posted(request),
        database=database,
        stakeholder=stakeholder,
        contact=contact,
        initial={"date": today()},
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            interaction = services.interaction_log(
                actor=request.user, database=database, stakeholder=stakeholder, **form.cleaned_data
            )
            messages.success(request, "Interaction logged.")
            return redirect(interaction)
    caption = str(stakeholder or contact)
    return _form(request, form, "Log an interaction", back=back, caption=caption)


@require_http_methods(["GET", "POST"])
def interaction_create(request: SignedInRequest, pk: int) -> HttpResponse:
    stakeholder = selectors.stakeholder_get_for_user(request.user, pk)
    return _log(
        request,
        stakeholder.database,
        stakeholder=stakeholder,
        back=stakeholder.get_absolute_url(),
    )


@require_http_methods(["GET", "POST"])
def contact_interaction_create(request: SignedInRequest, pk: int) -> HttpResponse:
    contact = selectors.contact_get_for_user(request.user, pk)
    return _log(request, contact.database, contact=contact, back=contact.get_absolute_url())


@require_GET
def interaction_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    interaction = selectors.interaction_get_for_user(request.user, pk)
    context = {
        "nav_section": NAV,
        "interaction": interaction,
        "database": interaction.database,
        "can_log": selectors.database_access(request.user, interaction.database).can_log_for(
            interaction.stakeholder
        ),
    }
    return render(request, "stakeholders/interaction_detail.html", context)


@require_http_methods(["GET", "POST"])
def follow_up_create(request: SignedInRequest, pk: int) -> HttpResponse:
    interaction = selectors.interaction_get_for_user(request.user, pk)
    access = selectors.database_access(request.user, interaction.database)
    require(access.can_log_for(interaction.stakeholder), services.EDITORS_ONLY)
    form = FollowUpForm(_posted(request), interaction=interaction)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.interaction_follow_up_add(
                actor=request.user, interaction=interaction, **form.cleaned_data
            )
            messages.success(request, "Follow-up added.")
            return redirect(interaction)
    return _form(
        request,
        form,
        "Add a follow-up",
        back=interaction.get_absolute_url(),
        caption=str(interaction),
    )


@require_POST
def follow_up_done(request: SignedInRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp, pk=pk)
    interaction = selectors.interaction_get_for_user(request.user, follow_up.interaction_id)
    services.interaction_follow_up_update(actor=request.user, follow_up=follow_up, done=True)
    messages.success(request, "Follow-up done.")
    return redirect(interaction)


@require_GET
def effectiveness(request: SignedInRequest, pk: int) -> HttpResponse:
    """How good the lists are, per borough (effectiveness.py): for those who keep them."""
    database = selectors.database_get_for_user(request.user, pk)
    services.require_editor(request.user, database)
    context = {
        "nav_section": NAV,
        "database": database,
        "access": selectors.database_access(request.user, database),
        "rows": effectiveness_of.measure_cached(database, today=today()),
    }
    return render(request, "stakeholders/effectiveness.html", context)
