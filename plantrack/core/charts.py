"""Charts drawn on the server as SVG: no JavaScript, no libraries, safe to inline in a page.

Each function takes plain data and returns one ``<svg>`` string that is well-formed XML, has a
fixed viewBox (so it scales to the width of its container), a ``<title>`` and ``<desc>`` text
alternative wired up with ``role="img"`` and ``aria-labelledby``, text of at least 12 units and
colours from the GOV.UK palette. All text is escaped. Pages should still show the numbers in a
table next to the chart: a picture is never the only way to read them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

BLUE = "#1d70b8"
RED = "#d4351c"
ORANGE = "#f47738"
GREEN = "#00703c"
GREY = "#505a5f"
PURPLE = "#4c2c92"
TURQUOISE = "#28a197"
PINK = "#d53880"
BLACK = "#0b0c0c"
LIGHT_GREY = "#b1b4b6"
PALETTE = (BLUE, GREEN, ORANGE, RED, PURPLE, TURQUOISE, PINK, GREY)
RAG_COLOURS = {"red": RED, "amber": ORANGE, "green": GREEN, "blue": BLUE, "": GREY}

FONT = "Arial, Helvetica, sans-serif"
TEXT_SIZE = 14  # never below 12: the viewBox is drawn at about its own size on a page
SMALL_TEXT = 12
MARKER_LIMIT = 24  # a longer series marks only its latest value

Number = int | float | Decimal
Formatter = Callable[[Number], str]

# Characters XML 1.0 does not allow at all: escaping cannot save them, so they are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def esc(text: object) -> str:
    """Text safe inside an element or a double-quoted attribute."""
    return html.escape(_NOT_XML.sub("", str(text)), quote=True)


def default_format(value: Number) -> str:
    value = Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


@dataclass(frozen=True)
class Series:
    """One line or one set of bars: a name for the legend, its values, its colour."""

    name: str
    values: Sequence  # line: (date, number) pairs; bars: one number (or None) per category
    colour: str | None = None


def _chart_id(*parts: object) -> str:
    digest = hashlib.sha1(repr(parts).encode("utf-8", "replace")).hexdigest()[:10]
    return f"chart-{digest}"


def _open(
    width: int, height: int, chart_id: str, title: str, description: str, fixed: bool = False
) -> list[str]:
    # A sparkline keeps its own size (it sits in a table cell); a full chart fills its column.
    size = f'width="{width}" height="{height}"' if fixed else 'width="100%"'
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}"'
        f' {size} preserveAspectRatio="xMinYMin meet" role="img"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' font-family="{FONT}" font-size="{TEXT_SIZE}">',
        f'<title id="{chart_id}-title">{esc(title)}</title>',
        f'<desc id="{chart_id}-desc">{esc(description)}</desc>',
    ]


def _num(value: float) -> str:
    """Coordinates with at most two decimals: shorter markup, same picture."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10ⁿ) covering low..high."""
    if not math.isfinite(low) or not math.isfinite(high):
        return [0.0, 1.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    value = start
    while value < high + step * 0.5 and len(ticks) < 20:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def whole_ticks(ticks: list[float]) -> list[float]:
    """Ticks at whole numbers only: steps below 1 become steps of 1 over the same range."""
    if len(ticks) < 2 or ticks[1] - ticks[0] >= 1:
        return ticks
    return [float(v) for v in range(math.floor(ticks[0]), math.ceil(ticks[-1]) + 1)]


def _value_range(values: list[float]) -> tuple[float, float]:
    low, high = min(values), max(values)
    # Counts read best from zero, unless zero would squash a small change near a big number.
    if low >= 0 and low <= high * 0.6:
        low = 0.0
    if high <= 0 and high >= low * 0.6:
        high = 0.0
    return low, high


def _date_label(day: dt.date, span_days: int) -> str:
    if span_days <= 120:
        return f"{day.day} {day:%b %Y}"
    return f"{day:%b %Y}"


def _date_ticks(first: dt.date, last: dt.date, count: int = 5) -> list[dt.date]:
    span = (last - first).days
    if span <= 0:
        return [first]
    count = min(count, span + 1)
    return [first + dt.timedelta(days=round(span * i / (count - 1))) for i in range(count)]


def _legend(items: list[tuple[str, str, str]], x: float, y: float, width: float) -> list[str]:
    """(kind, colour, label) swatches in a row, wrapping to the next row when full."""
    parts = ['<g class="app-chart__legend">']
    cx, cy = x, y
    for kind, colour, label in items:
        label = label if len(label) <= 40 else label[:39] + "…"
        item_width = 28 + len(label) * 7.5 + 20
        if cx + item_width > x + width and cx > x:
            cx, cy = x, cy + 22
        if kind == "line":
            parts.append(
                f'<line x1="{_num(cx)}" y1="{_num(cy - 5)}" x2="{_num(cx + 20)}" '
                f'y2="{_num(cy - 5)}" stroke="{colour}" stroke-width="3"/>'
            )
        elif kind == "dash":
            parts.append(
                f'<line x1="{_num(cx)}" y1="{_num(cy - 5)}" x2="{_num(cx + 20)}" '
                f'y2="{_num(cy - 5)}" stroke="{colour}" stroke-width="2" stroke-dasharray="6 4"/>'
            )
        elif kind == "diamond":
            parts.append(_diamond(cx + 10, cy - 5, 6, colour))
        else:
            parts.append(
                f'<rect x="{_num(cx + 3)}" y="{_num(cy - 12)}" width="14" height="14" '
                f'fill="{colour}"/>'
            )
        parts.append(f'<text x="{_num(cx + 26)}" y="{_num(cy)}" fill="{BLACK}">{esc(label)}</text>')
        cx += item_width
    parts.append("</g>")
    return parts


def _diamond(x: float, y: float, r: float, colour: str) -> str:
    points = f"{_num(x)},{_num(y - r)} {_num(x + r)},{_num(y)} {_num(x)},{_num(y + r)} "
    points += f"{_num(x - r)},{_num(y)}"
    return f'<polygon points="{points}" fill="{colour}" stroke="{BLACK}" stroke-width="1"/>'


def _empty(svg: list[str], width: int, height: int, message: str) -> str:
    svg.append(
        f'<rect x="1" y="1" width="{width - 2}" height="{height - 2}" fill="#f3f2f1" '
        f'stroke="{LIGHT_GREY}"/>'
    )
    svg.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'fill="{BLACK}">{esc(message)}</text>'
    )
    svg.append("</svg>")
    return "".join(svg)


def _date_anchor(index: int, count: int) -> str:
    """The outer labels hang inwards so that they are not cut off at the edges."""
    if count > 1 and index == 0:
        return "start"
    if count > 1 and index == count - 1:
        return "end"
    return "middle"


def _line_axes(
    box: tuple[float, float, float, float],
    x_of: Callable[[dt.date], float],
    y_of: Callable[[float], float],
    value_ticks: list[float],
    days: list[dt.date],
    *,
    value_format: Formatter,
    span_days: int,
    y_label: str,
) -> list[str]:
    """A line chart's gridlines in one path, and the axis with its tick marks in another:
    fewer nodes to draw (a board pack holds dozens of charts)."""
    left, right, top, bottom = box
    svg = [f'<g class="app-chart__axes" fill="{BLACK}">']
    grid = "".join(f"M{_num(left)} {_num(y_of(t))}H{_num(right)}" for t in value_ticks)
    svg.append(f'<path d="{grid}" stroke="{LIGHT_GREY}" stroke-width="1" fill="none"/>')
    svg.extend(
        f'<text x="{_num(left - 8)}" y="{_num(y_of(tick) + 5)}" text-anchor="end">'
        f"{esc(value_format(tick))}</text>"
        for tick in value_ticks
    )
    axis = f"M{_num(left)} {_num(bottom)}H{_num(right)}"
    axis += "".join(f"M{_num(x_of(day))} {_num(bottom)}v6" for day in days)
    svg.append(f'<path d="{axis}" stroke="{BLACK}" stroke-width="1" fill="none"/>')
    svg.extend(
        f'<text x="{_num(x_of(day))}" y="{_num(bottom + 22)}" '
        f'text-anchor="{_date_anchor(index, len(days))}">'
        f"{esc(_date_label(day, span_days))}</text>"
        for index, day in enumerate(days)
    )
    if y_label:
        svg.append(
            f'<text x="{_num(left)}" y="{_num(top - 12)}" font-size="{SMALL_TEXT}">'
            f"{esc(y_label)}</text>"
        )
    svg.append("</g>")
    return svg


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    trajectory: Sequence[tuple[dt.date, Number]] = (),
    targets: Sequence[tuple[dt.date, Number]] = (),
    value_format: Formatter = default_format,
    y_label: str = "",
    width: int = 640,
    height: int = 320,
    compact: bool = False,
    ticks: int = 5,
    legend: bool = True,
    chart_id: str | None = None,
    empty_message: str = "No data yet",
) -> str:
    """Dated values as lines with markers, a dashed trajectory and diamond target markers.

    ``compact`` draws a small sparkline-sized chart without axes or legend (still with its
    title and description), for lists; give a smaller width and height with it.

    ``ticks`` is about how many labels each axis gets. ``legend=False`` leaves the key out, for
    small multiples whose key is given once beside them.

    Every value gets a marker while a series has at most ``MARKER_LIMIT`` of them; a longer
    series is read from its line, and only its latest value is marked (three years of monthly
    readings as 36 dots is clutter on a page and slow to draw in a PDF).
    """
    lines = [s for s in series if s.values]
    chart_id = chart_id or _chart_id(
        "line", title, description, [(s.name, list(s.values)) for s in series], trajectory, targets
    )
    svg = _open(width, height, chart_id, title, description, fixed=compact)
    points = [(d, float(v)) for s in lines for d, v in s.values]
    points += [(d, float(v)) for d, v in trajectory] + [(d, float(v)) for d, v in targets]
    if not points:
        return _empty(svg, width, height, empty_message)

    dates = [d for d, _ in points]
    first, last = min(dates), max(dates)
    if first == last:
        first, last = first - dt.timedelta(days=15), last + dt.timedelta(days=15)
    low, high = _value_range([v for _, v in points])
    value_ticks = [0.0] if compact else nice_ticks(low, high, ticks)
    if not compact:
        low, high = min(value_ticks[0], low), max(value_ticks[-1], high)
    elif low == high:
        low, high = low - 1, high + 1

    if compact:
        left, right, top, bottom = 6.0, width - 10.0, 8.0, height - 8.0
    else:
        label_width = max(len(value_format(t)) for t in value_ticks) * 8 + 14
        left, right = max(48.0, float(label_width)), width - 20.0
        top, bottom = (30.0 if y_label else 16.0), height - (78.0 if legend else 36.0)
    span_days = (last - first).days

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - first).days / span_days

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * (value - low) / ((high - low) or 1.0)

    if not compact:
        svg.extend(
            _line_axes(
                (left, right, top, bottom),
                x_of,
                y_of,
                value_ticks,
                _date_ticks(first, last, ticks),
                value_format=value_format,
                span_days=span_days,
                y_label=y_label,
            )
        )

    if trajectory:
        path = " ".join(f"{_num(x_of(d))},{_num(y_of(float(v)))}" for d, v in trajectory)
        svg.append(
            f'<polyline class="app-chart__trajectory" points="{path}" fill="none" '
            f'stroke="{GREY}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
    for d, v in targets:
        svg.append(_diamond(x_of(d), y_of(float(v)), 5 if compact else 7, ORANGE))

    keys: list[tuple[str, str, str]] = []
    for index, s in enumerate(lines):
        colour = s.colour or PALETTE[index % len(PALETTE)]
        ordered = sorted(s.values, key=lambda p: p[0])
        path = " ".join(f"{_num(x_of(d))},{_num(y_of(float(v)))}" for d, v in ordered)
        svg.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="3" '
            f'stroke-linejoin="round"/>'
        )
        radius = 3 if compact else 4
        marked = ordered if len(ordered) <= MARKER_LIMIT else ordered[-1:]
        svg.extend(
            f'<circle cx="{_num(x_of(d))}" cy="{_num(y_of(float(v)))}" r="{radius}" '
            f'fill="{colour}"/>'
            for d, v in marked
        )
        keys.append(("line", colour, s.name))
    if trajectory:
        keys.append(("dash", GREY, "Trajectory"))
    if targets:
        keys.append(("diamond", ORANGE, "Target"))
    if not compact and legend and keys:
        svg.extend(_legend(keys, left, height - 28, right - left))
    svg.append("</svg>")
    return "".join(svg)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str,
    stacked: bool = False,
    value_format: Formatter = default_format,
    y_label: str = "",
    width: int = 640,
    height: int = 320,
    chart_id: str | None = None,
    empty_message: str = "No data yet",
    whole: bool = False,
) -> str:
    """Categories along the bottom, one bar per series in each (grouped), or the series piled
    up in one bar (stacked). Missing values (None) draw nothing; negative values go below the
    zero line. Each series has a colour (given, or the next from the palette) and a legend
    entry, so RAG counts per quarter or budget against spend per year read the same way.
    ``whole`` keeps the value axis to whole numbers (counts of 1 or 2 things read 0, 1, 2
    rather than 0, 0.25, 0.5 …)."""
    categories = [str(c) for c in categories]
    colours = [s.colour or PALETTE[i % len(PALETTE)] for i, s in enumerate(series)]
    chart_id = chart_id or _chart_id(
        "bar", title, description, categories, [(s.name, list(s.values)) for s in series], stacked
    )
    svg = _open(width, height, chart_id, title, description)

    def value(s: Series, i: int) -> float | None:
        v = s.values[i] if i < len(s.values) else None
        return None if v is None else float(v)

    cells = [[value(s, i) for s in series] for i in range(len(categories))]
    if not categories or not series or all(v is None for row in cells for v in row):
        return _empty(svg, width, height, empty_message)

    if stacked:
        extents = [0.0]
        for row in cells:
            extents.append(sum(v for v in row if v is not None and v > 0))
            extents.append(sum(v for v in row if v is not None and v < 0))
    else:
        extents = [0.0, *(v for row in cells for v in row if v is not None)]
    ticks = nice_ticks(min(extents), max(extents))
    if whole:
        ticks = whole_ticks(ticks)
    low, high = ticks[0], ticks[-1]
    label_width = max(len(value_format(t)) for t in ticks) * 8 + 14
    left, right = max(48.0, float(label_width)), width - 20.0
    legend_rows = 1 + sum(len(s.name) * 7.5 + 48 for s in series) // max(right - left, 1)
    top, bottom = 16.0, height - 56.0 - 22 * legend_rows

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * (v - low) / ((high - low) or 1.0)

    svg.append(f'<g class="app-chart__axes" fill="{BLACK}">')
    for tick in ticks:
        y = y_of(tick)
        svg.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
            f'stroke="{BLACK if tick == 0 else LIGHT_GREY}" stroke-width="1"/>'
        )
        svg.append(
            f'<text x="{_num(left - 8)}" y="{_num(y + 5)}" text-anchor="end">'
            f"{esc(value_format(tick))}</text>"
        )
    if y_label:
        svg.append(
            f'<text x="{_num(left)}" y="{_num(top - 4)}" font-size="{SMALL_TEXT}">'
            f"{esc(y_label)}</text>"
        )
    band = (right - left) / len(categories)
    # Long category names would collide: shorten to what the band can hold.
    max_chars = max(4, int(band / 7.5))
    for i, name in enumerate(categories):
        label = name if len(name) <= max_chars else name[: max_chars - 1] + "…"
        svg.append(
            f'<text x="{_num(left + band * (i + 0.5))}" y="{_num(bottom + 22)}" '
            f'text-anchor="middle"><title>{esc(name)}</title>{esc(label)}</text>'
        )
    svg.append("</g>")

    zero = y_of(0.0)
    inner = band * 0.7
    svg.append('<g class="app-chart__bars">')
    for i, row in enumerate(cells):
        x0 = left + band * i + (band - inner) / 2
        up = down = 0.0
        for j, v in enumerate(row):
            if v is None:
                continue
            tip = f"{categories[i]}, {series[j].name}: {value_format(v)}"
            if stacked:
                base = up if v >= 0 else down
                y_a, y_b = y_of(base), y_of(base + v)
                if v >= 0:
                    up += v
                else:
                    down += v
                x, w = x0, inner
            else:
                w = inner / len(series)
                x = x0 + w * j
                y_a, y_b = zero, y_of(v)
            y, h = min(y_a, y_b), abs(y_b - y_a)
            svg.append(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(max(w - 1, 1))}" '
                f'height="{_num(h)}" fill="{colours[j]}"><title>{esc(tip)}</title></rect>'
            )
    svg.append("</g>")
    svg.extend(
        _legend(
            [("box", colours[j], s.name) for j, s in enumerate(series)],
            left,
            bottom + 50,
            right - left,
        )
    )
    svg.append("</svg>")
    return "".join(svg)


HBAR_ROW = 26  # units per bar: the 14-unit label and some air
HBAR_LABEL_CHARS = 24


def hbar_chart(
    categories: Sequence[str],
    values: Sequence[Number],
    *,
    title: str,
    description: str,
    colour: str = BLUE,
    value_format: Formatter = default_format,
    x_label: str = "",
    width: int = 480,
    chart_id: str | None = None,
    empty_message: str = "No data yet",
) -> str:
    """One horizontal bar per category, its name on the left and its value at the end of the
    bar: for named categories (methods, communities, places) whose names would not fit under
    upright bars. The height follows the number of bars; the value axis keeps to whole numbers
    for small counts."""
    categories = [str(c) for c in categories]
    numbers = [float(v) for v in values]
    chart_id = chart_id or _chart_id("hbar", title, description, categories, numbers)
    height = 40 + HBAR_ROW * max(len(categories), 1) + (24 if x_label else 0)
    svg = _open(width, height, chart_id, title, description)
    if not categories or not any(numbers):
        return _empty(svg, width, height, empty_message)
    ticks = whole_ticks(nice_ticks(min(0.0, *numbers), max(numbers), 4))
    low, high = ticks[0], ticks[-1]
    longest = max(len(name) for name in categories)
    left = 12 + 7.2 * min(longest, HBAR_LABEL_CHARS)
    right = width - 14 - 7.5 * max(len(value_format(v)) for v in numbers)
    top, bottom = 8.0, 8.0 + HBAR_ROW * len(categories)

    def x_of(v: float) -> float:
        return left + (right - left) * (v - low) / ((high - low) or 1.0)

    grid = "".join(f"M{_num(x_of(t))} {_num(top)}V{_num(bottom)}" for t in ticks)
    svg.append(f'<g class="app-chart__axes" fill="{BLACK}">')
    svg.append(f'<path d="{grid}" stroke="{LIGHT_GREY}" stroke-width="1" fill="none"/>')
    svg.extend(
        f'<text x="{_num(x_of(t))}" y="{_num(bottom + 18)}" text-anchor="middle" '
        f'font-size="{SMALL_TEXT}">{esc(value_format(t))}</text>'
        for t in ticks
    )
    if x_label:
        svg.append(
            f'<text x="{_num(right)}" y="{_num(bottom + 38)}" text-anchor="end" '
            f'font-size="{SMALL_TEXT}">{esc(x_label)}</text>'
        )
    svg.append("</g>")
    svg.append('<g class="app-chart__bars">')
    for i, (name, value) in enumerate(zip(categories, numbers, strict=True)):
        y = top + HBAR_ROW * i
        label = name if len(name) <= HBAR_LABEL_CHARS else name[: HBAR_LABEL_CHARS - 1] + "…"
        start, end = sorted((x_of(0.0), x_of(value)))
        svg.append(
            f'<text x="{_num(left - 6)}" y="{_num(y + 17)}" text-anchor="end" fill="{BLACK}">'
            f"<title>{esc(name)}</title>{esc(label)}</text>"
        )
        svg.append(
            f'<rect x="{_num(start)}" y="{_num(y + 4)}" width="{_num(max(end - start, 1))}" '
            f'height="{HBAR_ROW - 8}" fill="{colour}"><title>{esc(name)}: '
            f"{esc(value_format(value))}</title></rect>"
        )
        svg.append(
            f'<text x="{_num(end + 5)}" y="{_num(y + 17)}" fill="{BLACK}">'
            f"{esc(value_format(value))}</text>"
        )
    svg.append("</g></svg>")
    return "".join(svg)
