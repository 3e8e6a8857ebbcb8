# No "from __future__ import annotations": django-ninja reads these signatures at runtime.

from ninja import Router

from plantrack.core.api import READ_ONE, Id
from plantrack.plans.selectors import plan_get_for_user, section_get_for_user
from plantrack.reports.schemas import SummaryOut
from plantrack.reports.selectors import Summary, plan_report

router = Router(tags=["reports"])


def _out(summary: Summary) -> dict:
    return {
        "plan_id": summary.plan.pk,
        "section_id": summary.section.pk if summary.section else None,
        "on": summary.on,
        "delivery": summary.delivery,
        "sections": [
            {
                **row,
                "section_id": row["section"].pk if row["section"] else None,
                "title": row["section"].title if row["section"] else "",
            }
            for row in summary.sections
        ],
        "quarters": summary.quarters,
        "measures": summary.measures,
        "budget": summary.budget,
    }


@router.get("/plans/{plan_id}/summary", response={200: SummaryOut, **READ_ONE})
def plan_summary(request, plan_id: Id):
    """Delivery (counts by section), RAG at the end of the last four quarters, measures by
    judgement, and budget against spend by financial year."""
    return _out(plan_report(plan_get_for_user(request.user, plan_id)))


@router.get("/sections/{section_id}/summary", response={200: SummaryOut, **READ_ONE})
def section_summary(request, section_id: Id):
    """The same summary for one section (initiative) of a plan."""
    section = section_get_for_user(request.user, section_id)
    return _out(plan_report(section.plan, section))
