"""The pack as an Excel workbook (openpyxl through plantrack.core.xlsx): a sheet per part of
the pack, with counts and money as numbers so that analysts can work with them."""

from __future__ import annotations

from decimal import Decimal

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from plantrack.core.xlsx import NUMBER_FORMAT, append_row, workbook_bytes
from plantrack.packs.render import common, engagement, self_assessment


def _sheet(workbook: Workbook, title: str, columns: list[str], first: bool = False) -> Worksheet:
    sheet = workbook.active if first else workbook.create_sheet()
    # A new workbook's first sheet, or a sheet added to it: a worksheet, never a chart sheet.
    if not isinstance(sheet, Worksheet):
        raise TypeError("expected a worksheet")
    sheet.title = title
    append_row(sheet, columns, bold=True)
    sheet.freeze_panes = "A2"
    return sheet


def render_xlsx(snapshot: dict, *, draft: bool = False) -> bytes:
    workbook = Workbook()
    summary = _sheet(workbook, "Summary", ["Figure", "Value"], first=True)
    append_row(summary, ["Pack", snapshot["title"] + (" (DRAFT)" if draft else "")])
    append_row(summary, ["Body", snapshot["body"]["name"]])
    append_row(summary, ["Period", snapshot["period"]])
    append_row(summary, ["Meeting", common.meeting_line(snapshot)])
    append_row(summary, ["Figures as at", snapshot["as_at"]])
    delivery, measures = snapshot["summary"]["delivery"], snapshot["summary"]["measures"]
    number_rows = [
        ("Actions", delivery["action_count"]),
        ("Complete", delivery["complete_count"]),
        ("Complete (%)", delivery["complete_share"]),
        ("Red (open)", delivery["red_count"]),
        ("Amber (open)", delivery["amber_count"]),
        ("Green (open)", delivery["green_count"]),
        ("Blue (complete)", delivery["blue_count"]),
        ("Not rated (open)", delivery["unrated_count"]),
        ("Overdue", delivery["overdue_count"]),
        ("Measures", measures["total"]),
        ("Measures on track", measures["on_track"]),
        ("Exceptions", snapshot["summary"]["exceptions"]),
        ("Exceptions without commentary", snapshot["summary"]["missing_commentary"]),
    ]
    for label, value in number_rows:
        append_row(summary, [label, value], number_format=NUMBER_FORMAT)
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 60

    quarters = _sheet(
        workbook, "RAG by quarter", ["Plan", "Quarter", "Red", "Amber", "Green", "Blue"]
    )
    for q in snapshot["summary"]["quarters"]:
        append_row(
            quarters,
            ["All", q["label"], q["red"], q["amber"], q["green"], q["blue"]],
            number_format=NUMBER_FORMAT,
        )
    for part in snapshot["parts"]:
        for q in part["quarters"]:
            append_row(
                quarters,
                [part["title"], q["label"], q["red"], q["amber"], q["green"], q["blue"]],
                number_format=NUMBER_FORMAT,
            )

    exceptions = _sheet(
        workbook,
        "Exceptions",
        [
            "Plan",
            "Scope",
            "Section",
            "Ref",
            "Item",
            "Owners",
            "RAG",
            "Why",
            "Commentary",
            "Commentary by",
            "Commentary date",
        ],
    )
    for e in snapshot["exceptions"]:
        c = e["commentary"] or {}
        append_row(
            exceptions,
            [
                e["plan"],
                e["scope"],
                e.get("section", ""),
                e["ref"],
                e["title"],
                ", ".join(e["owners"]),
                e["rag_label"],
                common.reasons_text(e),
                c.get("text", ""),
                c.get("author", ""),
                c.get("updated", ""),
            ],
        )

    actions = _sheet(
        workbook,
        "Actions",
        [
            "Plan",
            "Section",
            "Ref",
            "Action",
            "Owners",
            "Due",
            "Due by",
            "Status",
            "RAG",
            "Overdue",
            "Latest update",
            "Update date",
            "Evidence",
        ],
    )
    measures_sheet = _sheet(
        workbook,
        "Measures",
        [
            "Plan",
            "Measure",
            "Unit",
            "Direction",
            "Judgement",
            "Baseline",
            "Latest",
            "Latest date",
            "Next target",
            "Target date",
            "Why",
        ],
    )
    budget = _sheet(
        workbook, "Budget", ["Plan", "Year", "Budget", "Spend", "Variance", "Over budget"]
    )
    for part in snapshot["parts"]:
        for section in part["sections"]:
            for a in section["actions"]:
                update = a["latest_update"] or {}
                append_row(
                    actions,
                    [
                        part["title"],
                        section["title"],
                        a["ref"],
                        a["title"],
                        ", ".join(a["owners"]),
                        a["due"],
                        a["due_date"] or "",
                        a["status_label"],
                        a["rag_label"],
                        "Yes" if a["overdue"] else "",
                        update.get("text", ""),
                        update.get("date") or "",
                        common.evidence_text(update),
                    ],
                )
        for m in part["measures"]:
            append_row(
                measures_sheet,
                [
                    part["title"],
                    m["name"],
                    m["unit"],
                    m["direction"],
                    m["judgement_label"],
                    m["baseline"],
                    m["latest"],
                    m["latest_date"] or "",
                    m["target"],
                    m["target_date"] or "",
                    m["reason"],
                ],
            )
        for y in part["budget"]["by_year"]:
            append_row(
                budget,
                [
                    part["title"],
                    y["label"],
                    Decimal(y["budget"]),
                    Decimal(y["spend"]),
                    Decimal(y["variance"]),
                    "Yes" if y["over"] else "",
                ],
            )

    if snapshot.get("engagement"):
        _engagement(workbook, snapshot["engagement"])
    if snapshot.get("self_assessment"):
        _self_assessment(workbook, snapshot["self_assessment"])

    decisions = _sheet(workbook, "Decisions", common.DECISION_COLUMNS)
    for d in snapshot["decisions"]:
        append_row(decisions, [d["date"], d["kind"], d["text"], d["about"], d["meeting"]])
    return workbook_bytes(workbook)


def _engagement(workbook: Workbook, section: dict) -> None:
    """Two sheets: each register's figures (counts and money as numbers), and the measures of
    the plan actions its activities deliver."""
    figures = _sheet(workbook, "Engagement", ["Register", "Table", "Item", "Value"])
    measures = _sheet(workbook, "Engagement measures", ["Register", *engagement.BENEFIT_COLUMNS])
    for register in section["registers"]:
        name = f"{register['title']} ({register['organisation']})"
        q = register["quantity"]
        money = {"cost": q["cost"], "cost_per_person": q["cost_per_person"]}
        rows: list[tuple[str, str, object]] = [
            ("Quantity", key.replace("_", " ").capitalize(), value)
            for key, value in q.items()
            if key not in money
        ]
        rows += [
            ("Quantity", "Cost in the period (£)", Decimal(money["cost"])),
            (
                "Quantity",
                "Cost per person reached (£)",
                Decimal(money["cost_per_person"]) if money["cost_per_person"] else "",
            ),
        ]
        rows += [("Outputs", label, n) for label, n in register["outputs"]]
        for title, _, pairs in engagement.spread_tables(register):
            rows += [(title, item, n) for item, n in pairs]
        rows += [("No activity in the period", area, "") for area in register["areas_without"]]
        rows += [("Quality", label, value) for label, value in engagement.quality_rows(register)]
        for table, item, value in rows:
            append_row(figures, [name, table, item, value], number_format=NUMBER_FORMAT)
        for m in register["benefits"]["measures"]:
            append_row(measures, [name, *engagement.benefit_cells(m)])


def _self_assessment(workbook: Workbook, section: dict) -> None:
    """Two sheets: each unit of each cycle with its figures as numbers, and each item's
    adoption."""
    units = _sheet(
        workbook,
        "Self-assessment",
        [
            "Framework",
            "Cycle",
            "Unit",
            "Return",
            "Answered",
            "Items",
            "In place",
            "Applicable",
            "Score (%)",
            "Target (%)",
            "Meets the target",
            "Mandatory items missing",
            "Data disagrees",
            "Better",
            "Worse",
            "Same",
        ],
    )
    items = _sheet(
        workbook,
        "Self-assessment items",
        ["Framework", "Cycle", "Item", "Text", "Mandatory", "In place", "Applicable"],
    )
    for cycle in section["cycles"]:
        names = [cycle["framework"], cycle["title"]]
        for unit in cycle["units"]:
            moved = (
                [unit["better"], unit["worse"], unit["same"]] if cycle["compared"] else ["", "", ""]
            )
            append_row(
                units,
                [
                    *names,
                    unit["name"],
                    unit["status_label"],
                    unit["answered"],
                    len(cycle["items"]),
                    unit["in_place"],
                    unit["applicable"],
                    unit["percent"] if unit["percent"] is not None else "",
                    cycle["target"],
                    "Yes" if unit["meets_target"] else "No",
                    self_assessment.mandatory_text(unit),
                    unit["disagreements"],
                    *moved,
                ],
                number_format=NUMBER_FORMAT,
            )
        for item in cycle["items"]:
            append_row(
                items,
                [
                    *names,
                    item["number"],
                    item["text"],
                    "Yes" if item["mandatory"] else "",
                    item["in_place"],
                    item["applicable"],
                ],
                number_format=NUMBER_FORMAT,
            )
