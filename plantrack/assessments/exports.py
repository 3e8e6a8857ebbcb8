"""A cycle as a workbook: the heat map (units × items, each level in words on its colour, the
scores and the adoption) and every answer with its comment, reason, review and action. Every
cell goes through core.xlsx.append_row (text stays text: no formula is ever written)."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from plantrack.accounts.models import User
from plantrack.assessments.models import Answer, Cycle
from plantrack.assessments.selectors import HeatMap, heat_map, readable_plan_ids
from plantrack.core.xlsx import NUMBER_FORMAT, append_row, workbook_bytes
from plantrack.plans.selectors import plans_visible_to

# The heat map's colours (the GOV.UK tag colours of templatetags/assessments_tags.py).
FILLS = {
    Answer.Level.NOT_IN_PLACE: "F4CDC6",
    Answer.Level.PLANNED: "FCD6C3",
    Answer.Level.PARTLY: "FFF7BF",
    Answer.Level.IN_PLACE: "CCE2D8",
    Answer.Level.EMBEDDED: "D4ECEA",
    Answer.Level.NOT_APPLICABLE: "E5E6E7",
}


def cycle_xlsx(cycle: Cycle, reader: User) -> bytes:
    """``reader``: an answer's action is named only if they may read its plan."""
    heat = heat_map(cycle, plans=plans_visible_to(reader))
    workbook = Workbook()
    sheet = workbook.create_sheet("Heat map")
    workbook.remove(workbook.worksheets[0])
    _heat_map(sheet, heat)
    _answers(workbook.create_sheet("Answers"), cycle, heat, reader)
    _items(workbook.create_sheet("Items"), heat)
    return workbook_bytes(workbook)


def _heat_map(sheet, heat: HeatMap) -> None:
    cycle = heat.cycle
    append_row(sheet, [f"{cycle.title}: {cycle.framework}"], font=Font(bold=True, size=14))
    append_row(
        sheet,
        [
            f"Target: {cycle.framework.target_percent}% of the items that apply to a unit in "
            "place, with every mandatory item (*) in place"
        ],
        wrap=False,
    )
    head = [
        "Unit",
        "Status",
        "In place %",
        "Meets the target",
        "Better",
        "Worse",
        "Same",
        "Data disagrees",
    ]
    numbers = [f"{n}{'*' if item.mandatory else ''}" for n, item in enumerate(heat.items, 1)]
    append_row(sheet, head + numbers, bold=True)
    for unit, row, score, moved in heat.rows:
        append_row(
            sheet,
            [
                unit.organisation.name,
                unit.get_status_display(),
                score.percent,
                "Yes" if score.meets_target else "No",
                moved["better"],
                moved["worse"],
                moved["same"],
                heat.disagreements(unit),
                *[answer.get_level_display() if answer else "" for answer in row],
            ],
            number_format=NUMBER_FORMAT,
        )
        for offset, answer in enumerate(row, start=len(head) + 1):
            if answer is not None:
                colour = FILLS[Answer.Level(answer.level)]
                sheet.cell(row=sheet.max_row, column=offset).fill = PatternFill(
                    "solid", fgColor=colour
                )
    adoption = [f"{in_place}/{applicable}" for in_place, applicable in heat.adoption_row]
    blanks = [""] * (len(head) - 1)
    append_row(sheet, ["Adoption (in place / applicable)", *blanks, *adoption])
    sheet.column_dimensions["A"].width = 32
    for column in range(len(head) + 1, len(head) + len(heat.items) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14
    sheet.freeze_panes = "B4"


def _answers(sheet, cycle: Cycle, heat: HeatMap, reader: User) -> None:
    numbers = {item.pk: n for n, item in enumerate(heat.items, start=1)}
    append_row(
        sheet,
        ["Unit", "Item", "Practice", "Answer", "Why not applicable", "Comment", "Review", "Action"],
        bold=True,
    )
    answers = list(
        Answer.objects.filter(unit__cycle=cycle)
        .select_related("unit__organisation", "item", "action")
        .order_by("unit__organisation__name", "item__position", "pk")
    )
    readable = readable_plan_ids(reader, answers)
    for answer in answers:
        action = answer.action
        if action is None:
            named = ""
        elif action.plan_id in readable:
            named = f"{action.ref} {action.title}"
        else:
            named = "An action of the unit's improvement plan"
        append_row(
            sheet,
            [
                answer.unit.organisation.name,
                numbers.get(answer.item_id),
                answer.item.text,
                answer.get_level_display(),
                answer.reason,
                answer.comment,
                answer.get_review_display(),
                named,
            ],
            number_format=NUMBER_FORMAT,
        )
    for column, width in zip("ABCDEFGH", (28, 6, 60, 16, 30, 40, 14, 40), strict=True):
        sheet.column_dimensions[column].width = width


def _items(sheet, heat: HeatMap) -> None:
    append_row(sheet, ["Item", "Practice", "Kind", "Mandatory"], bold=True)
    for number, item in enumerate(heat.items, start=1):
        append_row(
            sheet,
            [number, item.text, item.get_kind_display(), "Yes" if item.mandatory else "No"],
            number_format=NUMBER_FORMAT,
        )
    sheet.column_dimensions["B"].width = 80
