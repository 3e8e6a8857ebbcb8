"""A plan written out in the shape the importer reads back: xlsx, csv and JSON.

Exporting a plan and importing the file gives the same plan (tested). Spreadsheet formula
injection is neutralised: xlsx cells, the title in A1 included, are written as strings through
plantrack.core.xlsx, which Excel never evaluates; csv cells that a spreadsheet would take for a
formula get a leading apostrophe, which the csv reader removes again (readers/delimited.py).
The apostrophe stays in a csv opened in a spreadsheet; it is the usual defence (OWASP's), and
the csv is meant to be read back, which restores the text exactly. Control characters stored
before input was cleaned are dropped in xlsx and csv alike (plantrack.core.text).
"""

from __future__ import annotations

import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import Workbook
from openpyxl.styles import Font

from plantrack.core.csvfile import csv_bytes
from plantrack.core.xlsx import append_row, workbook_bytes
from plantrack.plans.models import Action, ActionOrganisation, Plan

HEADERS = [
    "Ref",
    "Strategy Cross Reference",
    "Theme",
    "Action",
    "Description",
    "Lead and Supporting Agencies",
    "Owner",
    "Start",
    "Review date",
    "Deadline",
    "RAG",
    "Status",
    "Progress",
    "Milestones",
]


def _actions(plan: Plan):
    return (
        Action.objects.filter(plan=plan)
        .select_related("section")
        .prefetch_related("ownerships__person", "agencies__organisation", "updates", "milestones")
        .order_by("section__position", "section_id", "position", "id")
    )


def _update_lines(action: Action) -> list[str]:
    # Oldest first, one per line, dated the way the importer splits them.
    updates = sorted(action.updates.all(), key=lambda u: (u.date is not None, u.date, u.pk))
    return [
        f"{u.date.strftime('%d/%m/%Y')} – {u.narrative}" if u.date else u.narrative for u in updates
    ]


def plan_rows(plan: Plan) -> list[list[str]]:
    """The header and one row per action, as text."""
    rows = [list(HEADERS)]
    for action in _actions(plan):
        agencies = sorted(action.agencies.all(), key=lambda a: (a.role != "lead", a.position))
        owners = action.owner_text or "; ".join(
            o.person.display_name for o in action.ownerships.all()
        )
        rows.append(
            [
                action.ref,
                action.strategy_refs,
                action.section.title if action.section else "",
                action.title,
                action.description,
                # The first is read back as the lead, the rest as supporting.
                "; ".join(a.organisation.name for a in agencies),
                owners,
                action.start_text,
                action.review_text,
                action.due_text,
                action.get_rag_display() if action.rag else "",
                action.get_status_display(),
                "\n".join(_update_lines(action)),
                "\n".join(m.title for m in action.milestones.all()),
            ]
        )
    return rows


def to_xlsx(plan: Plan) -> bytes:
    workbook = Workbook()
    sheet = workbook.create_sheet("Plan")
    workbook.remove(workbook.worksheets[0])
    append_row(sheet, [plan.title], font=Font(bold=True, size=14), wrap=False)
    rows = plan_rows(plan)
    append_row(sheet, rows[0], bold=True)
    for row in rows[1:]:
        append_row(sheet, row)
    widths = [10, 12, 20, 60, 40, 30, 25, 14, 14, 18, 8, 14, 60, 40]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A3"
    return workbook_bytes(workbook)


def to_csv(plan: Plan) -> bytes:
    return csv_bytes(plan_rows(plan))


def to_json(plan: Plan) -> bytes:
    roles = {
        ActionOrganisation.Role.LEAD: "lead_organisations",
        ActionOrganisation.Role.SUPPORTING: "supporting_organisations",
    }
    sections: dict[str, list] = {}
    for action in _actions(plan):
        item = {
            "ref": action.ref,
            "title": action.title,
            "description": action.description,
            "strategy_refs": action.strategy_refs,
            "owner_text": action.owner_text,
            "owners": [o.person.display_name for o in action.ownerships.all()],
            "lead_organisations": [],
            "supporting_organisations": [],
            "start": action.start_text,
            "review": action.review_text,
            "due": action.due_text,
            "due_latest": action.due_latest,
            "status": action.status,
            "rag": action.rag,
            "milestones": [m.title for m in action.milestones.all()],
            "updates": [
                {"date": u.date, "rag": u.rag, "narrative": u.narrative, "author": u.author_name}
                for u in action.updates.all()
            ],
        }
        for agency in action.agencies.all():
            item[roles[agency.role]].append(agency.organisation.name)
        title = action.section.title if action.section else ""
        sections.setdefault(title, []).append(item)
    data = {
        "title": plan.title,
        "kind": plan.kind,
        "owner_organisation": plan.owner_organisation.name,
        "period": plan.period_text,
        "status": plan.status,
        "reports_to": plan.reports_to,
        "sections": [{"title": t, "actions": a} for t, a in sections.items()],
    }
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def file_name(title: str, extension: str, fallback: str = "plan") -> str:
    """A download's file name from a plan's or a register's title."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-")[:80] or fallback
    return f"{stem}.{extension}"
