"""The evaluation's charts, drawn as SVG by plantrack.core.charts as on the plan summary: each
sits beside a table of its numbers, which stays the way to read them exactly. The board pack
keeps the same SVG in its snapshot."""

from __future__ import annotations

from plantrack.core.charts import (
    BLUE,
    GREEN,
    GREY,
    PURPLE,
    RED,
    Series,
    bar_chart,
    hbar_chart,
)
from plantrack.engagement.evaluation.results import Evaluation, Movement

# Named categories (methods, communities, places) are drawn as horizontal bars, their names
# beside them; more than this many and the chart shows the largest, the table all.
MOST_BARS = 12
# Half the width of the plan summary's charts: they sit beside their tables, and text in a
# narrower viewBox stays readable when a phone scales the chart down.
WIDTH, HEIGHT = 480, 280
SHORT = {
    Movement.BETTER: "Right way",
    Movement.SAME: "No change",
    Movement.WORSE: "Wrong way",
    Movement.UNKNOWN: "No reading",
}
MOVEMENT_COLOURS = {
    Movement.BETTER: GREEN,
    Movement.SAME: BLUE,
    Movement.WORSE: RED,
    Movement.UNKNOWN: GREY,
}


def _counts_chart(
    pairs: list[tuple[str, int]],
    *,
    key: str,
    title: str,
    what: str,
    y_label: str = "Activities",
    colour: str = BLUE,
    ordered: bool = False,
) -> str:
    """One bar per category. ``ordered`` keeps the given order and every category, as upright
    bars (a scale: IAP2 levels, scores); otherwise the largest ``MOST_BARS`` as horizontal
    bars, largest first. Nothing when every count is 0: the table says so without a flat
    picture."""
    if not any(value for _, value in pairs):
        return ""
    if ordered:
        return bar_chart(
            [name for name, _ in pairs],
            [Series(y_label, [value for _, value in pairs], colour)],
            title=title,
            description=f"One bar per {what}: how many {y_label.lower()}. The table beside "
            "gives the numbers.",
            y_label=y_label,
            width=WIDTH,
            height=HEIGHT,
            chart_id=key,
            whole=True,
        )
    shown = sorted(pairs, key=lambda pair: -pair[1])[:MOST_BARS]
    description = f"One bar per {what}, largest first: how many {y_label.lower()}. The table "
    description += "beside gives the numbers"
    if len(pairs) > len(shown):
        description += f"; the chart shows the {MOST_BARS} largest, the table all {len(pairs)}"
    return hbar_chart(
        [name for name, _ in shown],
        [value for _, value in shown],
        title=title,
        description=description + ".",
        colour=colour,
        x_label=y_label,
        width=WIDTH,
        chart_id=key,
    )


def evaluation_charts(ev: Evaluation, prefix: str = "evaluation") -> dict[str, str]:
    """Every chart of the evaluation, keyed as the templates use them."""
    q, spread, benefits = ev.quantity, ev.spread, ev.benefits
    charts = {
        "outputs": _counts_chart(
            [(row["label"], row["total"]) for row in q.outputs],
            key=f"{prefix}-outputs",
            title="Outputs recorded in the period, by kind",
            what="kind of output",
            y_label="Count",
            colour=PURPLE,
        ),
        "methods": _counts_chart(
            spread.methods,
            key=f"{prefix}-methods",
            title="Activities by method",
            what="method",
        ),
        "levels": _counts_chart(
            [(label, n) for _, label, n in spread.levels],
            key=f"{prefix}-levels",
            title="Activities by IAP2 level, from inform to empower",
            what="IAP2 level",
            ordered=True,
        ),
        "communities": _counts_chart(
            spread.communities,
            key=f"{prefix}-communities",
            title="Activities by community targeted",
            what="community",
        ),
        "quality": _counts_chart(
            [(f"Score {score}", n) for score, n in ev.quality.distribution.items()],
            key=f"{prefix}-quality",
            title="Completed activities by quality score, 1 to 6",
            what="score (the number of minimum standards met)",
            colour=GREEN,
            ordered=True,
        )
        if ev.quality.count
        else "",
        "benefits": bar_chart(
            [SHORT[key] for key, _, _ in benefits.by_movement],
            [
                Series(label, [n if k == key else None for k, _, _ in benefits.by_movement], c)
                for key, label, n in benefits.by_movement
                for c in [MOVEMENT_COLOURS[key]]
            ],
            stacked=True,
            title="Measures of the linked plan actions, by movement over the period",
            description="One bar per kind of movement: how many measures moved the right way, "
            "did not change, moved the wrong way or had no reading in the period. The table "
            "beside gives the numbers.",
            y_label="Measures",
            width=WIDTH,
            height=HEIGHT,
            chart_id=f"{prefix}-benefits",
            whole=True,
        )
        if benefits.rows
        else "",
    }
    if spread.areas:
        charts["areas"] = _counts_chart(
            [(row.area.name, row.activities) for row in spread.areas],
            key=f"{prefix}-areas",
            title=f"Activities in each of the {spread.areas_heading.lower()}",
            what=spread.areas_heading.lower().rstrip("s"),
        )
    return charts
