"""The engagement section (packs/engagement.py) as every format shows it: the same rows in the
preview, the PDF, the Word file and the workbook."""

from __future__ import annotations

from plantrack.packs.render.common import pounds, short_date


def _n(value: int) -> str:
    return f"{int(value):,}"


def quantity_rows(register: dict) -> list[tuple[str, str]]:
    q = register["quantity"]
    rows = [
        ("Activities in the period", _n(q["activities"])),
        ("Planned, running, completed", f"{_n(q['planned'])}, {_n(q['running'])}, "
         f"{_n(q['completed'])}"),
        ("Sessions held", _n(q["sessions"])),
        ("People reached", _n(q["people_reached"])),
        ("Volunteers", _n(q["volunteers"])),
        ("Cost in the period", pounds(q["cost"]) or "£0"),
        ("Cost per person reached", pounds(q["cost_per_person"]) or "—"),
    ]  # fmt: skip
    if q["cancelled"]:
        rows.append(("Cancelled (left out)", _n(q["cancelled"])))
    if q["uncosted"]:
        rows.append(("Activities with no cost in pounds", _n(q["uncosted"])))
    return rows


def quality_rows(register: dict) -> list[tuple[str, str]]:
    scores = register["quality"]
    rows = [("Completed activities scored", _n(scores["count"]))]
    if scores["count"]:
        rows.append(("Average score (1 to 6)", scores["average"]))
        rows += [(f"Score {score}", _n(n)) for score, n in scores["distribution"]]
        rows += [(f"Lacking: {name.lower()}", _n(n)) for name, n in scores["lacking"]]
    return rows


def spread_tables(register: dict) -> list[tuple[str, str, list]]:
    """(title, column heading, rows of [name, activities]) for each way of spreading."""
    tables = [
        ("By method", "Method", register["methods"]),
        ("By IAP2 level", "Level", register["levels"]),
        ("By community", "Community", register["communities"]),
    ]
    if register["areas"]:
        tables.append((f"By area: {register['areas_heading']}", "Area", register["areas"]))
    return tables


def areas_without_text(register: dict) -> str:
    if not register["areas_heading"]:
        return ""
    names = register["areas_without"]
    heading = register["areas_heading"].lower()
    if not names:
        return f"Every one of the {heading} had at least one activity in the period."
    return f"{register['areas_heading']} with no activity in the period: {', '.join(names)}."


BENEFIT_COLUMNS = ["Measure", "Plan", "At the start", "Latest in the period", "Change", "Judgement"]


def benefit_cells(measure: dict) -> list[str]:
    def dated(value: str, iso: str | None) -> str:
        return f"{value} on {short_date(iso)}" if value and iso else value or "—"

    name = measure["name"] + (f" ({measure['action_ref']})" if measure["action_ref"] else "")
    return [
        name,
        measure["plan"],
        dated(measure["start"], measure["start_date"]),
        dated(measure["latest"], measure["latest_date"]),
        f"{measure['change']} ({measure['movement'].lower()})",
        measure["judgement_label"],
    ]
