from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from plantrack.plans.selectors import plan_access, plan_get_for_user, section_get_for_user
from plantrack.reports.charts import summary_charts
from plantrack.reports.selectors import plan_report


@require_GET
def plan_summary(request: HttpRequest, pk: int) -> HttpResponse:
    plan = plan_get_for_user(request.user, pk)
    return _render(request, plan_report(plan))


@require_GET
def section_summary(request: HttpRequest, pk: int) -> HttpResponse:
    section = section_get_for_user(request.user, pk)
    return _render(request, plan_report(section.plan, section))


def _render(request: HttpRequest, summary) -> HttpResponse:
    context = {
        "summary": summary,
        "plan": summary.plan,
        "charts": summary_charts(summary),
        "access": plan_access(request.user, summary.plan),
        "nav_section": "plans",
        "plan_tab": "summary",
    }
    return render(request, "reports/summary.html", context)
