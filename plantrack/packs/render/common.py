"""Formatting shared by the three renderers, so that they show the same numbers the same way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import filesizeformat


def long_date(iso: str | None) -> str:
    """ "2024-03-05" → "5 March 2024"; empty for none."""
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%B %Y}"


def short_date(iso: str | None) -> str:
    if not iso:
        return ""
    day = dt.date.fromisoformat(iso[:10])
    return f"{day.day} {day:%b %Y}"


def due_text(due: str | None) -> str:
    """An action's due date as written ("Start immediately BAU by Oct 22"), or a measure's
    target date (ISO) as a short date."""
    if due and len(due) == 10 and due[4] == "-" and due[7] == "-":
        try:
            return short_date(due)
        except ValueError:
            return due
    return due or ""


def pounds(value: str | Decimal | None) -> str:
    """ "1234.50" → "£1,234.50"; whole pounds without pence; negatives as "-£12"."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"


def meeting_line(snapshot: dict) -> str:
    meeting = snapshot.get("meeting")
    if not meeting:
        return ""
    parts = [meeting["title"] or "Meeting", long_date(meeting["date"])]
    if meeting.get("location"):
        parts.append(meeting["location"])
    return ", ".join(parts)


def summary_rows(snapshot: dict) -> list[tuple[str, str]]:
    """The headline numbers, in the order every format shows them."""
    summary = snapshot["summary"]
    d, m = summary["delivery"], summary["measures"]
    return [
        ("Plans and sections overseen", str(len(snapshot["parts"]))),
        ("Actions", str(d["action_count"])),
        ("Complete", f"{d['complete_count']} ({d['complete_share']}%)"),
        ("Red (open)", str(d["red_count"])),
        ("Amber (open)", str(d["amber_count"])),
        ("Green (open)", str(d["green_count"])),
        ("Blue (complete)", str(d["blue_count"])),
        ("Not rated (open)", str(d["unrated_count"])),
        ("Overdue", str(d["overdue_count"])),
        ("Measures on track", f"{m['on_track']} of {m['total']}"),
        ("Exceptions", str(summary["exceptions"])),
        ("Exceptions without commentary", str(summary["missing_commentary"])),
    ]


def delivery_rows(delivery: dict) -> list[tuple[str, str]]:
    return [
        ("Actions", str(delivery["action_count"])),
        ("Complete", f"{delivery['complete_count']} ({delivery['complete_share']}%)"),
        ("Red", str(delivery["red_count"])),
        ("Amber", str(delivery["amber_count"])),
        ("Green", str(delivery["green_count"])),
        ("Blue", str(delivery["blue_count"])),
        ("Not rated", str(delivery["unrated_count"])),
        ("Overdue", str(delivery["overdue_count"])),
    ]


QUARTER_COLUMNS = [("red", "Red"), ("amber", "Amber"), ("green", "Green"), ("blue", "Blue")]
ACTION_COLUMNS = ["Ref", "Action", "Owners", "Due", "Status", "RAG", "Latest update"]
EXCEPTION_COLUMNS = ["Plan", "Ref", "Item", "Owners", "RAG", "Why", "Commentary"]
MEASURE_COLUMNS = ["Measure", "Judgement", "Baseline", "Latest", "Next target"]
BUDGET_COLUMNS = ["Year", "Budget", "Spend", "Variance"]
DECISION_COLUMNS = ["Date", "Kind", "Decision", "About", "Meeting"]


def latest_text(update: dict | None) -> str:
    if not update:
        return ""
    when = short_date(update["date"])
    return f"{when}: {update['text']}" if when else update["text"]


def evidence_text(update: dict | None) -> str:
    """The evidence on an update as a pack lists it: "Signed policy (PDF, 1.2 MB); Minutes
    (link, example.org)". Snapshots made before evidence existed have none."""
    items = (update or {}).get("evidence") or []
    return "; ".join(f"{item['title']} ({_evidence_about(item)})" for item in items)


def _evidence_about(item: dict) -> str:
    if item["kind"] == "link":
        return f"link, {item['host']}" if item.get("host") else "link"
    return f"{item['type']}, {file_size(item['size'])}"


def file_size(size: int) -> str:
    """ "1.2 MB", "800 KB", "12 bytes" (Django's filesizeformat, with a plain space)."""
    return filesizeformat(size).replace("\xa0", " ")


def exception_where(exception: dict) -> str:
    """ "Plan: Section": the plan and section an exception belongs to (refs restart in each
    section of some plans). Packs built before the section was kept name the part's scope."""
    section = exception.get("section")
    if section is None:
        section = "" if exception["scope"] == "Whole plan" else exception["scope"]
    return f"{exception['plan']}: {section}" if section else exception["plan"]


def reasons_text(exception: dict) -> str:
    """Why an item is an exception, in one line: "Red, Overdue", or for a measure "Measure off
    track: the latest reading … behind the trajectory …"."""
    text = ", ".join(exception["reasons"])
    return f"{text}: {exception['detail']}" if exception.get("detail") else text


def commentary_text(commentary: dict | None) -> str:
    if not commentary:
        return "No commentary yet"
    by = f" ({commentary['author']}, {short_date(commentary['updated'])})"
    return commentary["text"] + (by if commentary.get("author") else "")


def measure_latest(m: dict) -> str:
    if not m["latest"]:
        return "—"
    return f"{m['latest']} on {short_date(m['latest_date'])}"


def measure_target(m: dict) -> str:
    if not m["target"]:
        return "—"
    return f"{m['target']} by {short_date(m['target_date'])}"
