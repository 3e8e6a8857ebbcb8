"""The pack as a Word document (python-docx), for people who edit the pack further.

Screen readers navigate it by its real Heading 1/2/3 styles and by tables whose first row is a
header row, marked to repeat on every page. python-docx cannot embed SVG images, and a bitmap
would need a rasteriser on the server, so each chart appears as the table of the numbers it
draws (the PDF has the pictures)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from plantrack.core.text import narrative_blocks
from plantrack.packs.render import common, engagement, self_assessment


def _repeat_header(row) -> None:
    """Mark a table row as a header row: it repeats on each page and reads as headers."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _table(doc, columns: list[str], rows: list[list[str]], caption: str = ""):
    if caption:
        doc.add_paragraph(caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    head = table.rows[0]
    _repeat_header(head)
    for cell, text in zip(head.cells, columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = str(text)
    doc.add_paragraph()
    return table


def _page_number_footer(doc) -> None:
    """ "Page N" in the footer, from Word's PAGE field."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.add_run("Page ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def render_docx(snapshot: dict, *, draft: bool = False) -> bytes:
    doc = Document()
    props = doc.core_properties
    props.title = snapshot["title"]
    props.subject = f"Board pack of {snapshot['body']['name']} for {snapshot['period']}"
    props.author = "PlanTrack"
    props.language = "en-GB"
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    _page_number_footer(doc)

    # Cover.
    doc.add_paragraph(snapshot["body"]["name"])
    doc.add_heading(snapshot["title"], level=1)
    cover = [
        (
            "Reporting period",
            f"{snapshot['period']}: {common.long_date(snapshot['period_start'])} "
            f"to {common.long_date(snapshot['period_end'])}",
        ),
        ("Meeting", common.meeting_line(snapshot)),
        ("Chair", snapshot["body"]["chair"]),
        ("Figures as at", common.long_date(snapshot["as_at"])),
        ("Prepared by", snapshot["prepared_by"]),
    ]
    for label, value in cover:
        if value:
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(value)
    if draft:
        doc.add_paragraph().add_run(
            "Draft: this pack has not been published and may change."
        ).bold = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Summary.
    doc.add_heading("Summary", level=2)
    _table(doc, ["Figure", "Value"], [list(r) for r in common.summary_rows(snapshot)])
    doc.add_heading("RAG over the last four quarters", level=3)
    _quarters(doc, snapshot["summary"]["quarters"])

    # Exceptions first.
    doc.add_heading("Exceptions", level=2)
    if snapshot["exceptions"]:
        _table(
            doc,
            common.EXCEPTION_COLUMNS,
            [
                [
                    common.exception_where(e),
                    e["ref"],
                    e["title"],
                    ", ".join(e["owners"]),
                    e["rag_label"],
                    common.reasons_text(e),
                    common.commentary_text(e["commentary"]),
                ]
                for e in snapshot["exceptions"]
            ],
        )
    else:
        doc.add_paragraph("No red, amber, overdue or off-track items.")

    for part in snapshot["parts"]:
        doc.add_section(WD_SECTION.NEW_PAGE)
        _part(doc, part)

    if snapshot.get("engagement"):
        doc.add_section(WD_SECTION.NEW_PAGE)
        _engagement(doc, snapshot["engagement"])

    if snapshot.get("self_assessment"):
        doc.add_section(WD_SECTION.NEW_PAGE)
        _self_assessment(doc, snapshot["self_assessment"])

    doc.add_section(WD_SECTION.NEW_PAGE)
    doc.add_heading("Decisions log", level=2)
    if snapshot["decisions"]:
        _table(
            doc,
            common.DECISION_COLUMNS,
            [
                [common.short_date(d["date"]), d["kind"], d["text"], d["about"], d["meeting"]]
                for d in snapshot["decisions"]
            ],
        )
    else:
        doc.add_paragraph("No decisions recorded in this period.")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _quarters(doc, quarters: list[dict]) -> None:
    _table(
        doc,
        ["Quarter", *(label for _, label in common.QUARTER_COLUMNS)],
        [[q["label"], *(str(q[key]) for key, _ in common.QUARTER_COLUMNS)] for q in quarters],
        caption="Actions at each RAG at the end of each quarter (the chart's numbers)",
    )


def _latest_with_evidence(update: dict | None) -> str:
    evidence = common.evidence_text(update)
    latest = common.latest_text(update)
    return f"{latest}\nEvidence: {evidence}" if evidence else latest


def _about(doc, text: str) -> None:
    """A plan's or section's narrative: its headed blocks, bullets as a bulleted list."""
    for block in narrative_blocks(text):
        if block.heading:
            doc.add_heading(block.heading, level=4)
        for line, bulleted in block.lines:
            doc.add_paragraph(line, style="List Bullet" if bulleted else None)


def _part(doc, part: dict) -> None:
    doc.add_heading(part["title"], level=2)
    lead = f" · Strategic lead: {part['lead']}" if part["lead"] else ""
    period = f" · {part['period']}" if part.get("period") else ""
    doc.add_paragraph(f"{part['organisation']}{period}{lead}")
    _about(doc, part.get("about", ""))
    doc.add_heading("Delivery", level=3)
    _table(doc, ["Figure", "Actions"], [list(r) for r in common.delivery_rows(part["delivery"])])
    _quarters(doc, part["quarters"])
    for section in part["sections"]:
        doc.add_heading(f"Actions: {section['title']}", level=3)
        _table(
            doc,
            common.ACTION_COLUMNS,
            [
                [
                    a["ref"],
                    a["title"],
                    ", ".join(a["owners"]),
                    a["due"] + (" (overdue)" if a["overdue"] else ""),
                    a["status_label"],
                    a["rag_label"],
                    _latest_with_evidence(a["latest_update"]),
                ]
                for a in section["actions"]
            ],
        )
    doc.add_heading("Measures", level=3)
    if part["measures"]:
        _table(
            doc,
            common.MEASURE_COLUMNS,
            [
                [
                    m["name"],
                    m["judgement_label"],
                    m["baseline"] or "—",
                    common.measure_latest(m),
                    common.measure_target(m),
                ]
                for m in part["measures"]
            ],
        )
    else:
        doc.add_paragraph("No measures.")
    doc.add_heading("Budget", level=3)
    budget = part["budget"]
    if budget["by_year"]:
        rows = [
            [
                y["label"],
                common.pounds(y["budget"]),
                common.pounds(y["spend"]),
                common.pounds(y["variance"]) + (" (over)" if y["over"] else ""),
            ]
            for y in budget["by_year"]
        ]
        total = budget["total"]
        rows.append(
            [
                "Total",
                common.pounds(total["budget"]),
                common.pounds(total["spend"]),
                common.pounds(total["variance"]),
            ]
        )
        _table(doc, common.BUDGET_COLUMNS, rows)
        for flag in budget["flags"]:
            doc.add_paragraph(flag)
    else:
        doc.add_paragraph("No budget.")


def _engagement(doc, section: dict) -> None:
    """The engagement section: each register's tables (the PDF has the charts)."""
    doc.add_heading("Engagement", level=2)
    if not section["registers"]:
        doc.add_paragraph(
            "No engagement register of the plans' organisations that the person preparing the "
            "pack may read."
        )
    for register in section["registers"]:
        doc.add_heading(f"{register['title']} ({register['organisation']})", level=3)
        _table(doc, ["Figure", "Value"], [list(r) for r in engagement.quantity_rows(register)])
        if register["outputs"]:
            _table(doc, ["Output", "Count"], [[label, str(n)] for label, n in register["outputs"]])
        for title, heading, rows in engagement.spread_tables(register):
            _table(doc, [heading, "Activities"], [[name, str(n)] for name, n in rows], title)
        if engagement.areas_without_text(register):
            doc.add_paragraph(engagement.areas_without_text(register))
        doc.add_paragraph(section["rule"])
        for name, meaning in section["standards"]:
            doc.add_paragraph(f"{name}: {meaning}.", style="List Number")
        _table(
            doc,
            ["Quality", "Activities"],
            [list(r) for r in engagement.quality_rows(register)],
            "Completed activities by score",
        )
        measures = register["benefits"]["measures"]
        if measures:
            _table(
                doc,
                engagement.BENEFIT_COLUMNS,
                [engagement.benefit_cells(m) for m in measures],
                "Measures of the plan actions the activities deliver",
            )
        else:
            doc.add_paragraph("No measures of this pack's plans are delivered by these activities.")


def _self_assessment(doc, section: dict) -> None:
    """The self-assessment section: each cycle's scores, movement and adoption."""
    doc.add_heading("Self-assessment", level=2)
    if not section["cycles"]:
        doc.add_paragraph(self_assessment.NONE_TEXT)
    for cycle in section["cycles"]:
        doc.add_heading(self_assessment.cycle_heading(cycle), level=3)
        doc.add_paragraph(
            f"{self_assessment.cycle_line(cycle)} {self_assessment.totals_text(cycle)}"
        )
        _table(
            doc,
            self_assessment.UNIT_COLUMNS,
            self_assessment.unit_rows(cycle),
            f"Each unit's score against the target of {cycle['target']}%",
        )
        if cycle["compared"]:
            _table(
                doc,
                self_assessment.MOVEMENT_COLUMNS,
                self_assessment.movement_rows(cycle),
                "Each unit's answers since its last cycle",
            )
        else:
            doc.add_paragraph("No unit has an earlier cycle of this framework to compare with.")
        _table(
            doc,
            self_assessment.ITEM_COLUMNS,
            self_assessment.item_rows(cycle),
            "Each item's adoption across the units",
        )
