from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plantrack.accounts.http import SignedInRequest
from plantrack.budgets import exports, selectors, services
from plantrack.budgets.forms import (
    BudgetLineForm,
    FundingForm,
    FundingMoveForm,
    SpendForm,
    default_years,
)
from plantrack.budgets.history import budget_history
from plantrack.budgets.models import BudgetLine
from plantrack.core.concurrency import protect
from plantrack.core.views import errors_on
from plantrack.core.xlsx import xlsx_response
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plan_access, plan_get_for_user
from plantrack.plans.services import require_manager

FORM_TEMPLATE = "budgets/form.html"


def _posted(request: SignedInRequest) -> QueryDict | None:
    """The POST data to bind a form to, even when empty: an empty POST is still a submission."""
    return request.POST if request.method == "POST" else None


@require_GET
def budget_page(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    context = {
        "nav_section": "plans",
        "plan": plan,
        "access": plan_access(request.user, plan),
        "tables": selectors.budget_tables(plan),
        "summary": selectors.budget_summary(plan),
        "funding": selectors.funding_for_plan(plan),
        "spend": selectors.spend_for_plan(plan, limit=20),
        "entries": budget_history(plan.pk, limit=30),
    }
    return render(request, "budgets/budget_page.html", context)


@require_GET
def budget_export(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    return xlsx_response(exports.to_xlsx(plan), plan.title, "budget")


@require_http_methods(["GET", "POST"])
def line_create(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    years = default_years(selectors.plan_budget_years(plan))
    form = BudgetLineForm(_posted(request), plan=plan, years=years)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.budget_line_create(actor=request.user, plan=plan, **form.service_kwargs())
            messages.success(request, "Budget line added.")
            return redirect("budgets:plan", plan_pk=plan.pk)
    return _form(request, form, plan, "Add a budget line")


@require_http_methods(["GET", "POST"])
def line_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    line = selectors.budget_line_get_for_user(request.user, pk)
    plan = line.plan
    require_manager(request.user, plan)
    years = default_years(selectors.plan_budget_years(plan))
    form = BudgetLineForm(_posted(request), plan=plan, years=years, line=line)
    protect(form, line, lambda fresh: BudgetLineForm(plan=plan, years=years, line=fresh))
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.budget_line_update(
                actor=request.user,
                line=line,
                edit_version=form.cleaned_data["edit_version"],
                **form.service_kwargs(),
            )
            messages.success(request, "Budget line saved.")
            return redirect("budgets:plan", plan_pk=plan.pk)
    return _form(request, form, plan, f"Edit budget line “{line.name}”", delete=line)


@require_POST
def line_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    line = selectors.budget_line_get_for_user(request.user, pk)
    plan_pk = line.plan_id
    require_manager(request.user, line.plan)
    try:
        services.budget_line_delete(actor=request.user, line=line)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("budgets:line_edit", pk=pk)
    messages.success(request, "Budget line deleted.")
    return redirect("budgets:plan", plan_pk=plan_pk)


@require_http_methods(["GET", "POST"])
def spend_create(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    form = SpendForm(_posted(request), plan=plan, initial={"line": request.GET.get("line")})
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.spend_record(actor=request.user, **form.cleaned_data)
            messages.success(request, "Spend recorded.")
            return redirect("budgets:plan", plan_pk=plan.pk)
    return _form(request, form, plan, "Record spend")


@require_http_methods(["GET", "POST"])
def funding_create(request: SignedInRequest, plan_pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, plan_pk)
    require_manager(request.user, plan)
    form = FundingForm(_posted(request), plan=plan, user=request.user)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.funding_create(actor=request.user, plan=plan, **form.cleaned_data)
            messages.success(request, "Funding bid added.")
            return redirect("budgets:plan", plan_pk=plan.pk)
    return _form(request, form, plan, "Add a funding bid")


@require_http_methods(["GET", "POST"])
def funding_move(request: SignedInRequest, pk: int) -> HttpResponse:
    funding = selectors.funding_get_for_user(request.user, pk)
    plan = funding.plan
    require_manager(request.user, plan)
    form = FundingMoveForm(_posted(request), funding=funding)
    if request.method == "POST" and form.is_valid():
        with errors_on(form):
            services.funding_move(actor=request.user, funding=funding, **form.cleaned_data)
            messages.success(request, f"The bid is now {funding.get_status_display().lower()}.")
            return redirect("budgets:plan", plan_pk=plan.pk)
    title = f"Next step for “{funding.title}” ({funding.get_status_display().lower()})"
    return _form(request, form, plan, title)


def _form(
    request: SignedInRequest,
    form: BaseForm,
    plan: Plan,
    title: str,
    delete: BudgetLine | None = None,
) -> HttpResponse:
    context = {"form": form, "plan": plan, "title": title, "delete": delete}
    return render(request, FORM_TEMPLATE, context)
