from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.core.concurrency import protect
from plantrack.core.services import require
from plantrack.core.views import errors_on
from plantrack.directory.models import Person
from plantrack.governance import selectors, services
from plantrack.governance.forms import (
    AgendaItemForm,
    BodyForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    OversightForm,
)
from plantrack.governance.models import Meeting
from plantrack.plans.selectors import plan_access, plan_get_for_user
from plantrack.plans.services import require_manager

NAV = "governance"
FORM = "governance/form.html"


def _posted(request: SignedInRequest):
    return request.POST if request.method == "POST" else None


def _form(request, form, title: str, *, body=None, meeting=None, plan=None) -> HttpResponse:
    """A form page; Cancel goes back to the meeting, the body, the plan or the tree."""
    context = {"form": form, "title": title, "body": body, "meeting": meeting, "plan": plan}
    return render(request, FORM, {**context, "nav_section": "plans" if plan else NAV})


# --- Bodies ---------------------------------------------------------------------------------


@require_GET
def bodies(request: SignedInRequest) -> HttpResponse:
    return render(
        request,
        "governance/bodies.html",
        {
            "nav_section": NAV,
            "tree": selectors.bodies_tree(request.user),
            "can_create": request.user.is_superuser
            or selectors.bodies_managed_by(request.user).exists(),
        },
    )


@require_GET
def body_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    user = request.user
    context = {
        "nav_section": NAV,
        "body": body,
        "can_manage": selectors.body_can_manage(user, body),
        "chain": selectors.body_chain(body),
        "members": selectors.body_members(body),
        "reporting": selectors.reporting_bodies(body),
        "oversights": selectors.oversights_for_body(user, body),
        "meetings": selectors.meetings_for_body(body)[:20],
        "decisions": selectors.decisions_for_body(user, body)[:30],
    }
    context["kept"] = {body.pk} if context["can_manage"] else set()
    return render(request, "governance/body_detail.html", context)


@require_http_methods(["GET", "POST"])
def body_create(request: SignedInRequest) -> HttpResponse:
    require(
        request.user.is_superuser or selectors.bodies_managed_by(request.user).exists(),
        "Only a site admin, or the chair or secretary of a body, can add a body.",
    )
    form = BodyForm(
        _posted(request), user=request.user, initial={"reports_to": request.GET.get("parent")}
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            body = services.body_create(actor=request.user, **form.cleaned_data)
            messages.success(request, f"“{body.name}” added.")
            return redirect("governance:body", pk=body.pk)
    return _form(request, form, "Add a governance body")


@require_http_methods(["GET", "POST"])
def body_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    services.require_keeper(request.user, body)
    form = BodyForm(_posted(request), user=request.user, instance=body)
    protect(form, body, lambda b: BodyForm(user=request.user, instance=b))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.body_update(actor=request.user, body=body, **form.cleaned_data)
            messages.success(request, "Body saved.")
            return redirect("governance:body", pk=body.pk)
    return _form(request, form, f"Edit “{body.name}”", body=body)


@require_http_methods(["GET", "POST"])
def member_add(request: SignedInRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    services.require_keeper(request.user, body)
    form = MemberForm(_posted(request), user=request.user, body=body)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.body_member_add(actor=request.user, body=body, **form.cleaned_data)
            messages.success(request, "Member added.")
            return redirect("governance:body", pk=body.pk)
    return _form(request, form, f"Add a member to {body.name}", body=body)


@require_POST
def member_remove(request: SignedInRequest, pk: int, person_pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    person = get_object_or_404(Person, pk=person_pk)
    services.body_member_remove(actor=request.user, body=body, person=person)
    messages.success(request, f"{person.display_name} removed.")
    return redirect("governance:body", pk=body.pk)


# --- Meetings -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request: SignedInRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    services.require_keeper(request.user, body)
    form = MeetingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            meeting = services.meeting_create(actor=request.user, body=body, **form.cleaned_data)
            messages.success(request, "Meeting added.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _form(request, form, f"Add a meeting of {body.name}", body=body)


def _meeting_form(meeting: Meeting) -> MeetingForm:
    return MeetingForm(instance=meeting)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, pk)
    services.require_keeper(request.user, meeting.body)
    form = protect(MeetingForm(_posted(request), instance=meeting), meeting, _meeting_form)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
            messages.success(request, "Meeting saved.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _form(request, form, "Edit meeting", body=meeting.body, meeting=meeting)


@require_GET
def meeting_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, pk)
    context = {
        "nav_section": NAV,
        "meeting": meeting,
        "body": meeting.body,
        "can_manage": selectors.body_can_manage(request.user, meeting.body),
        "agenda": selectors.agenda_for_meeting(request.user, meeting),
        "decisions": selectors.decisions_for_meeting(request.user, meeting),
    }
    context["kept"] = {meeting.body_id} if context["can_manage"] else set()
    return render(request, "governance/meeting_detail.html", context)


@require_http_methods(["GET", "POST"])
def agenda_item_add(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, pk)
    services.require_keeper(request.user, meeting.body)
    form = AgendaItemForm(_posted(request), user=request.user, body=meeting.body)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
            messages.success(request, "Agenda item added.")
            return redirect("governance:meeting", pk=meeting.pk)
    return _form(request, form, "Add an agenda item", body=meeting.body, meeting=meeting)


@require_POST
def agenda_item_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    item = selectors.agenda_item_get_for_user(request.user, pk)
    services.agenda_item_remove(actor=request.user, item=item)
    messages.success(request, "Agenda item removed.")
    return redirect("governance:meeting", pk=item.meeting_id)


@require_http_methods(["GET", "POST"])
def meeting_decision(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_get_for_user(request.user, pk)
    body = meeting.body
    services.require_keeper(request.user, body)
    initial = {"agenda_item": request.GET.get("item"), "decided_on": meeting.date}
    form = DecisionForm(
        _posted(request), user=request.user, body=body, meeting=meeting, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.decision_record(
                actor=request.user, body=body, meeting=meeting, **form.cleaned_data
            )
            messages.success(request, "Decision recorded.")
            return redirect("governance:meeting", pk=meeting.pk)
    title = f"Record a decision or sign-off: {meeting}"
    return _form(request, form, title, body=body, meeting=meeting)


@require_http_methods(["GET", "POST"])
def body_decision(request: SignedInRequest, pk: int) -> HttpResponse:
    body = selectors.body_get_for_user(request.user, pk)
    services.require_keeper(request.user, body)
    form = DecisionForm(_posted(request), user=request.user, body=body)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.decision_record(actor=request.user, body=body, **form.cleaned_data)
            messages.success(request, "Decision recorded.")
            return redirect("governance:body", pk=body.pk)
    title = f"Record a decision or sign-off of {body.name}"
    return _form(request, form, title, body=body)


def _decision_back(decision) -> HttpResponse:
    if decision.meeting_id:
        return redirect("governance:meeting", pk=decision.meeting_id)
    return redirect("governance:body", pk=decision.body_id)


@require_http_methods(["GET", "POST"])
def decision_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get_for_user(request.user, pk)
    services.require_keeper(request.user, decision.body)
    # Taken now: a refused correction must not show another meeting in the caption.
    body, meeting = decision.body, decision.meeting
    form = DecisionForm(
        _posted(request), user=request.user, body=body, meeting=meeting, decision=decision
    )
    protect(
        form,
        decision,
        lambda d: DecisionForm(user=request.user, body=body, meeting=meeting, decision=d),
    )
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.decision_update(actor=request.user, decision=decision, **form.cleaned_data)
            messages.success(request, "Decision saved.")
            return _decision_back(decision)
    title = "Edit a decision or sign-off"
    return _form(request, form, title, body=body, meeting=meeting)


@require_http_methods(["GET", "POST"])
def decision_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    decision = selectors.decision_get_for_user(request.user, pk)
    services.require_keeper(request.user, decision.body)
    if request.method == "POST":
        services.decision_delete(actor=request.user, decision=decision)
        messages.success(request, "Decision deleted.")
        return _decision_back(decision)
    context = {
        "nav_section": NAV,
        "decision": decision,
        "body": decision.body,
        "meeting": decision.meeting,
    }
    return render(request, "governance/decision_delete.html", context)


# --- A plan's governance --------------------------------------------------------------------


@require_GET
def plan_governance(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, pk)
    decisions = list(selectors.decisions_for_plan(plan)[:100])
    context = {
        "nav_section": "plans",
        "plan": plan,
        "access": plan_access(request.user, plan),
        "oversights": selectors.oversights_for_plan(plan),
        "decisions": decisions,
        "meetings": selectors.meetings_for_plan(plan)[:50],
        "kept": selectors.bodies_kept_among(request.user, {d.body_id for d in decisions}),
    }
    return render(request, "governance/plan_governance.html", context)


@require_http_methods(["GET", "POST"])
def oversight_create(request: SignedInRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, pk)
    require_manager(request.user, plan)
    form = OversightForm(_posted(request), plan=plan, initial={"body": request.GET.get("body")})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.oversight_set(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Oversight saved.")
            return redirect("governance:plan", pk=plan.pk)
    return _form(request, form, "Assign oversight", plan=plan)


@require_POST
def oversight_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    oversight = selectors.oversight_get_for_user(request.user, pk)
    services.oversight_remove(actor=request.user, oversight=oversight)
    messages.success(request, "Oversight removed.")
    return redirect("governance:plan", pk=oversight.plan_id)
