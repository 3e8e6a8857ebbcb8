from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate, refusal_as_message, show_refusal
from plantrack.core.xlsx import XLSX_TYPE
from plantrack.directory import duplicates, exports, merging, selectors, services
from plantrack.directory.areas_csv import read_areas_csv
from plantrack.directory.forms import (
    AreaForm,
    AreasImportForm,
    DirectorySearchForm,
    DismissForm,
    InvitationForm,
    MergeForm,
    OrganisationForm,
    PersonForm,
    PlaceForm,
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
        merges=selectors.merges_into(organisation),
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
        merges=selectors.merges_into(person),
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


# --- Invitations ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def invitation_create(request: SignedInRequest) -> HttpResponse:
    require(
        selectors.can_invite(request.user),
        "Only site admins and managers of an organisation invite people.",
    )
    organisations = selectors.organisations_to_invite_into(request.user)
    form = InvitationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            invitation = services.invitation_create(actor=request.user, **form.cleaned_data)
            messages.success(
                request, f"Invitation sent to {invitation.email} for {invitation.organisation}."
            )
            return redirect("directory:invitation_create")
    return _render(
        request,
        "invitation_form.html",
        "organisations",
        form=form,
        invitations=selectors.invitations_sent_by(request.user)[:50],
        now=timezone.now(),
    )


@login_not_required
@never_cache  # shows a name and an organisation under a secret address
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to the invitee: the token is the credential. A new account chooses its
    password here; an existing one only confirms."""
    try:
        invitation = services.invitation_for_token(token)
    except ValidationError as exc:
        context = {"error": " ".join(exc.messages)}
        return render(request, "directory/invitation_accept.html", context, status=400)
    needs_password = not invitation.user.has_usable_password()
    form = SetPasswordForm(invitation.user, request.POST or None) if needs_password else None
    if request.method == "POST" and (form is None or form.is_valid()):
        password = form.cleaned_data["new_password1"] if form is not None else None
        try:
            services.invitation_accept(token=token, password=password)
        except ValidationError as exc:
            if form is None:
                context = {"error": " ".join(exc.messages)}
                return render(request, "directory/invitation_accept.html", context, status=400)
            show_refusal(form, exc)
        else:
            messages.success(request, f"Welcome to {invitation.organisation}. Sign in to start.")
            return redirect("login")
    return render(
        request, "directory/invitation_accept.html", {"invitation": invitation, "form": form}
    )


# --- Clean-up: duplicates, merges, initials, placing; export (docs/directory.md) ------------


@require_GET
def cleanup(request: SignedInRequest) -> HttpResponse:
    require(selectors.can_edit_directory(request.user), "Only those who keep the directory.")
    return _render(
        request,
        "cleanup.html",
        "people",
        person_pairs=duplicates.person_duplicates(request.user),
        organisation_pairs=duplicates.organisation_duplicates(request.user),
        initials=duplicates.initials_to_resolve(request.user),
        placements=duplicates.placements(request.user),
    )


def _entry_id(request: SignedInRequest, name: str) -> int | None:
    value = request.POST.get(name) or request.GET.get(name) or ""
    return int(value) if value.isdigit() else None


def _merge_page(request: SignedInRequest, kind: str, get_entry) -> HttpResponse:
    require(selectors.can_edit_directory(request.user), "Only those who keep the directory.")
    ids = [_entry_id(request, "first"), _entry_id(request, "second")]
    entries = [get_entry(request.user, pk) for pk in ids if pk is not None]
    search = DirectorySearchForm(request.GET)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    context: dict = {"kind": kind, "entries": entries, "search": search, "q": q}
    if len(entries) < 2:
        # Choose the other entry: search the directory.
        found = (
            selectors.people_visible_to(request.user, q)
            if kind == "person"
            else selectors.organisations_visible_to(request.user, q)
        )
        if entries:
            found = found.exclude(pk=entries[0].pk)
        context["found"] = found[:20] if q else []
        return _render(request, "merge.html", "people", **context)
    first, second = entries
    initial = {"first": first.pk, "second": second.pk, "keep": request.GET.get("keep", "first")}
    form = MergeForm(request.POST or None, initial=initial, entries=entries)
    if request.method == "POST" and form.is_valid():
        keep, merged = (first, second) if form.cleaned_data["keep"] == "first" else (second, first)
        service = services.person_merge if kind == "person" else services.organisation_merge
        with errors_on(form):
            service(actor=request.user, keep=keep, merged=merged)
            messages.success(
                request, f"“{merged}” merged into “{keep}”. You can undo it from this page."
            )
            return redirect(keep.get_absolute_url())
    context.update(
        form=form,
        allowed=selectors.can_merge(request.user, first, second),
        # What each would bring if merged into the other.
        plans=[merging.merge_plan(second, first), merging.merge_plan(first, second)],
    )
    return _render(request, "merge.html", "people", **context)


@require_http_methods(["GET", "POST"])
def person_merge(request: SignedInRequest) -> HttpResponse:
    return _merge_page(request, "person", selectors.person_get_for_user)


@require_http_methods(["GET", "POST"])
def organisation_merge(request: SignedInRequest) -> HttpResponse:
    return _merge_page(request, "organisation", selectors.organisation_get_for_user)


@require_POST
def merge_undo(request: SignedInRequest, pk: int) -> HttpResponse:
    record = selectors.merge_record_get_for_user(request.user, pk)
    kept, merged = record.kept, record.merged
    assert kept is not None and merged is not None
    with refusal_as_message(request):
        services.merge_undo(actor=request.user, record=record)
        messages.success(request, f"The merge is undone: “{merged}” is listed again.")
    return redirect(kept.get_absolute_url())


@require_POST
def duplicate_dismiss(request: SignedInRequest) -> HttpResponse:
    require(selectors.can_edit_directory(request.user), "Only those who keep the directory.")
    form = DismissForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a pair of entries.")
        return redirect("directory:cleanup")
    with refusal_as_message(request):
        services.duplicate_dismiss(
            actor=request.user,
            kind=form.cleaned_data["kind"],
            first_id=form.cleaned_data["first"],
            second_id=form.cleaned_data["second"],
        )
        messages.success(request, "Noted: that pair will not be offered again.")
    return redirect("directory:cleanup")


@require_POST
def organisation_place(request: SignedInRequest, pk: int) -> HttpResponse:
    require(selectors.can_edit_directory(request.user), "Only those who keep the directory.")
    organisation = selectors.organisation_get_for_user(request.user, pk)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the organisation to place it beneath.")
        return redirect("directory:cleanup")
    parent = selectors.organisation_get_for_user(request.user, form.cleaned_data["parent"])
    with refusal_as_message(request):
        services.organisation_parent_set(
            actor=request.user, organisation=organisation, parent=parent
        )
        messages.success(request, f"“{organisation}” is now beneath “{parent}”.")
    return redirect("directory:cleanup")


EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE}


def _export(request: SignedInRequest, fmt: str, name: str, columns, rows) -> HttpResponse:
    if fmt not in EXPORT_TYPES:
        raise Http404
    title = name.capitalize()
    data = exports.as_csv(columns, rows) if fmt == "csv" else exports.as_xlsx(title, columns, rows)
    response = HttpResponse(data, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="directory-{name}.{fmt}"'
    return response


def _q(request: SignedInRequest) -> str:
    search = DirectorySearchForm(request.GET)
    return search.cleaned_data["q"].strip() if search.is_valid() else ""


@require_GET
def people_export(request: SignedInRequest, fmt: str) -> HttpResponse:
    people = selectors.people_visible_to(request.user, _q(request))
    return _export(request, fmt, "people", exports.PEOPLE_COLUMNS, exports.people_rows(people))


@require_GET
def organisations_export(request: SignedInRequest, fmt: str) -> HttpResponse:
    organisations = selectors.organisations_visible_to(request.user, _q(request))
    rows = exports.organisation_rows(organisations)
    return _export(request, fmt, "organisations", exports.ORGANISATION_COLUMNS, rows)
