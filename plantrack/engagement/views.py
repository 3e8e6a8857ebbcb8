from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.models import User
from plantrack.core import hooks
from plantrack.core.cache import cached, query_key
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate
from plantrack.directory.selectors import can_edit_organisation, organisation_get_for_user
from plantrack.engagement import phrases, selectors, services
from plantrack.engagement.evaluation.forms import EvaluationForm
from plantrack.engagement.evaluation.render import evaluation_html
from plantrack.engagement.forms import (
    ActivityFilterForm,
    ActivityForm,
    CommunitiesServedForm,
    FollowUpForm,
    GroupForm,
    ManagerForm,
    OutcomeForm,
    OutputForm,
    RegisterForm,
    UpdateForm,
)
from plantrack.engagement.models import Activity, Group
from plantrack.evidence.selectors import evidence_for_many
from plantrack.plans.selectors import plans_visible_to, today

NAV = "engagement"
FORM = "engagement/form.html"
EVALUATE = "engagement/evaluate.html"


def _posted(request: SignedInRequest):
    return request.POST if request.method == "POST" else None


def _form(request, form, title: str, *, register=None, activity=None) -> HttpResponse:
    context = {
        "nav_section": NAV,
        "form": form,
        "title": title,
        "register": register,
        "activity": activity,
    }
    return render(request, FORM, context)


# --- Registers ------------------------------------------------------------------------------


@require_GET
def registers(request: SignedInRequest) -> HttpResponse:
    context = {
        "nav_section": NAV,
        "registers": selectors.registers_for_list(request.user),
        "can_create": selectors.can_create_register(request.user),
    }
    return render(request, "engagement/registers.html", context)


@require_http_methods(["GET", "POST"])
def register_create(request: SignedInRequest) -> HttpResponse:
    require(
        selectors.can_create_register(request.user),
        "A register belongs to an organisation: you are a member of none.",
    )
    form = RegisterForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            register = services.register_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"“{register.title}” added.")
            return redirect(register)
    return _form(request, form, "Add an engagement register")


def _register_lists(request: SignedInRequest, register) -> dict[str, str]:
    filters = ActivityFilterForm(request.GET or None, register=register)
    activities = selectors.activities_for_register(register, filters.to_filter())
    context = {
        "register": register,
        "filters": filters,
        "page": paginate(request, activities, selectors.PAGE_SIZE),
    }
    template = "engagement/register_detail.html"
    return {
        f"{part}_html": render_to_string(f"{template}#{part}", context, request)
        for part in ("filters", "activities")
    }


@require_GET
def register_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    register = selectors.register_get_for_user(request.user, pk)
    # The filters and the list are the same for every reader: cached under the register's
    # version (every engagement write moves it), the areas and the query, page included.
    query = (query_key(request.GET), request.GET.get("page"))
    key = ("register-lists", *selectors.register_cache_key(register), query)
    lists = cached(key, lambda: _register_lists(request, register))
    context = {
        "nav_section": NAV,
        "register": register,
        "access": selectors.register_access(request.user, register),
        **{name: mark_safe(html) for name, html in lists.items()},
        "groups": selectors.groups_for(register),
        "managers": selectors.register_managers(register),
    }
    return render(request, "engagement/register_detail.html", context)


@require_http_methods(["GET", "POST"])
def register_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    register = selectors.register_get_for_user(request.user, pk)
    services.require_manager(request.user, register)
    form = RegisterForm(_posted(request), user=request.user, instance=register)
    protect(form, register, lambda r: RegisterForm(user=request.user, instance=r))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.register_update(actor=request.user, register=register, **form.cleaned_data)
            messages.success(request, "Register saved.")
            return redirect(register)
    return _form(request, form, f"Edit “{register.title}”", register=register)


@require_http_methods(["GET", "POST"])
def manager_add(request: SignedInRequest, pk: int) -> HttpResponse:
    register = selectors.register_get_for_user(request.user, pk)
    services.require_manager(request.user, register)
    form = ManagerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.register_manager_add(
                actor=request.user, register=register, user=form.cleaned_data["username"]
            )
            messages.success(request, "Manager added.")
            return redirect(register)
    return _form(request, form, "Add a manager", register=register)


@require_POST
def manager_remove(request: SignedInRequest, pk: int, user_pk: int) -> HttpResponse:
    register = selectors.register_get_for_user(request.user, pk)
    user = get_object_or_404(User, pk=user_pk)
    try:
        services.register_manager_remove(actor=request.user, register=register, user=user)
        messages.success(request, "Manager removed.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(register)


# --- Groups ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def group_create(request: SignedInRequest, pk: int) -> HttpResponse:
    register = selectors.register_get_for_user(request.user, pk)
    services.require_manager(request.user, register)
    form = GroupForm(_posted(request), register=register)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.group_create(actor=request.user, register=register, **form.cleaned_data)
            messages.success(request, "Group added.")
            return redirect(register)
    return _form(request, form, "Add a business group", register=register)


def _group(request: SignedInRequest, pk: int) -> Group:
    return selectors.group_get_for_user(request.user, pk)


@require_http_methods(["GET", "POST"])
def group_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    services.require_manager(request.user, group.register)
    form = GroupForm(_posted(request), register=group.register, instance=group)
    protect(form, group, lambda g: GroupForm(register=g.register, instance=g))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.group_update(actor=request.user, group=group, **form.cleaned_data)
            messages.success(request, "Group saved.")
            return redirect(group.register)
    return _form(request, form, f"Edit “{group.name}”", register=group.register)


@require_http_methods(["GET", "POST"])
def group_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    services.require_manager(request.user, group.register)
    if request.method == "POST":
        services.group_delete(actor=request.user, group=group)
        messages.success(request, "Group deleted; its activities stay in the register.")
        return redirect(group.register)
    return _confirm(
        request,
        group.register,
        f"Delete the group “{group.name}”?",
        "Its activities stay in the register, without a group.",
    )


def _confirm(request, register, title: str, warning: str, activity=None) -> HttpResponse:
    context = {
        "nav_section": NAV,
        "register": register,
        "activity": activity,
        "title": title,
        "warning": warning,
    }
    return render(request, "engagement/confirm_delete.html", context)


# --- Activities -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def activity_create(request: SignedInRequest, pk: int) -> HttpResponse:
    register = selectors.register_get_for_user(request.user, pk)
    services.require_manager(request.user, register)
    form = ActivityForm(
        _posted(request),
        user=request.user,
        register=register,
        initial={"group": request.GET.get("group"), "status": Activity.Status.PLANNED},
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            activity = services.activity_create(
                actor=request.user, register=register, **form.cleaned_data
            )
            messages.success(request, "Activity added.")
            return redirect(activity)
    return _form(request, form, "Add an activity", register=register)


@require_GET
def activity_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, pk)
    detail = selectors.activity_detail(activity)
    can_edit = selectors.can_edit_activity(request.user, activity)
    recorded = {(o.kind, o.count) for o in detail["outputs"]}
    texts = [activity.communities_text, activity.aim, activity.method_text, activity.description]
    evidence = evidence_for_many([activity, *detail["outcomes"]])
    for outcome in detail["outcomes"]:
        outcome.evidence_items = evidence[outcome]
    context = {
        "nav_section": NAV,
        "activity": activity,
        "register": activity.register,
        "can_edit": can_edit,
        "can_manage": selectors.register_access(request.user, activity.register).can_manage,
        "linked_actions": selectors.linked_actions(request.user, activity),
        "suggestions": phrases.suggestions_for(texts, recorded) if can_edit else [],
        "activity_evidence": evidence[activity],
        "sections": hooks.collect(hooks.ACTIVITY_PAGE, request, activity),
        **detail,
    }
    return render(request, "engagement/activity_detail.html", context)


@require_http_methods(["GET", "POST"])
def activity_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, pk)
    services.require_editor(request.user, activity)
    register = activity.register
    form = ActivityForm(_posted(request), user=request.user, register=register, instance=activity)
    protect(
        form, activity, lambda a: ActivityForm(user=request.user, register=register, instance=a)
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.activity_update(actor=request.user, activity=activity, **form.cleaned_data)
            messages.success(request, "Activity saved.")
            return redirect(activity)
    return _form(request, form, "Edit the activity", register=register, activity=activity)


@require_http_methods(["GET", "POST"])
def activity_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_get_for_user(request.user, pk)
    services.require_manager(request.user, activity.register)
    if request.method == "POST":
        services.activity_delete(actor=request.user, activity=activity)
        messages.success(request, "Activity deleted.")
        return redirect(activity.register)
    return _confirm(
        request,
        activity.register,
        f"Delete “{activity.title[:80]}”?",
        "Its outputs, outcomes, follow-ups and updates go with it. The audit history keeps them.",
        activity,
    )


# --- Outputs, outcomes, follow-ups, updates -------------------------------------------------


def _editable_activity(request: SignedInRequest, pk: int) -> Activity:
    activity = selectors.activity_get_for_user(request.user, pk)
    services.require_editor(request.user, activity)
    return activity


def _on_activity(request, activity: Activity, form, title: str, save, message: str):
    """A form about one of an activity's things; ``save(cleaned_data)`` calls the service.
    Back to the activity when it is saved, the form again with the refusal when not."""
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            save(form.cleaned_data)
            messages.success(request, message)
            return redirect(activity)
    return _form(request, form, title, register=activity.register, activity=activity)


def _editable(request: SignedInRequest, get, pk: int):
    """An output, outcome or follow-up (``get``: its selector, 404 if unseen) that the user
    may edit (403 if not)."""
    row = get(request.user, pk)
    services.require_editor(request.user, row.activity)
    return row


@require_http_methods(["GET", "POST"])
def output_create(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = _editable_activity(request, pk)
    return _on_activity(
        request,
        activity,
        OutputForm(_posted(request)),
        "Record an output",
        lambda data: services.output_record(actor=request.user, activity=activity, **data),
        "Output recorded.",
    )


@require_POST
def output_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record a count suggested from the activity's words, as offered on its page."""
    activity = _editable_activity(request, pk)
    texts = [activity.communities_text, activity.aim, activity.method_text, activity.description]
    offered = {(s.kind, s.count): s for s in phrases.suggestions_for(texts, set())}
    try:
        key = (request.POST.get("kind", ""), int(request.POST.get("count", "")))
    except ValueError:
        key = ("", 0)
    suggestion = offered.get(key)
    if suggestion is None:
        messages.error(request, "That count is no longer suggested: record it with the form.")
        return redirect(activity)
    services.output_record(
        actor=request.user,
        activity=activity,
        kind=suggestion.kind,
        count=suggestion.count,
        source_text=suggestion.source_text,
    )
    messages.success(request, f"{suggestion.count} {suggestion.kind_label.lower()} recorded.")
    return redirect(activity)


@require_http_methods(["GET", "POST"])
def output_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    output = _editable(request, selectors.output_get_for_user, pk)
    form = OutputForm(_posted(request), instance=output)
    protect(form, output, lambda o: OutputForm(instance=o))
    return _on_activity(
        request,
        output.activity,
        form,
        "Edit the output",
        lambda data: services.output_update(actor=request.user, output=output, **data),
        "Output saved.",
    )


@require_POST
def output_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    output = _editable(request, selectors.output_get_for_user, pk)
    services.output_delete(actor=request.user, output=output)
    messages.success(request, "Output deleted.")
    return redirect(output.activity)


@require_http_methods(["GET", "POST"])
def outcome_create(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = _editable_activity(request, pk)
    return _on_activity(
        request,
        activity,
        OutcomeForm(_posted(request)),
        "Record “you said, we did”",
        lambda data: services.outcome_record(actor=request.user, activity=activity, **data),
        "“You said, we did” recorded.",
    )


@require_http_methods(["GET", "POST"])
def outcome_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    outcome = _editable(request, selectors.outcome_get_for_user, pk)
    form = OutcomeForm(_posted(request), instance=outcome)
    protect(form, outcome, lambda o: OutcomeForm(instance=o))
    return _on_activity(
        request,
        outcome.activity,
        form,
        "Edit “you said, we did”",
        lambda data: services.outcome_update(actor=request.user, outcome=outcome, **data),
        "Outcome saved.",
    )


@require_POST
def outcome_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    outcome = _editable(request, selectors.outcome_get_for_user, pk)
    try:
        services.outcome_delete(actor=request.user, outcome=outcome)
        messages.success(request, "Outcome deleted.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(outcome.activity)


@require_http_methods(["GET", "POST"])
def follow_up_create(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = _editable_activity(request, pk)
    return _on_activity(
        request,
        activity,
        FollowUpForm(_posted(request), register=activity.register),
        "Add a follow-up",
        lambda data: services.follow_up_create(actor=request.user, activity=activity, **data),
        "Follow-up added.",
    )


@require_http_methods(["GET", "POST"])
def follow_up_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    follow_up = _editable(request, selectors.follow_up_get_for_user, pk)
    register = follow_up.activity.register
    form = FollowUpForm(_posted(request), register=register, instance=follow_up)
    protect(form, follow_up, lambda f: FollowUpForm(register=register, instance=f))
    return _on_activity(
        request,
        follow_up.activity,
        form,
        "Edit the follow-up",
        lambda data: services.follow_up_update(actor=request.user, follow_up=follow_up, **data),
        "Follow-up saved.",
    )


@require_POST
def follow_up_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    follow_up = _editable(request, selectors.follow_up_get_for_user, pk)
    services.follow_up_delete(actor=request.user, follow_up=follow_up)
    messages.success(request, "Follow-up deleted.")
    return redirect(follow_up.activity)


@require_http_methods(["GET", "POST"])
def update_create(request: SignedInRequest, pk: int) -> HttpResponse:
    activity = _editable_activity(request, pk)
    return _on_activity(
        request,
        activity,
        UpdateForm(_posted(request)),
        "Post an update",
        lambda data: services.activity_update_post(actor=request.user, activity=activity, **data),
        "Update posted.",
    )


# --- Evaluation (engagement/evaluation/) ----------------------------------------------------


@require_GET
def register_evaluate(request: SignedInRequest, pk: int) -> HttpResponse:
    """Quantity, spread, quality and benefits for an area, group and period; the body cached
    under the register's version (engagement/evaluation/render.py)."""
    register = selectors.register_get_for_user(request.user, pk)
    on = today()
    form = EvaluationForm(request.GET or None, register=register, on=on)
    chosen = form.choice()
    # The choices (691 places in the benchmark) render as the register's filters do.
    key = (
        "evaluation-choices",
        *selectors.register_cache_key(register),
        on,
        query_key(request.GET),
    )
    context = {
        "nav_section": NAV,
        "register": register,
        "chosen": chosen,
        "choices_html": mark_safe(
            cached(
                key,
                lambda: render_to_string(
                    f"{EVALUATE}#choices", {"form": form, "register": register}, request
                ),
            )
        ),
        "body": evaluation_html(register, chosen, plans_visible_to(request.user)),
    }
    return render(request, EVALUATE, context)


# --- An organisation's communities ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def organisation_communities(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = organisation_get_for_user(request.user, pk)
    require(
        can_edit_organisation(request.user, organisation),
        "Only members of the organisation can say which communities it serves.",
    )
    form = CommunitiesServedForm(
        _posted(request),
        initial={"communities": selectors.communities_served(organisation)},
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.organisation_communities_set(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
            messages.success(request, "Communities saved.")
            return redirect(organisation)
    return render(
        request,
        "engagement/communities_form.html",
        {
            "nav_section": "organisations",
            "form": form,
            "title": f"Communities {organisation.name} serves",
            "organisation": organisation,
        },
    )
