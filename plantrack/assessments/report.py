"""A self-assessment cycle as a PDF report, written through PlanTrack's PDF renderer (the board
packs', core/pdf.py): the cycle and its framework, each unit's score against the target with
its mandatory items missing, the heat map as a table (the level in words in every cell, its
colour only repeating them), where the data disagrees with an answer, each item's adoption
across the units, the movement since each unit's last cycle, and the items' texts.

``cycle_summary`` is the part a board sees too: the same figures as plain JSON (numbers,
organisations' names and the framework's items, which every signed-in user reads once it is
published; never an answer's comment or reason, nor what the data found), for the board packs'
self-assessment section (packs/self_assessment.py), whose rows come from the same functions
here, so that the report and the pack say the same thing the same way.

Everything is read by ``selectors.heat_map`` (a fixed number of queries whatever the number of
units and items) and one query for the reviewers."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.assessments.models import Answer, Cycle
from plantrack.assessments.selectors import HeatMap, heat_map
from plantrack.core.pdf import css_string, write_pdf
from plantrack.plans.selectors import plans_visible_to

# The heat map's colours, as the workbook's (exports.py): light, so that the words on them
# read at full contrast; the words say it all, the colour only repeats them.
FILLS = {
    Answer.Level.NOT_IN_PLACE: "#f4cdc6",
    Answer.Level.PLANNED: "#fcd6c3",
    Answer.Level.PARTLY: "#fff7bf",
    Answer.Level.IN_PLACE: "#cce2d8",
    Answer.Level.EMBEDDED: "#d4ecea",
    Answer.Level.NOT_APPLICABLE: "#e5e6e7",
}
# The heat map's items per table: past this many, its columns are split across pages (each
# with the units' names again), so that each cell stays wide enough for its level in words.
ITEMS_PER_TABLE = 12
# With more units than this, each table of the heat map starts a page of its own (two fit on
# one landscape page with fewer).
UNITS_SHARING_A_PAGE = 12
# Item texts are cut in the tables that name them (the list of items has them in full).
SHORT_ITEM = 90


def _date(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


# --- The figures, as plain JSON -------------------------------------------------------------


def cycle_summary(heat: HeatMap) -> dict[str, Any]:
    """The cycle's figures as plain JSON: each unit's score against the target, its mandatory
    items missing (by number), how many of its answers the data disagrees with and how they
    moved since its last cycle; each item's adoption across the units."""
    cycle, framework = heat.cycle, heat.cycle.framework
    numbers = {item.pk: n for n, item in enumerate(heat.items, start=1)}
    units = []
    for unit, _, score, moved in heat.rows:
        units.append(
            {
                "name": unit.organisation.name,
                "status": unit.status,
                "status_label": unit.get_status_display(),
                "answered": score.answered,
                "in_place": score.in_place,
                "applicable": score.applicable,
                "percent": score.percent,
                "meets_target": score.meets_target,
                "mandatory_missing": [numbers[item.pk] for item in score.mandatory_missing],
                "disagreements": heat.disagreements(unit),
                "better": moved["better"],
                "worse": moved["worse"],
                "same": moved["same"],
            }
        )
    items = []
    for item, (in_place, applicable) in zip(heat.items, heat.adoption_row, strict=True):
        items.append(
            {
                "number": numbers[item.pk],
                "text": item.text,
                "kind": item.get_kind_display(),
                "mandatory": item.mandatory,
                "in_place": in_place,
                "applicable": applicable,
            }
        )
    return {
        "id": cycle.pk,
        "title": cycle.title,
        "framework": framework.title,
        "version": framework.version_number,
        "keeper": framework.organisation.name,
        "opens_on": cycle.opens_on.isoformat(),
        "due_on": cycle.due_on.isoformat(),
        "is_open": cycle.is_open,
        "closed_on": timezone.localdate(cycle.closed_at).isoformat() if cycle.closed_at else None,
        "target": framework.target_percent,
        "compared": heat.compared,
        "units": units,
        "items": items,
        "meeting_target": sum(1 for u in units if u["meets_target"]),
        "disagreements": sum(u["disagreements"] for u in units),
    }


# --- The figures in words: the same in the report, the pack's preview, PDF, Word and Excel ---

UNIT_COLUMNS = [
    "Unit",
    "Return",
    "Answered",
    "In place",
    "Score",
    "Against the target",
    "Mandatory items missing",
    "Data disagrees (≠ data)",
]
MOVEMENT_COLUMNS = ["Unit", "Better", "Worse", "The same"]
ITEM_COLUMNS = ["No.", "Item", "Mandatory", "Adoption (in place of those it applies to)"]


def status_text(summary: dict[str, Any]) -> str:
    """ "Open: 1 Apr 2026 to 30 Jun 2026" or "Closed 3 Jul 2026 (1 Apr 2026 to 30 Jun 2026)"."""
    span = (
        f"{_date(date.fromisoformat(summary['opens_on']))} to "
        f"{_date(date.fromisoformat(summary['due_on']))}"
    )
    if summary["is_open"]:
        return f"Open: {span}"
    closed = summary.get("closed_on")
    return f"Closed {_date(date.fromisoformat(closed))} ({span})" if closed else f"Closed ({span})"


def percent_text(unit: dict[str, Any]) -> str:
    return "—" if unit["percent"] is None else f"{unit['percent']}%"


def target_text(unit: dict[str, Any], target: int) -> str:
    """Against the target (which the table's caption states)."""
    if not unit["answered"]:
        return "Not answered yet"
    if unit["meets_target"]:
        return "Meets the target"
    if unit["percent"] is not None and unit["percent"] >= target:
        return "Below: mandatory items missing"
    return "Below the target"


def mandatory_text(unit: dict[str, Any]) -> str:
    missing = unit["mandatory_missing"]
    if not missing:
        return "None"
    return f"Item{'s' if len(missing) != 1 else ''} {', '.join(str(n) for n in missing)}"


def unit_cells(unit: dict[str, Any], target: int, item_count: int) -> list[str]:
    return [
        unit["name"],
        unit["status_label"],
        f"{unit['answered']} of {item_count}",
        f"{unit['in_place']} of {unit['applicable']}",
        percent_text(unit),
        target_text(unit, target),
        mandatory_text(unit),
        str(unit["disagreements"]),
    ]


def movement_cells(unit: dict[str, Any]) -> list[str]:
    return [unit["name"], str(unit["better"]), str(unit["worse"]), str(unit["same"])]


def adoption_text(item: dict[str, Any]) -> str:
    """ "4 of 6 units (67%)"; "Applies to none" when every unit found it not applicable or
    none has answered."""
    if not item["applicable"]:
        return "Applies to no unit yet"
    share = round(100 * item["in_place"] / item["applicable"])
    return f"{item['in_place']} of {item['applicable']} units ({share}%)"


def item_cells(item: dict[str, Any], *, short: bool = False) -> list[str]:
    text = item["text"]
    if short and len(text) > SHORT_ITEM:
        text = text[: SHORT_ITEM - 1].rstrip() + "…"
    return [str(item["number"]), text, "Yes" if item["mandatory"] else "", adoption_text(item)]


def totals_text(summary: dict[str, Any]) -> str:
    """One sentence: how many units meet the target and how many answers the data
    disagrees with."""
    units = len(summary["units"])
    disagreements = summary["disagreements"]
    return (
        f"{summary['meeting_target']} of {units} unit{'s' if units != 1 else ''} "
        f"{'meet' if summary['meeting_target'] != 1 else 'meets'} the target of "
        f"{summary['target']}% of the items that apply to them in place, with every mandatory "
        f"item in place. The data disagrees with {disagreements} answer"
        f"{'s' if disagreements != 1 else ''}."
    )


# --- The report -----------------------------------------------------------------------------


def _column_groups(count: int) -> list[range]:
    """The heat map's item columns split evenly into tables of at most ITEMS_PER_TABLE."""
    if count == 0:
        return []
    tables = math.ceil(count / ITEMS_PER_TABLE)
    size = math.ceil(count / tables)
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _heat_tables(heat: HeatMap, summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The heat map as tables of rows of cells (text, colour, whether the data disagrees)."""
    groups = _column_groups(len(heat.items))
    rows = [
        (unit, heat.row(unit), figures)
        for unit, figures in zip(heat.units, summary["units"], strict=True)
    ]
    tables = []
    for group in groups:
        items = [heat.items[i] for i in group]
        numbers = [i + 1 for i in group]
        body = []
        for unit, answers, figures in rows:
            cells = []
            for i, item in zip(group, items, strict=True):
                answer = answers[i]
                cells.append(
                    {
                        "text": answer.get_level_display() if answer else "Not answered",
                        "fill": FILLS.get(Answer.Level(answer.level)) if answer else "",
                        "disagrees": heat.disagrees(unit, item),
                    }
                )
            body.append({"name": figures["name"], "score": percent_text(figures), "cells": cells})
        tables.append(
            {
                "first": numbers[0],
                "last": numbers[-1],
                "columns": [(n, item.mandatory) for n, item in zip(numbers, items, strict=True)],
                "rows": body,
                "adoption": [summary["items"][i] for i in group],
                "width": round((100 - UNIT_WIDTH - SCORE_WIDTH) / len(group), 2),
            }
        )
    return tables


# Widths of the heat map's first two columns, in percent of a landscape page.
UNIT_WIDTH = 17
SCORE_WIDTH = 6


def _disagreements(heat: HeatMap) -> list[dict[str, Any]]:
    """Each answer the data disagrees with: the unit, the item, the answer and what the data
    says (the reader's own view of the data: the report is made for them)."""
    found = []
    for unit in heat.units:
        for number, item in enumerate(heat.items, start=1):
            if not heat.disagrees(unit, item):
                continue
            check = heat.checks[unit.pk][item.pk]
            answer = heat.cells[(unit.pk, item.pk)]
            found.append(
                {
                    "unit": unit.organisation.name,
                    "number": number,
                    "item": item.text,
                    "answer": answer.get_level_display(),
                    "says": check.says,
                    "rule": check.rule,
                }
            )
    return found


def report_html(cycle: Cycle, reader: User) -> str:
    """The report's HTML; ``reader``: what the data says about budgets reads only the plans
    they may read, as on the cycle's page."""
    heat = heat_map(cycle, plans=plans_visible_to(reader))
    summary = cycle_summary(heat)
    framework = cycle.framework
    context = {
        "cycle": cycle,
        "framework": framework,
        "s": summary,
        "status": status_text(summary),
        "header": css_string(f"{cycle.title} · {framework.title}"[:120]),
        "totals": totals_text(summary),
        "reviewers": [
            user.get_full_name() or user.username
            for user in cycle.reviewers.order_by("first_name", "last_name", "username")
        ],
        "made_on": _date(timezone.localdate()),
        "unit_columns": UNIT_COLUMNS,
        "unit_rows": [
            unit_cells(unit, summary["target"], len(summary["items"])) for unit in summary["units"]
        ],
        "movement_columns": MOVEMENT_COLUMNS,
        "movement_rows": [movement_cells(unit) for unit in summary["units"]],
        "item_columns": ITEM_COLUMNS,
        "item_rows": [item_cells(item) for item in summary["items"]],
        "levels": [(label, FILLS[Answer.Level(value)]) for value, label in Answer.Level.choices],
        "heat_tables": _heat_tables(heat, summary),
        "page_each": len(heat.units) > UNITS_SHARING_A_PAGE,
        "unit_width": UNIT_WIDTH,
        "score_width": SCORE_WIDTH,
        "disagreements": _disagreements(heat),
    }
    return render_to_string("assessments/pdf/cycle_report.html", context)


def cycle_report_pdf(cycle: Cycle, reader: User) -> bytes:
    return write_pdf(report_html(cycle, reader))
