"""The summary's charts, drawn by plantrack.core.charts as SVG: the same drawing serves the
page, the packs and browsers without JavaScript. Each sits beside a table of its numbers."""

from __future__ import annotations

from decimal import Decimal

from plantrack.core.charts import (
    BLUE,
    GREEN,
    GREY,
    LIGHT_GREY,
    ORANGE,
    RAG_COLOURS,
    RED,
    Series,
    bar_chart,
)
from plantrack.reports.selectors import RAGS, PortfolioGroup, Summary

RAG_NAMES = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (complete)"}


def _short(text: str, size: int = 18) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _pounds(value) -> str:
    value = Decimal(value)
    if abs(value) >= 1000:
        return f"£{value / 1000:,.0f}k" if abs(value) >= 10000 else f"£{value / 1000:,.1f}k"
    return f"£{value:,.0f}"


def sections_chart(summary: Summary) -> str:
    rows = summary.sections
    titles = [_short(row["section"].title if row["section"] else "No section") for row in rows]
    series = [
        Series(RAG_NAMES[rag], [row[f"{rag}_count"] for row in rows], RAG_COLOURS[rag])
        for rag in RAGS
    ]
    series.append(Series("Not rated", [row["unrated_count"] for row in rows], GREY))
    return bar_chart(
        titles,
        series,
        stacked=True,
        title=f"RAG of the actions in each section of {summary.plan.title}",
        description="Stacked bars, one per section: open actions by RAG, and complete ones. "
        "The table below gives the numbers.",
        y_label="Actions",
        chart_id=f"sections-{summary.plan.pk}",
    )


def quarters_chart(summary: Summary) -> str:
    rows = summary.quarters
    return bar_chart(
        [row["label"].replace("-", " ") for row in rows],
        [Series(RAG_NAMES[rag], [row[rag] for row in rows], RAG_COLOURS[rag]) for rag in RAGS],
        stacked=True,
        title="RAG of the actions at the end of each of the last four quarters, and now",
        description="Stacked bars, one per quarter: how many actions stood at red, amber, "
        "green and blue, from their dated updates. The table below gives the numbers.",
        y_label="Actions",
        chart_id=f"quarters-{summary.plan.pk}-{summary.section.pk if summary.section else 0}",
    )


MEASURE_STATES = [
    ("on_track", "On track", GREEN),
    ("at_risk", "At risk", ORANGE),
    ("off_track", "Off track", RED),
    ("no_data", "No data", GREY),
]


def measures_chart(summary: Summary) -> str:
    names = [label for _, label, _ in MEASURE_STATES]
    series = [
        Series(label, [summary.measures[key] if n == i else None for n in range(4)], colour)
        for i, (key, label, colour) in enumerate(MEASURE_STATES)
    ]
    return bar_chart(
        names,
        series,
        stacked=True,
        title="Measures by judgement",
        description="One bar per judgement: how many measures are on track, at risk, off "
        "track or have no data. The table beside gives the numbers.",
        y_label="Measures",
        height=260,
        chart_id=f"measures-{summary.plan.pk}-{summary.section.pk if summary.section else 0}",
    )


def budget_chart(summary: Summary) -> str:
    rows = summary.budget["by_year"]
    return bar_chart(
        [row["label"] for row in rows],
        [
            Series("Budget", [row["budget"] for row in rows], BLUE),
            Series("Spend", [row["spend"] for row in rows], ORANGE),
        ],
        title="Budget and spend in each financial year",
        description="Pairs of bars, one pair per financial year: the budget and the spend "
        "recorded. The table below gives the numbers and the variance.",
        value_format=_pounds,
        y_label="£",
        chart_id=f"budget-{summary.plan.pk}-{summary.section.pk if summary.section else 0}",
    )


def summary_charts(summary: Summary) -> dict[str, str]:
    rated = any(row[rag] for row in summary.quarters for rag in RAGS)
    charts = {
        "quarters": quarters_chart(summary) if rated else "",
        "measures": measures_chart(summary) if summary.measures["total"] else "",
        "budget": budget_chart(summary) if summary.budget["by_year"] else "",
    }
    if summary.sections:
        charts["sections"] = sections_chart(summary)
    return charts


PORTFOLIO_COLOURS = {**RAG_COLOURS, "none": GREY}


def mix_bar(group: PortfolioGroup) -> str:
    """A group's RAG mix as one small stacked bar. Decoration only (hidden from screen
    readers): the numbers beside it say the same, each a link to its actions."""
    total = group.mix_total
    parts = [
        '<svg class="app-mix-bar" viewBox="0 0 100 10" preserveAspectRatio="none" width="120" '
        'height="14" aria-hidden="true" focusable="false">',
        f'<rect x="0" y="0" width="100" height="10" fill="{LIGHT_GREY}"></rect>',
    ]
    x = 0.0
    for rag, _, n in group.mix:
        if total and n:
            width = 100 * n / total
            parts.append(
                f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="10" '
                f'fill="{PORTFOLIO_COLOURS[rag]}"></rect>'
            )
            x += width
    parts.append("</svg>")
    return "".join(parts)
