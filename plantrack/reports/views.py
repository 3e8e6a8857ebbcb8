from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from plantrack.accounts.http import SignedInRequest
from plantrack.core.cache import cached
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import (
    plan_access,
    plan_get_for_user,
    section_get_for_user,
    today,
)
from plantrack.reports.charts import summary_charts
from plantrack.reports.selectors import plan_report


@require_GET
def plan_summary(request: SignedInRequest, pk: int) -> HttpResponse:
    return _render(request, plan_get_for_user(request.user, pk))


@require_GET
def section_summary(request: SignedInRequest, pk: int) -> HttpResponse:
    section = section_get_for_user(request.user, pk)
    return _render(request, section.plan, section)


def _render(request: SignedInRequest, plan: Plan, section: Section | None = None) -> HttpResponse:
    access = plan_access(request.user, plan)
    # Every write to the plan, its measures and its budget bumps plan.version; judgements,
    # quarters and spending flags move with the date.
    key = (
        "plan-summary",
        plan.pk,
        plan.version,
        section and section.pk,
        today(),
        access.can_manage,
    )

    def build() -> str:
        summary = plan_report(plan, section)
        context = {"summary": summary, "plan": plan, "charts": summary_charts(summary)}
        return render_to_string("reports/summary.html#body", {**context, "access": access})

    context = {
        "summary": {"section": section},
        "plan": plan,
        "body": mark_safe(cached(key, build)),
        "nav_section": "plans",
        "plan_tab": "summary",
    }
    return render(request, "reports/summary.html", context)
