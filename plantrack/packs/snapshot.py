"""The snapshot behind a board pack: everything the PDF, Word and Excel outputs show, as plain
JSON (counts as integers, money as decimal strings, dates as ISO strings, charts as SVG
strings), so that a published pack renders the same whatever happens to the plans later.

For a body and a period it holds the plans and sections the body oversees (governance
Oversight: a whole plan, or one section of it), and for each: the plan_report numbers and
charts, the actions by section, the measures with their charts and the budget summary; then,
across them, the exceptions (red, amber, overdue, off-track) with the owners' commentary for
the period, and the body's decisions log from the start of the period up to the meeting.

The number of queries grows with the number of plans and sections overseen, never with the
number of actions, measures or updates in them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from itertools import groupby
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlsplit

from django.db.models import Prefetch
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.charts import RAG_COLOURS, Series, bar_chart
from plantrack.core.finyears import period_with_name
from plantrack.evidence.files import type_label
from plantrack.evidence.models import Evidence
from plantrack.evidence.selectors import evidence_for_ids
from plantrack.governance.models import Body, Commentary, Meeting, Oversight
from plantrack.governance.selectors import subject_text
from plantrack.measures.judgement import Status as Judged
from plantrack.measures.selectors import format_value, measure_chart_svg, measures_for_plan
from plantrack.packs.engagement import engagement_section
from plantrack.packs.selectors import (
    decisions_for,
    latest_update_subquery,
    period_bounds,
    reasons_for,
)
from plantrack.packs.self_assessment import self_assessment_section
from plantrack.plans.models import Action, ActionOwner, Plan, Section, Update
from plantrack.plans.selectors import CLOSED, today
from plantrack.reports.charts import summary_charts
from plantrack.reports.selectors import RAGS, plan_report

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _LatestUpdate(TypedDict):
    latest_update_id: int | None  # latest_update_subquery


SNAPSHOT_VERSION = 1
RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue", "": "Not rated"}
DELIVERY_KEYS = (
    "action_count",
    "complete_count",
    "red_count",
    "amber_count",
    "green_count",
    "blue_count",
    "unrated_count",
    "overdue_count",
    "update_due_count",
)
MEASURE_KEYS = ("on_track", "at_risk", "off_track", "no_data", "total")
# Exceptions are listed worst first.
EXCEPTION_ORDER = {"red": 0, "amber": 1}

Progress = Callable[[int, int], None]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _parts(body: Body) -> list[tuple[Plan, Section | None, str]]:
    """(plan, section or None, strategic lead) for each thing the body oversees: a whole plan
    wins over sections of it. One query."""
    oversights = (
        Oversight.objects.filter(body=body)
        .select_related("plan__owner_organisation", "section", "lead")
        .order_by("plan__title", "plan_id", "section__position", "section_id")
    )
    parts: list[tuple[Plan, Section | None, str]] = []
    for _, group in groupby(oversights, key=lambda o: o.plan_id):
        rows = list(group)
        whole = next((o for o in rows if o.section_id is None), None)
        chosen = [whole] if whole else rows
        for o in chosen:
            lead = o.lead.display_name if o.lead else o.lead_text
            parts.append((o.plan, o.section, lead))
    return parts


def _actions(plan: Plan, section: Section | None) -> list[WithAnnotations[Action, _LatestUpdate]]:
    actions = Action.objects.filter(plan=plan)
    if section is not None:
        actions = actions.filter(section=section)
    return list(
        actions.select_related("section")
        .prefetch_related(
            Prefetch("ownerships", queryset=ActionOwner.objects.select_related("person"))
        )
        .annotate(latest_update_id=latest_update_subquery())
        .order_by("section__position", "section_id", "position", "id")
    )


def _updates(actions: list[WithAnnotations[Action, _LatestUpdate]]) -> dict[int, dict[str, Any]]:
    """The latest update of each action, with the evidence attached to it (two queries)."""
    ids = [a.latest_update_id for a in actions if a.latest_update_id]
    if not ids:
        return {}
    evidence = evidence_for_ids(Update, ids)
    return {
        row["action_id"]: {**row, "evidence": [_evidence(e) for e in evidence[row["id"]]]}
        for row in Update.objects.filter(pk__in=ids).values(
            "id", "action_id", "date", "narrative", "author_name", "rag"
        )
    }


def _evidence(evidence: Evidence) -> dict[str, Any]:
    """A file or link as a pack lists it: its title and what it is, never its bytes or where
    it is kept (a board member downloads it from PlanTrack, as the page it hangs on allows)."""
    return {
        "title": evidence.title,
        "kind": evidence.kind,
        "type": type_label(evidence.mime_type) if evidence.is_file else "Link",
        "size": evidence.size,
        "host": "" if evidence.is_file else (urlsplit(evidence.url).hostname or ""),
    }


def _commentary(actions: Sequence[Action], period: str) -> dict[int, dict]:
    ids = [a.pk for a in actions]
    if not ids:
        return {}
    return {
        row["action_id"]: {
            "text": row["text"],
            "author": row["author_name"],
            "updated": row["updated_at"].date().isoformat(),
        }
        for row in Commentary.objects.filter(period=period, action_id__in=ids).values(
            "action_id", "text", "author_name", "updated_at"
        )
    }


def _measure(row, chart: str) -> dict:
    measure, verdict = row.measure, row.judgement
    latest, target = row.latest, row.next_target

    def fmt(value) -> str:
        return format_value(value, measure.unit)

    return {
        "id": measure.pk,
        "name": measure.name,
        "unit": measure.unit_label or measure.get_unit_display(),
        "direction": measure.get_direction_display(),
        "action_id": measure.action_id,
        "action_ref": measure.action.ref if measure.action_id else "",
        "owner": measure.owner.display_name if measure.owner_id else "",
        "baseline": fmt(measure.baseline_value) if measure.baseline_value is not None else "",
        "judgement": verdict.status.value,
        "judgement_label": verdict.label,
        "reason": verdict.reason,
        "latest": fmt(latest.value) if latest else "",
        "latest_date": _iso(latest.date) if latest else None,
        "target": fmt(target.value) if target else "",
        "target_date": _iso(target.date) if target else None,
        "chart": chart,
    }


def _action(action: Action, on: dt.date, update: dict | None, commentary: dict | None) -> dict:
    open_ = action.status not in CLOSED
    return {
        "id": action.pk,
        "ref": action.ref,
        "title": action.title,
        "section": action.section.title if action.section else "",
        "owners": [o.person.display_name for o in action.ownerships.all()]
        or ([action.owner_text] if action.owner_text else []),
        "due": action.due_text,
        "due_date": _iso(action.due_latest),
        "status": action.status,
        "status_label": action.get_status_display(),
        "rag": action.rag,
        "rag_label": RAG_LABELS.get(action.rag, ""),
        "overdue": open_ and action.due_latest is not None and action.due_latest < on,
        "latest_update": {
            "date": _iso(update["date"]),
            "text": update["narrative"],
            "author": update["author_name"],
            "evidence": update["evidence"],
        }
        if update
        else None,
        "commentary": commentary,
    }


def _delivery(delivery: dict) -> dict:
    return {key: int(delivery.get(key) or 0) for key in DELIVERY_KEYS} | {
        "complete_share": int(delivery.get("complete_share") or 0)
    }


def _budget(budget: dict, whole_plan: bool) -> dict:
    return {
        "by_year": [
            {
                "label": row["label"],
                "budget": _money(row["budget"]),
                "spend": _money(row["spend"]),
                "variance": _money(row["variance"]),
                "over": bool(row["over"]),
            }
            for row in budget["by_year"]
        ],
        "total": {k: _money(v) for k, v in budget["total"].items()},
        "flags": [flag["message"] for flag in budget["flags"]],
        "funding": {
            "approved": _money(budget["funding"]["approved"]),
            "pending": _money(budget["funding"]["pending"]),
        }
        if whole_plan
        else None,
    }


def _part(
    plan: Plan, section: Section | None, lead: str, period: str, on: dt.date
) -> tuple[dict, list[dict]]:
    """One plan or section of the pack, and its exceptions."""
    summary = plan_report(plan, section, on)
    charts = summary_charts(summary)
    actions = _actions(plan, section)
    updates = _updates(actions)
    commentary = _commentary(actions, period)
    in_part = {row.measure.pk for row in summary.measure_rows}
    measure_rows = [row for row in measures_for_plan(plan) if row.measure.pk in in_part]
    measures = [
        _measure(row, measure_chart_svg(row.measure, size="half", judgement=row.judgement))
        for row in measure_rows
    ]

    scope = section.title if section else "Whole plan"
    off_track: dict[int, list[str]] = {}
    exceptions = []
    for m in measures:
        if m["judgement"] != Judged.OFF_TRACK:
            continue
        if m["action_id"]:
            off_track.setdefault(m["action_id"], []).append(m["name"])
        else:
            exceptions.append(
                {
                    "kind": "measure",
                    "plan": plan.title,
                    "scope": scope,
                    "section": section.title if section else "",
                    "ref": "",
                    "title": m["name"],
                    "owners": [m["owner"]] if m["owner"] else [],
                    "rag": "",
                    "rag_label": "",
                    "due": m["target_date"] or "",
                    "reasons": ["Measure off track"],
                    "detail": m["reason"],
                    "commentary": None,
                    "action_id": None,
                    "order": 3,
                }
            )

    rows = [_action(a, on, updates.get(a.pk), commentary.get(a.pk)) for a in actions]
    for action, row in zip(actions, rows, strict=True):
        if row["status"] in CLOSED:
            continue
        # The rule the commentary pages use (red, amber, overdue or a measure off track).
        reasons = reasons_for(action, on, off_track)
        if reasons:
            exceptions.append(
                {
                    "kind": "action",
                    "plan": plan.title,
                    "scope": scope,
                    # Refs restart in each section of some plans: the row names its section.
                    "section": row["section"],
                    "ref": row["ref"],
                    "title": row["title"],
                    "owners": row["owners"],
                    "rag": row["rag"],
                    "rag_label": row["rag_label"],
                    "due": row["due"],
                    "reasons": reasons,
                    "commentary": row["commentary"],
                    "action_id": row["id"],
                    "order": EXCEPTION_ORDER.get(row["rag"], 2),
                }
            )

    sections = [
        {"title": title or "Not in a section", "actions": list(group)}
        for title, group in groupby(rows, key=lambda r: r["section"])
    ]
    part = {
        "plan_id": plan.pk,
        "section_id": section.pk if section else None,
        "title": plan.title if section is None else f"{plan.title}: {section.title}",
        "plan_title": plan.title,
        "scope": scope,
        "organisation": plan.owner_organisation.name,
        "lead": lead,
        # What the plan says of itself, or of the section the body oversees.
        "period": plan.period_text,
        "about": section.description if section else plan.summary,
        "delivery": _delivery(summary.delivery),
        "by_section": [
            {"title": r["section"].title if r["section"] else "Not in a section"} | _delivery(r)
            for r in summary.sections
        ],
        "quarters": [
            {"label": q["label"], "end": _iso(q["end"]), **{rag: int(q[rag]) for rag in RAGS}}
            for q in summary.quarters
        ],
        "measure_counts": {k: int(summary.measures.get(k, 0)) for k in MEASURE_KEYS},
        "measures": measures,
        "budget": _budget(summary.budget, section is None),
        "charts": {
            "quarters": charts.get("quarters", ""),
            "budget": charts.get("budget", ""),
            "measures": charts.get("measures", ""),
        },
        "sections": sections,
    }
    return part, exceptions


def _sum(parts: list[dict], key: str, fields) -> dict:
    return {f: sum(p[key][f] for p in parts) for f in fields}


def _quarters(parts: list[dict]) -> list[dict]:
    if not parts:
        return []
    rows = [
        {"label": q["label"], "end": q["end"], **dict.fromkeys(RAGS, 0)}
        for q in parts[0]["quarters"]
    ]
    for part in parts:
        for row, q in zip(rows, part["quarters"], strict=True):
            for rag in RAGS:
                row[rag] += q[rag]
    return rows


def quarters_chart(rows: list[dict], title: str) -> str:
    if not any(row[rag] for row in rows for rag in RAGS):
        return ""
    return bar_chart(
        [row["label"].replace("-", " ") for row in rows],
        [Series(RAG_LABELS[rag], [row[rag] for row in rows], RAG_COLOURS[rag]) for rag in RAGS],
        stacked=True,
        title=f"RAG of the actions overseen by {title} at the end of each of the last four "
        "quarters, and now",
        description="Stacked bars, one per quarter: how many actions stood at red, amber, "
        "green and blue. The table beside gives the numbers.",
        y_label="Actions",
        chart_id="pack-quarters",
    )


def build_snapshot(
    body: Body,
    period: str,
    meeting: Meeting | None = None,
    *,
    prepared_by: str = "",
    on: dt.date | None = None,
    progress: Progress | None = None,
    engagement: bool = False,
    self_assessment: bool = False,
    reader: User | None = None,
) -> tuple[dict, list[int]]:
    """The snapshot for a body and period (already normalised), and the ids of the plans in it.
    ``engagement`` adds the engagement section, of the registers ``reader`` may read;
    ``self_assessment`` the self-assessment section, of the cycles ``reader`` may read."""
    on = on or today()
    start, end = period_bounds(period)
    parts_to_build = _parts(body)
    total = len(parts_to_build) + 1
    parts, exceptions = [], []
    for done, (plan, section, lead) in enumerate(parts_to_build):
        if progress:
            progress(done, total)
        part, found = _part(plan, section, lead, period, on)
        parts.append(part)
        exceptions += found
    exceptions.sort(key=lambda e: e["order"])

    until = meeting.date if meeting else end
    decisions = [
        {
            "date": d.decided_on.isoformat(),
            "kind": d.get_kind_display(),
            "text": d.text,
            "meeting": str(d.meeting) if d.meeting_id else "",
            "about": subject_text(d.subject),
        }
        for d in decisions_for(body, start, until, sorted({p["plan_id"] for p in parts}))
    ]
    quarters = _quarters(parts)
    delivery = _sum(parts, "delivery", DELIVERY_KEYS)
    delivery["complete_share"] = (
        round(100 * delivery["complete_count"] / delivery["action_count"])
        if delivery["action_count"]
        else 0
    )
    missing = sum(1 for e in exceptions if e["kind"] == "action" and not e["commentary"])
    title = _title(body, period, meeting)
    plan_ids = sorted({p["plan_id"] for p in parts})
    snapshot = {
        "version": SNAPSHOT_VERSION,
        "title": title,
        "period": period,
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "as_at": on.isoformat(),
        "generated_at": timezone.now().replace(microsecond=0).isoformat(),
        "prepared_by": prepared_by,
        "body": {
            "id": body.pk,
            "name": body.name,
            "short_name": body.short_name,
            "kind": body.get_kind_display(),
            "chair": body.chair.display_name if body.chair is not None else body.chair_text,
        },
        "meeting": {
            "id": meeting.pk,
            "date": meeting.date.isoformat(),
            "title": meeting.title,
            "location": meeting.location,
        }
        if meeting
        else None,
        "summary": {
            "delivery": delivery,
            "measures": _sum(parts, "measure_counts", MEASURE_KEYS),
            "quarters": quarters,
            "plans": len({p["plan_id"] for p in parts}),
            "exceptions": len(exceptions),
            "missing_commentary": missing,
        },
        "charts": {"quarters": quarters_chart(quarters, body.short_name or body.name)},
        "exceptions": exceptions,
        "parts": parts,
        "decisions": decisions,
        "engagement": engagement_section(plan_ids, period, start, end, reader)
        if engagement
        else None,
        "self_assessment": self_assessment_section(plan_ids, reader, on)
        if self_assessment
        else None,
    }
    if progress:
        progress(total, total)
    return snapshot, plan_ids


def _title(body: Body, period: str, meeting: Meeting | None) -> str:
    if meeting:
        return f"{body.name}: board pack for {meeting.date:%-d %B %Y} ({period})"
    return f"{body.name}: board pack for {period_with_name(period)}"
