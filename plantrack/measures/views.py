from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.accounts.models import User
from plantrack.core.concurrency import protect
from plantrack.core.views import errors_on
from plantrack.core.xlsx import xlsx_response
from plantrack.measures import exports, selectors, services
from plantrack.measures.forms import (
    BenefitForm,
    MeasureForm,
    ReadingForm,
    RealisedForm,
    SuggestionForm,
    TargetForm,
)
from plantrack.measures.models import Measure
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plan_access, plan_get_for_user, today
from plantrack.plans.services import require_manager


def _page(request: SignedInRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {"nav_section": "plans", **context})


# --- Measures -------------------------------------------------------------------------------


@require_GET
def measures_export(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    return xlsx_response(exports.to_xlsx(plan), plan.title, "measures")


@require_GET
def plan_measures(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    rows = selectors.measures_for_plan(plan)
    summary = selectors.judgement_counts(rows)
    return _page(
        request,
        "measures/plan_measures.html",
        {
            "plan": plan,
            "rows": rows,
            "summary": summary,
            "access": plan_access(request.user, plan),
        },
    )


@require_http_methods(["GET", "POST"])
def measure_create(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    initial = {"action": request.GET.get("action"), "section": request.GET.get("section")}
    form = MeasureForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            measure = services.measure_create(
                actor=request.user, plan=plan, **form.service_fields()
            )
            messages.success(request, f"Measure “{measure.name}” added.")
            return redirect("measures:detail", pk=measure.pk)
    return _page(
        request, "measures/form.html", {"form": form, "plan": plan, "title": "Add a measure"}
    )


@require_GET
def measure_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for_user(request.user, pk)
    access = plan_access(request.user, measure.plan)
    row = selectors.MeasureRow(measure, selectors.measure_judgement(measure))
    suggestion = None
    if measure.action is not None and measure.plan.measures_suggest_rag:
        suggestion = row.judgement.suggested_rag
    return _page(
        request,
        "measures/measure_detail.html",
        {
            "plan": measure.plan,
            "measure": measure,
            "row": row,
            "chart": mark_safe(selectors.measure_chart_svg(measure)),
            "readings": list(reversed(measure.readings.all())),
            "can_manage": access.can_manage,
            "can_record": services.can_record(request.user, measure),
            "reading_form": ReadingForm(initial={"date": today()}),
            "suggested_rag": suggestion,
            "history": selectors.measure_history(measure)[:50],
        },
    )


@require_GET
def measure_chart(request: SignedInRequest, pk: int) -> HttpResponse:
    """The chart alone, for an <img> or a download."""
    measure = selectors.measure_get_for_user(request.user, pk)
    return HttpResponse(selectors.measure_chart_svg(measure), content_type="image/svg+xml")


@require_http_methods(["GET", "POST"])
def measure_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for_user(request.user, pk)
    plan = measure.plan
    require_manager(request.user, plan)
    form = MeasureForm(request.POST or None, plan=plan, instance=measure, with_target=False)
    protect(form, measure, lambda m: MeasureForm(plan=plan, instance=m, with_target=False))
    if request.method == "POST" and form.is_valid():
        measure = selectors.measure_get_for_user(request.user, pk)
        with errors_on(form):
            # service_fields() holds the form's edit_version (core.concurrency.protect).
            services.measure_update(actor=request.user, measure=measure, **form.service_fields())
            messages.success(request, "Measure saved.")
            return redirect("measures:detail", pk=measure.pk)
    return _page(
        request,
        "measures/form.html",
        {"form": form, "plan": plan, "measure": measure, "title": "Edit measure"},
    )


@require_http_methods(["GET", "POST"])
def target_add(request: SignedInRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for_user(request.user, pk)
    require_manager(request.user, measure.plan)
    form = TargetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.target_add(actor=request.user, measure=measure, **form.cleaned_data)
            messages.success(request, "Target added.")
            return redirect("measures:detail", pk=measure.pk)
    return _page(
        request,
        "measures/form.html",
        {"form": form, "plan": measure.plan, "measure": measure, "title": "Add a target"},
    )


@require_POST
def target_remove(request: SignedInRequest, pk: int) -> HttpResponse:
    target = selectors.target_get_for_user(request.user, pk)
    measure_pk = target.measure_id
    services.target_remove(actor=request.user, target=target)
    messages.success(request, "Target removed.")
    return redirect("measures:detail", pk=measure_pk)


# --- Readings -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reading_create(request: SignedInRequest, pk: int) -> HttpResponse:
    measure = selectors.measure_get_for_user(request.user, pk)
    services.require_recorder(request.user, measure)
    form = ReadingForm(request.POST or None, initial={"date": today()})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.reading_record(actor=request.user, measure=measure, **form.cleaned_data)
            messages.success(request, "Reading recorded.")
            return redirect("measures:detail", pk=measure.pk)
    return _page(
        request,
        "measures/reading_form.html",
        {"form": form, "plan": measure.plan, "measure": measure},
    )


# --- Suggested measures ---------------------------------------------------------------------


@require_GET
def suggestions(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    return _page(
        request,
        "measures/suggestions.html",
        {"plan": plan, "rows": selectors.measure_suggestions_for_plan(plan)},
    )


def _suggestion_post(request: SignedInRequest, plan_pk: int, confirm: bool) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    form = SuggestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That suggestion could not be read: look again.")
        return redirect("measures:suggestions", plan_pk=plan.pk)
    data = form.cleaned_data
    try:
        if confirm:
            measure = _suggestion_confirm(request.user, plan, data)
            messages.success(request, f"Measure “{measure.name}” added.")
        else:
            _suggestion_dismiss(request.user, plan, data)
            messages.success(request, "Suggestion dismissed: it will not be offered again.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("measures:suggestions", plan_pk=plan.pk)


def _suggestion_confirm(actor: User, plan: Plan, data: dict[str, Any]) -> Measure:
    """The suggested measure of an action, or of a section, made a measure."""
    index, phrase, name = data["index"], data["phrase"], data["name"]
    if data["action"] is not None:
        return services.measure_create_from_suggestion(
            actor=actor,
            action=selectors.action_in_plan(plan, data["action"]),
            suggestion_index=index,
            phrase=phrase,
            name=name,
        )
    return services.measure_create_from_section_suggestion(
        actor=actor,
        section=selectors.section_in_plan(plan, data["section"]),
        suggestion_index=index,
        phrase=phrase,
        name=name,
    )


def _suggestion_dismiss(actor: User, plan: Plan, data: dict[str, Any]) -> None:
    """The suggestion of an action, or of a section, not offered again."""
    index, phrase = data["index"], data["phrase"]
    if data["action"] is not None:
        services.suggestion_dismiss(
            actor=actor,
            action=selectors.action_in_plan(plan, data["action"]),
            suggestion_index=index,
            phrase=phrase,
        )
    else:
        services.section_suggestion_dismiss(
            actor=actor,
            section=selectors.section_in_plan(plan, data["section"]),
            suggestion_index=index,
            phrase=phrase,
        )


@require_POST
def suggestion_confirm(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    return _suggestion_post(request, plan_pk, confirm=True)


@require_POST
def suggestion_dismiss(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    return _suggestion_post(request, plan_pk, confirm=False)


# --- Benefits -------------------------------------------------------------------------------


@require_GET
def benefits(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    return _page(
        request,
        "measures/benefits.html",
        {
            "plan": plan,
            "benefits": selectors.benefits_for_plan(plan),
            "totals": selectors.benefit_totals(plan),
            "can_manage": plan_access(request.user, plan).can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
def benefit_create(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    form = BenefitForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.benefit_create(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Benefit added.")
            return redirect("measures:benefits", plan_pk=plan.pk)
    return _page(
        request, "measures/form.html", {"form": form, "plan": plan, "title": "Add a benefit"}
    )


@require_http_methods(["GET", "POST"])
def benefit_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    benefit = selectors.benefit_get_for_user(request.user, pk)
    plan = benefit.plan
    require_manager(request.user, plan)
    form = BenefitForm(request.POST or None, plan=plan, instance=benefit)
    protect(form, benefit, lambda b: BenefitForm(plan=plan, instance=b))
    if request.method == "POST" and form.is_valid():
        benefit = selectors.benefit_get_for_user(request.user, pk)
        with errors_on(form):
            services.benefit_update(actor=request.user, benefit=benefit, **form.cleaned_data)
            messages.success(request, "Benefit saved.")
            return redirect("measures:benefits", plan_pk=plan.pk)
    return _page(
        request, "measures/form.html", {"form": form, "plan": plan, "title": "Edit benefit"}
    )


@require_http_methods(["GET", "POST"])
def benefit_realise(request: SignedInRequest, pk: int) -> HttpResponse:
    benefit = selectors.benefit_get_for_user(request.user, pk)
    require_manager(request.user, benefit.plan)
    form = RealisedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.benefit_record_realised(
                actor=request.user, benefit=benefit, **form.cleaned_data
            )
            messages.success(request, "Realised value recorded.")
            return redirect("measures:benefits", plan_pk=benefit.plan_id)
    return _page(
        request,
        "measures/form.html",
        {
            "form": form,
            "plan": benefit.plan,
            "title": f"Record the realised value of “{benefit.title}”",
        },
    )
