from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.core.services import require
from plantrack.core.views import paginate, run_service, submitted
from plantrack.directory.selectors import person_for_user
from plantrack.plans import selectors, services
from plantrack.plans.forms import (
    ActionFilterForm,
    ActionForm,
    MilestoneForm,
    PlanForm,
    RoleForm,
    SectionForm,
    UpdateForm,
)
from plantrack.plans.history import action_history, plan_history
from plantrack.plans.models import Milestone, Plan, Section

User = get_user_model()


def _rows(actions, access, on):
    return [
        {
            "action": action,
            "flags": selectors.action_flags(action, on),
            "can_update": access(action) if callable(access) else False,
        }
        for action in actions
    ]


def _group_by_section(rows: list[dict]) -> list[dict]:
    groups: list[dict] = []
    for section, members in groupby(rows, key=lambda row: row["action"].section):
        title = section.title if section else "Not in a section"
        groups.append({"section": section, "title": title, "rows": list(members)})
    return groups


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    on = selectors.today()
    roles = selectors.roles_by_plan(request.user)
    mine = list(selectors.my_actions(request.user)[:50])
    rows = _rows(
        mine,
        lambda a: roles.get(a.plan_id) in ("manager", "contributor") or request.user.is_superuser,
        on,
    )
    plans = selectors.plans_with_counts(request.user).filter(status=Plan.Status.ACTIVE)
    return render(
        request,
        "plans/home.html",
        {
            "nav_section": "home",
            "rows": rows,
            "person": person_for_user(request.user),
            "plans": plans.order_by("title")[:25],
            "recent_updates": selectors.recent_updates(request.user, 10),
        },
    )


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = selectors.plans_with_counts(request.user).order_by("title")
    return render(
        request,
        "plans/plan_list.html",
        {"nav_section": "plans", "page": paginate(request, plans, 50)},
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    access = selectors.plan_access(request.user, plan)
    form = ActionFilterForm(
        request.GET or None,
        owners=selectors.owners_in_plan(plan),
        organisations=selectors.organisations_in_plan(plan),
    )
    filters = form.filters()
    actions = list(selectors.plan_actions(plan, filters))
    rows = _rows(actions, access.can_post_update, selectors.today())
    grouped = filters.sort == "position"
    context = {
        "groups": _group_by_section(rows) if grouped else [],
        "nav_section": "plans",
        "plan": plan,
        "access": access,
        "form": form,
        "filters": filters,
        "rows": rows,
        "grouped": grouped,
        "summary": selectors.plans_with_counts(request.user).get(pk=plan.pk),
    }
    template = "plans/plan_detail.html"
    if request.htmx:
        template += "#actions"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if plan := submitted(request, form, services.plan_create, actor=request.user):
        messages.success(request, f"Plan “{plan.title}” created.")
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "title": "Create a plan"})


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = PlanForm(request.POST or None, instance=plan, initial={"period_text": plan.period_text})
    if request.method == "POST" and form.is_valid():
        plan = selectors.plan_get_for_user(request.user, pk)
        if run_service(
            form, services.plan_update, actor=request.user, plan=plan, **form.cleaned_data
        ):
            messages.success(request, "Plan saved.")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "title": "Edit plan"})


@require_GET
def plan_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    page = paginate(request, plan_history(plan), 50)
    return render(
        request, "plans/history.html", {"plan": plan, "page": page, "nav_section": "plans"}
    )


@require_http_methods(["GET", "POST"])
def plan_members(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    access = selectors.plan_access(request.user, plan)
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        services.require_manager(request.user, plan)
        if form.is_valid():
            user = User.objects.filter(username__iexact=form.cleaned_data["username"]).first()
            if user is None:
                form.add_error("username", "There is no user with that username.")
            elif run_service(
                form,
                services.plan_role_set,
                actor=request.user,
                plan=plan,
                user=user,
                role=form.cleaned_data["role"],
            ):
                messages.success(request, f"{user.username} is now {form.cleaned_data['role']}.")
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
def plan_member_remove(request: HttpRequest, pk: int, user_pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    user = get_object_or_404(User, pk=user_pk)
    form = RoleForm()
    if (
        run_service(form, services.plan_role_remove, actor=request.user, plan=plan, user=user)
        is None
        and form.errors
    ):
        messages.error(request, " ".join(form.non_field_errors()))
    return redirect("plans:members", pk=plan.pk)


@require_http_methods(["GET", "POST"])
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = SectionForm(request.POST or None)
    if submitted(request, form, services.section_create, actor=request.user, plan=plan):
        messages.success(request, "Section added.")
        return redirect("plans:detail", pk=plan.pk)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": "Add a section"}
    )


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = get_object_or_404(
        Section.objects.filter(plan__in=selectors.plans_visible_to(request.user)), pk=pk
    )
    plan = section.plan
    services.require_manager(request.user, plan)
    form = SectionForm(request.POST or None, instance=section)
    if submitted(request, form, services.section_update, actor=request.user, section=section):
        messages.success(request, "Section saved.")
        return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/form.html", {"form": form, "plan": plan, "title": "Edit section"})


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk)
    access = selectors.plan_access(request.user, action.plan)
    return render(
        request,
        "plans/action_detail.html",
        {
            "nav_section": "plans",
            "action": action,
            "plan": action.plan,
            "access": access,
            "can_update": access.can_post_update(action),
            "flags": selectors.action_flags(action, selectors.today()),
            "updates": selectors.action_updates(action),
            "history": action_history(action)[:30],
            "form": UpdateForm(action=action),
        },
    )


@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_user(request.user, pk)
    services.require_manager(request.user, plan)
    form = ActionForm(
        request.POST or None, plan=plan, initial={"section": request.GET.get("section")}
    )
    if action := submitted(request, form, services.action_create, actor=request.user, plan=plan):
        messages.success(request, "Action added.")
        return redirect("plans:action", pk=action.pk)
    return render(
        request, "plans/form.html", {"form": form, "plan": plan, "title": "Add an action"}
    )


@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk)
    services.require_manager(request.user, action.plan)
    form = ActionForm(request.POST or None, instance=action, plan=action.plan)
    if request.method == "POST" and form.is_valid():
        action = selectors.action_get_for_user(request.user, pk)
        if run_service(
            form, services.action_update, actor=request.user, action=action, **form.cleaned_data
        ):
            messages.success(request, "Action saved.")
            return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "action": action, "title": "Edit action"},
    )


@require_http_methods(["GET", "POST"])
def update_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk)
    form = UpdateForm(request.POST or None, action=action)
    if submitted(request, form, services.update_post, actor=request.user, action=action):
        messages.success(request, "Update posted.")
        return redirect("plans:action", pk=action.pk)
    elif request.method == "GET":
        require(
            selectors.plan_access(request.user, action.plan).can_post_update(action),
            "Only the action's owners and the plan's managers can post updates.",
        )
    return render(
        request,
        "plans/update_form.html",
        {"form": form, "action": action, "plan": action.plan, "nav_section": "plans"},
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(
        Milestone.objects.filter(action__in=selectors.actions_visible_to(request.user)), pk=pk
    )
    action = milestone.action
    services.require_manager(request.user, action.plan)
    initial = {"title": milestone.title, "due_text": milestone.due_text, "done": milestone.done}
    form = MilestoneForm(request.POST or None, initial=initial)
    if submitted(request, form, services.milestone_update, actor=request.user, milestone=milestone):
        messages.success(request, "Milestone saved.")
        return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "action": action, "title": "Edit milestone"},
    )


@require_http_methods(["GET", "POST"])
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_get_for_user(request.user, pk)
    services.require_manager(request.user, action.plan)
    form = MilestoneForm(request.POST or None)
    if submitted(request, form, services.milestone_create, actor=request.user, action=action):
        messages.success(request, "Milestone added.")
        return redirect("plans:action", pk=action.pk)
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "action": action, "title": "Add a milestone"},
    )
