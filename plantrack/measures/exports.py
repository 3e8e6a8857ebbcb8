"""A plan's measures as an xlsx workbook: each measure with its targets and judgement, and every
reading. Text stays text (plantrack.core.xlsx); values are numbers."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from plantrack.core.xlsx import NUMBER_FORMAT, append_row, workbook_bytes
from plantrack.measures.models import Reading
from plantrack.measures.selectors import measures_judged
from plantrack.plans.models import Plan

MEASURE_HEADERS = [
    "Measure",
    "Section",
    "Action",
    "Unit",
    "Direction",
    "Baseline",
    "Baseline date",
    "Targets",
    "Latest reading",
    "Latest date",
    "Judgement",
    "Why",
    "Source",
    "Owner",
]


def to_xlsx(plan: Plan) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if not isinstance(sheet, Worksheet):  # a new workbook's one sheet is a worksheet
        raise TypeError("expected a worksheet")
    sheet.title = "Measures"
    append_row(sheet, MEASURE_HEADERS, bold=True)
    for row in measures_judged(plan):
        m, latest = row.measure, row.latest
        section = m.section or (m.action.section if m.action else None)
        append_row(
            sheet,
            [
                m.name,
                section.title if section else "",
                (m.action.ref or m.action.title[:60]) if m.action else "",
                m.unit_label or m.get_unit_display(),
                m.get_direction_display(),
                m.baseline_value,
                m.baseline_date.isoformat() if m.baseline_date else "",
                "; ".join(f"{t.value.normalize():f} by {t.date:%d/%m/%Y}" for t in m.targets.all()),
                latest.value if latest else None,
                latest.date.isoformat() if latest else "",
                row.judgement.label,
                row.judgement.reason,
                m.source,
                m.owner.display_name if m.owner else "",
            ],
            number_format=NUMBER_FORMAT,
        )
    sheet.freeze_panes = "A2"

    readings = workbook.create_sheet("Readings")
    append_row(readings, ["Measure", "Date", "Value", "Note", "Recorded by"], bold=True)
    for reading in (
        Reading.objects.filter(measure__plan=plan)
        .select_related("measure")
        .order_by("measure__name", "measure_id", "date", "id")
    ):
        append_row(
            readings,
            [
                reading.measure.name,
                reading.date.isoformat(),
                reading.value,
                reading.note,
                reading.recorded_by_name,
            ],
            number_format=NUMBER_FORMAT,
        )
    return workbook_bytes(workbook)
