from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from plantrack.accounts.http import SignedInRequest
from plantrack.core.cache import cached
from plantrack.core.views import paginate
from plantrack.core.xlsx import XLSX_TYPE
from plantrack.directory.models import Organisation
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import (
    action_flags,
    plan_access,
    plan_get_for_user,
    plans_visible_to,
    section_get_for_user,
    today,
)
from plantrack.reports.charts import mix_bar, summary_charts
from plantrack.reports.exports import EXPORT_LIMIT, action_rows, to_csv, to_xlsx
from plantrack.reports.forms import GroupingForm, PortfolioFilterForm
from plantrack.reports.selectors import (
    GROUPINGS,
    MIX,
    RAGS,
    PortfolioFilters,
    PortfolioGroup,
    oversight_rows,
    plan_report,
)
from plantrack.reports.selectors import portfolio as portfolio_of
from plantrack.reports.selectors import portfolio_actions as portfolio_actions_of


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


# --- Portfolio -------------------------------------------------------------------------------

PORTFOLIO_PAGE = 100


def _group_query(by: str, key: str) -> dict[str, str]:
    """The list filter for one group of the portfolio (nothing for the total)."""
    if by == "organisation":
        return {"org": key} if key else {}
    if by == "body":
        return {"body": key or "none"}
    return {"theme": key} if key else {"nosection": "1"}


def _links(base: dict[str, str], group: PortfolioGroup, ends) -> dict[str, Any]:
    url = reverse("reports:portfolio_actions")

    def link(**more: str) -> str:
        return f"{url}?{urlencode({**base, **more})}"

    open_ = {"open": "1"}

    def at(rag: str, end: dt.date) -> str:
        return link(rag=rag, asof=end.isoformat())

    links: dict[str, Any] = {
        "actions": link(),
        "overdue": link(overdue="1"),
        "update_due": link(update_due="1"),
        "mix": [
            (rag, label, n, link(rag=rag, **({} if rag == "blue" else open_)))
            for rag, label, n in group.mix
        ],
        "trend": [
            (quarter, [(rag, at_end[rag], at(rag, end)) for rag in RAGS if at_end[rag]])
            for at_end, (quarter, end) in zip(group.trend, ends, strict=True)
        ],
    }
    return links


@require_GET
def portfolio(request: SignedInRequest) -> HttpResponse:
    form = GroupingForm(request.GET)
    valid = form.is_valid()
    by = (form.cleaned_data["by"] if valid else "") or "organisation"
    user = request.user
    versions = tuple(plans_visible_to(user).order_by("pk").values_list("pk", "version"))

    def build() -> str:
        data = portfolio_of(user, by)
        rows = [
            {
                "group": g,
                "links": _links(_group_query(by, g.key), g, data.quarters),
                "bar": mix_bar(g),
            }
            for g in data.groups
        ]
        total = {
            "group": data.total,
            "links": _links({}, data.total, data.quarters),
            "bar": mix_bar(data.total),
        }
        context = {
            "portfolio": data,
            "rows": rows,
            "total": total,
            "mix": MIX,
            "label": GROUPINGS[by],
        }
        return render_to_string("reports/portfolio.html#body", context)

    # Plan versions move with every change to the plans, their actions, updates and
    # oversight (and a body's name); overdue and quarters move with the date.
    body = cached(("portfolio", by, today(), versions), build)
    tabs = [
        (key, f"By {label[0].lower()}{label[1:]}", f"?by={key}") for key, label in GROUPINGS.items()
    ]
    context = {
        "nav_section": "portfolio",
        "by": by,
        "tabs": tabs,
        "error": "" if valid else "Group by must be organisation, governance body or theme.",
        "body": mark_safe(body),
    }
    return render(request, "reports/portfolio.html", context)


def _described(request: SignedInRequest, filters: PortfolioFilters) -> list[str]:
    """The filters of a portfolio list in words, for its heading and its downloads."""
    words: list[str] = []
    if filters.organisation is not None:
        name = Organisation.objects.filter(pk=filters.organisation).values_list("name", flat=True)
        words.append(f"Organisation: {name.first() or 'unknown'}")
    if filters.body == "none":
        words.append("Governance body: none")
    elif filters.body:
        plans = plans_visible_to(request.user)
        names = {str(b): n for b, n, _, _ in oversight_rows(plans)}
        words.append(f"Governance body: {names.get(filters.body, 'none you can see')}")
    if filters.theme is not None:
        words.append(f"Theme: {filters.theme}")
    if filters.no_section:
        words.append("Not in a section")
    f = filters.actions
    if f.rag:
        rags = ", ".join(dict(MIX).get(r, r).lower() for r in f.rag)
        when = f" at the end of {filters.asof:%-d %B %Y}" if filters.asof else ""
        words.append(f"RAG{when}: {rags}")
    if f.status:
        words.append("Status: " + ", ".join(f.status))
    if filters.open_only:
        words.append("Open actions only")
    if f.overdue:
        words.append("Overdue")
    if f.update_due:
        words.append("Update due")
    if f.review_due:
        words.append("Review due")
    if f.q:
        words.append(f"Matching “{f.q}”")
    return words


def _filtered(request: SignedInRequest) -> tuple[PortfolioFilterForm, PortfolioFilters | None]:
    form = PortfolioFilterForm(request.GET)
    return form, form.portfolio_filters() if form.is_valid() else None


@require_GET
def portfolio_actions(request: SignedInRequest) -> HttpResponse:
    form, filters = _filtered(request)
    context: dict[str, Any] = {"nav_section": "portfolio", "form": form, "error": ""}
    if filters is None:
        context["error"] = form.first_error()
        return render(request, "reports/portfolio_actions.html", context, status=400)
    on = today()
    page = paginate(request, portfolio_actions_of(request.user, filters), PORTFOLIO_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context |= {
        "page": page,
        "rows": [{"action": a, "flags": action_flags(a, on)} for a in page.object_list],
        "described": _described(request, filters),
        "query": query.urlencode(),
        "export_limit": EXPORT_LIMIT,
    }
    return render(request, "reports/portfolio_actions.html", context)


@require_GET
def portfolio_export(request: SignedInRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    form, filters = _filtered(request)
    if filters is None:
        return HttpResponse(
            form.first_error(), status=400, content_type="text/plain; charset=utf-8"
        )
    rows = action_rows(portfolio_actions_of(request.user, filters), today())
    title = "Portfolio actions" + "".join(f" – {w}" for w in _described(request, filters))
    if fmt == "xlsx":
        response = HttpResponse(to_xlsx(rows, title), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(to_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="portfolio-actions.{fmt}"'
    return response
