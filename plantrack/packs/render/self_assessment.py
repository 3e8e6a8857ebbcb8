"""The self-assessment section (packs/self_assessment.py) as every format shows it: the same
rows in the preview, the PDF, the Word file and the workbook, and the same words as the
cycle's own PDF report (assessments/report.py)."""

from __future__ import annotations

from typing import Any

from plantrack.assessments.report import (
    ITEM_COLUMNS,
    MOVEMENT_COLUMNS,
    UNIT_COLUMNS,
    item_cells,
    mandatory_text,
    movement_cells,
    status_text,
    totals_text,
    unit_cells,
)

__all__ = [
    "ITEM_COLUMNS",
    "MOVEMENT_COLUMNS",
    "NONE_TEXT",
    "UNIT_COLUMNS",
    "cycle_heading",
    "cycle_line",
    "item_rows",
    "mandatory_text",
    "movement_rows",
    "status_text",
    "totals_text",
    "unit_rows",
]

NONE_TEXT = (
    "No self-assessment cycle of the plans' organisations that the person preparing the pack "
    "may read."
)


def cycle_heading(cycle: dict[str, Any]) -> str:
    return f"{cycle['framework']}: {cycle['title']}"


def cycle_line(cycle: dict[str, Any]) -> str:
    """Who keeps the framework, its version and where the cycle stands."""
    return (
        f"Kept by {cycle['keeper']}, version {cycle['version']}. {status_text(cycle)}. "
        f"{len(cycle['units'])} unit{'s' if len(cycle['units']) != 1 else ''}, "
        f"{len(cycle['items'])} item{'s' if len(cycle['items']) != 1 else ''}."
    )


def unit_rows(cycle: dict[str, Any]) -> list[list[str]]:
    return [unit_cells(unit, cycle["target"], len(cycle["items"])) for unit in cycle["units"]]


def movement_rows(cycle: dict[str, Any]) -> list[list[str]]:
    return [movement_cells(unit) for unit in cycle["units"]] if cycle["compared"] else []


def item_rows(cycle: dict[str, Any]) -> list[list[str]]:
    """Each item's adoption, its text cut (the cycle's report has it in full)."""
    return [item_cells(item, short=True) for item in cycle["items"]]
