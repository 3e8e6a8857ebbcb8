from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core import hooks
from plantrack.core.cache import cached, query_key
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on, paginate
from plantrack.directory.selectors import person_for_user
from plantrack.evidence.selectors import evidence_for_many
from plantrack.plans import selectors, services
from plantrack.plans.forms import (
    ActionFilterForm,
    ActionForm,
    BulkForm,
    DeleteForm,
    MilestoneForm,
    PlanForm,
    RoleForm,
    SectionForm,
    UpdateForm,
)
from plantrack.plans.history import action_history, plan_history
from plantrack.plans.models import Action, Milestone, Plan, Section

User = get_user_model()


def _group_by_section(rows: list[dict]) -> list[dict]:
    groups: list[dict] = []
    for section, members in groupby(rows, key=lambda row: row["action"].section):
        title = section.title if section else "Not in a section"
        groups.append({"section": section, "title": title, "rows": list(members)})
    return groups


HOME_ACTIONS = 10
HOME_PLANS = 25


def _my_actions_html(request: SignedInRequest, limit: int | None) -> str:
    """The user's open actions as a table; cached while none of their plans changes."""
    user = request.user
    page_number = request.GET.get("page") if limit is None else None

    def build() -> str:
        on = selectors.today()
        actions = selectors.my_actions(user)
        page = None
        shown: Iterable[Action]
        if limit is None:
            page = Paginator(actions, 100).get_page(page_number)
            shown = page.object_list
        else:
            shown = actions[:limit]
        rows = [{"action": a, "flags": selectors.action_flags(a, on)} for a in shown]
        context = {"rows": rows, "page": page, "total": selectors.my_action_count(user)}
        return render_to_string("plans/my_actions.html#list", context, request=request)

    versions = tuple(selectors.my_plan_versions(user))
    key = ("my-actions", user.pk, selectors.today(), versions, limit, page_number)
    return mark_safe(cached(key, build))


@require_GET
def home(request: SignedInRequest) -> HttpResponse:
    user = request.user
    plan_versions = selectors.plan_versions_page(user, HOME_PLANS, status=Plan.Status.ACTIVE)
    plan_ids = [pk for pk, _ in plan_versions]
    plans_html = cached(
        ("home-plans", selectors.today(), tuple(plan_versions)),
        lambda: render_to_string(
            "plans/_plan_table.html",
            {"plans": selectors.plans_with_counts(user, plan_ids).order_by("title")},
        ),
    )
    # A new update anywhere changes the newest id; a change of access changes the plan set.
    visible = selectors.visible_plan_ids(user)
    recent_html = cached(
        ("home-recent", user.is_superuser, selectors.newest_update_id(), tuple(visible)),
        lambda: render_to_string(
            "plans/home.html#recent",
            {"recent_updates": selectors.recent_updates(user, 10, visible)},
        ),
    )
    return render(
        request,
        "plans/home.html",
        {
            "nav_section": "home",
            "my_actions_html": _my_actions_html(request, HOME_ACTIONS),
            "person": person_for_user(user),
            "plans_html": mark_safe(plans_html),
            "recent_html": mark_safe(recent_html),
        },
    )


@require_GET
def my_actions(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "plans/my_actions.html",
        {
            "nav_section": "mine",
            "my_actions_html": _my_actions_html(request, None),
            "person": person_for_user(request.user),
        },
    )


@require_GET
def plan_list(request: SignedInRequest) -> HttpResponse:
    # Page through plan ids first, so that only the plans on this page are counted.
    page = paginate(request, selectors.plans_visible_to(request.user).order_by("title"), 50)
    ids = [plan.pk for plan in page.object_list]
    plans = selectors.plans_with_counts(request.user, ids).order_by("title")
    return render(
        request, "plans/plan_list.html", {"nav_section": "plans", "page": page, "plans": plans}
    )


def _actions_html(plan: Plan, filters: selectors.ActionFilters, can_manage: bool) -> str:
    rows = [
        {"action": action, "flags": selectors.action_flags(action, selectors.today())}
        for action in selectors.plan_actions(plan, filters)
    ]
    grouped = filters.sort == "position"
    context = {
        "plan": plan,
        "can_manage": can_manage,
        "filters": filters,
        "rows": rows,
        "grouped": grouped,
        "groups": _group_by_section(rows) if grouped else [],
    }
    return render_to_string("plans/plan_detail.html#actions", context)


def _filters_html(plan: Plan, form: ActionFilterForm) -> str:
    form.with_options(selectors.owners_in_plan(plan), selectors.organisations_in_plan(plan))
    return render_to_string("plans/plan_detail.html#filters", {"plan": plan, "form": form})


@require_GET
def plan_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    access = selectors.plan_access(request.user, plan)
    form = ActionFilterForm(request.GET or None)
    filters = form.filters()
    # What the lists show depends only on the plan's data, the day and the filters; the
    # permission check above runs on every request, the rendering only when the plan changes.
    key = (plan.pk, plan.version, selectors.today(), query_key(request.GET))
    actions_html = cached(
        ("plan-actions", access.can_manage, *key),
        lambda: _actions_html(plan, filters, access.can_manage),
    )
    if request.htmx:
        return HttpResponse(actions_html)
    context = {
        "nav_section": "plans",
        "plan": plan,
        "access": access,
        "actions_html": mark_safe(actions_html),
        "filters_html": mark_safe(
            cached(("plan-filters", *key), lambda: _filters_html(plan, form))
        ),
        "summary": cached(key[:3], lambda: selectors.plan_summary(plan)),
        "unreadable": cached(
            ("plan-unreadable", *key[:2]), lambda: selectors.unreadable_deadlines(plan)
        ),
        # Oversight and decisions bump the plan's version too (governance services).
        "governance_html": mark_safe(
            cached(
                ("plan-governance", *key[:2]),
                lambda: render_to_string("plans/_governance.html", {"plan": plan}),
            )
        ),
    }
    return render(request, "plans/plan_detail.html", context)


def _warn_unreadable(request: SignedInRequest, action) -> None:
    """Saved as written, but said: a deadline that cannot be read never makes it overdue."""
    if selectors.deadline_unreadable(action):
        messages.warning(request, selectors.UNREADABLE_MESSAGE.format(action.due_text))


@require_http_methods(["GET", "POST"])
def plan_create(request: SignedInRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"Plan “{plan.title}” created.")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": "Create a plan"})


@require_http_methods(["GET", "POST"])
def plan_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = PlanForm(request.POST or None, instance=plan, initial={"period_text": plan.period_text})
    protect(form, plan, lambda p: PlanForm(instance=p, initial={"period_text": p.period_text}))
    if request.method == "POST" and form.is_valid():
        plan = selectors.plan_get_for_user(request.user, pk)
        with errors_on(form):
            services.plan_update(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Plan saved.")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "title": "Edit plan"})


@require_GET
def plan_history_view(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    page = paginate(request, plan_history(plan), 50)
    return render(
        request, "plans/history.html", {"plan": plan, "page": page, "nav_section": "plans"}
    )


@require_http_methods(["GET", "POST"])
def plan_members(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    access = selectors.plan_access(request.user, plan)
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        services.require_manager(request.user, plan)
        if form.is_valid():
            user = User.objects.filter(username__iexact=form.cleaned_data["username"]).first()
            role = form.cleaned_data["role"]
            if user is None:
                form.add_error("username", "There is no user with that username.")
            else:
                with errors_on(form):
                    services.plan_role_set(actor=request.user, plan=plan, user=user, role=role)
                    messages.success(request, f"{user.username} is now {role}.")
                    return redirect("plans:members", pk=plan.pk)
    return render(
        request,
        "plans/members.html",
        {
            "plan": plan,
            "access": access,
            "roles": selectors.plan_roles(plan),
            "form": form,
            "nav_section": "plans",
        },
    )


@require_POST
def plan_member_remove(request: SignedInRequest, pk: int, user_pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    user = get_object_or_404(User, pk=user_pk)
    try:
        services.plan_role_remove(actor=request.user, plan=plan, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:members", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def section_create(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.section_create(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Section added.")
            return redirect("plans:detail", pk=plan.pk)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": "Add a section"}
    )


def _section_form(section: Section) -> SectionForm:
    return SectionForm(instance=section)


@require_http_methods(["GET", "POST"])
def section_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    section = selectors.section_get_for_user(request.user, pk)
    plan = section.plan
    services.require_manager(request.user, plan)
    form = protect(SectionForm(request.POST or None, instance=section), section, _section_form)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.section_update(actor=request.user, section=section, **form.cleaned_data)
            messages.success(request, "Section saved.")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "title": "Edit section"})


def _action_body(pk: int, user, access: selectors.PlanAccess, can_update: bool) -> str:
    action = selectors.action_get_for_user(user, pk)
    updates = list(selectors.action_updates(action))
    for u in updates:
        u.action = action  # named in the evidence links' hidden text: no query per update
    # The evidence of every update in one query; who may add to which update is the rule of
    # selectors.update_evidence_attachable, from what is already known here.
    evidence = evidence_for_many(updates)
    rows = [
        {
            "update": u,
            "evidence": evidence[u],
            "can_attach": access.can_manage or (can_update and u.author_id == user.pk),
        }
        for u in updates
    ]
    context = {
        "action": action,
        "access": access,
        "can_update": can_update,
        "flags": selectors.action_flags(action, selectors.today()),
        "updates": rows,
        "history": action_history(action)[:30],
    }
    return render_to_string("plans/action_detail.html#body", context)


@require_GET
def action_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_light(request.user, pk)
    access = selectors.plan_access(request.user, action.plan)
    can_update = access.can_post_update(action)
    # Everything on the page changes only through services that bump the plan's version.
    # An owner may add evidence to their own updates only, so their body is their own.
    author = request.user.pk if can_update and not access.can_manage else None
    key = (
        "action",
        pk,
        action.plan.version,
        selectors.today(),
        access.can_manage,
        can_update,
        author,
    )
    body = cached(key, lambda: _action_body(pk, request.user, access, can_update))
    return render(
        request,
        "plans/action_detail.html",
        {
            "nav_section": "plans",
            "action": action,
            "plan": action.plan,
            "body": mark_safe(body),
            # Not cached with the body: what the viewer may see of higher apps varies by them.
            "sections": hooks.collect(hooks.ACTION_PAGE, request, action),
        },
    )


@require_http_methods(["GET", "POST"])
def action_create(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = ActionForm(
        request.POST or None, plan=plan, initial={"section": request.GET.get("section")}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            action = services.action_create(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Action added.")
            _warn_unreadable(request, action)
            return redirect("plans:action", pk=action.pk)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": "Add an action"}
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk)
    services.require_manager(request.user, action.plan)
    form = ActionForm(request.POST or None, instance=action, plan=action.plan)
    protect(form, action, lambda a: ActionForm(instance=a, plan=action.plan))
    if request.method == "POST" and form.is_valid():
        action = selectors.action_get_for_user(request.user, pk)
        with errors_on(form):
            services.action_update(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, "Action saved.")
            _warn_unreadable(request, action)
            return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "action": action, "title": "Edit action"},
    )


@require_http_methods(["GET", "POST"])
def update_create(request: SignedInRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_light(request.user, pk)
    posted = request.method == "POST"
    form = UpdateForm(
        request.POST if posted else None, request.FILES if posted else None, action=action
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            # The service refuses (403) anyone who may not post; asked once, on the hot path.
            services.update_post(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, "Update posted.")
            return redirect("plans:action", pk=action.pk)
    # The form, new or with its errors, only for those who may post: others get 403, never a
    # form re-shown.
    require(
        selectors.plan_access(request.user, action.plan).can_post_update(action),
        "Only the action's owners and the plan's managers can post updates.",
    )
    return render(
        request,
        "plans/update_form.html",
        {"form": form, "action": action, "plan": action.plan, "nav_section": "plans"},
    )


def _milestone_initial(milestone: Milestone) -> dict:
    return {"title": milestone.title, "due_text": milestone.due_text, "done": milestone.done}


@require_http_methods(["GET", "POST"])
def milestone_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(
        Milestone.objects.filter(action__in=selectors.actions_visible_to(request.user)), pk=pk
    )
    action = milestone.action
    services.require_manager(request.user, action.plan)
    form = protect(
        MilestoneForm(request.POST or None, initial=_milestone_initial(milestone)),
        milestone,
        lambda m: MilestoneForm(initial=_milestone_initial(m)),
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.milestone_update(actor=request.user, milestone=milestone, **form.cleaned_data)
            messages.success(request, "Milestone saved.")
            return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "action": action, "title": "Edit milestone"},
    )


@require_http_methods(["GET", "POST"])
def milestone_create(request: SignedInRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk)
    services.require_manager(request.user, action.plan)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.milestone_create(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, "Milestone added.")
            return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "action": action, "title": "Add a milestone"},
    )


# --- Many actions at once; deleting and restoring ---------------------------------------------


@require_http_methods(["GET", "POST"])
def plan_bulk(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = BulkForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        kind, arguments = form.service_arguments()
        with errors_on(form):
            if kind == "post":
                services.updates_bulk_post(actor=request.user, plan=plan, **arguments)
                done = f"The update was posted to {len(arguments['actions'])} actions."
            else:
                count = services.actions_bulk_update(actor=request.user, plan=plan, **arguments)
                done = f"{count} action{'s' if count != 1 else ''} changed."
            messages.success(request, done)
            return redirect("plans:detail", pk=plan.pk)
    context = {"form": form, "plan": plan, "title": "Change several actions"}
    return render(request, "plans/bulk.html", context)


@require_http_methods(["GET", "POST"])
def action_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_light(request.user, pk)
    services.require_manager(request.user, action.plan)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.action_delete(actor=request.user, action=action, **form.cleaned_data)
            messages.success(request, f"{action.long_label(80)} deleted. A manager can restore it.")
            return redirect("plans:deleted", pk=action.plan_id)
    return _confirm_delete(request, form, action.plan, action.long_label(120), action=action)


@require_http_methods(["GET", "POST"])
def section_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    section = selectors.section_get_for_user(request.user, pk)
    services.require_manager(request.user, section.plan)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.section_delete(actor=request.user, section=section, **form.cleaned_data)
            messages.success(request, f"Section {section.title} and its actions deleted.")
            return redirect("plans:deleted", pk=section.plan_id)
    count = Action.objects.filter(section=section).count()
    what = f"section {section.title} and its {count} action{'s' if count != 1 else ''}"
    return _confirm_delete(request, form, section.plan, what, section=section)


def _confirm_delete(request, form, plan: Plan, what: str, **target) -> HttpResponse:
    context = {"form": form, "plan": plan, "what": what, **target}
    return render(request, "plans/delete.html", context)


@require_GET
def plan_deleted(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    sections, actions = selectors.deleted_of_plan(plan)
    context = {"plan": plan, "sections": sections, "actions": actions}
    return render(request, "plans/deleted.html", context)


@require_POST
def action_restore(request: SignedInRequest, pk: int) -> HttpResponse:
    action = selectors.deleted_action_get(request.user, pk)
    try:
        services.action_restore(actor=request.user, action=action)
        messages.success(request, f"{action.long_label(80)} restored.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("plans:deleted", pk=action.plan_id)


@require_POST
def section_restore(request: SignedInRequest, pk: int) -> HttpResponse:
    section = selectors.deleted_section_get(request.user, pk)
    services.section_restore(actor=request.user, section=section)
    messages.success(request, f"Section {section.title} and the actions deleted with it restored.")
    return redirect("plans:deleted", pk=section.plan_id)
