from __future__ import annotations

import datetime as dt
import itertools
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plantrack.core import charts

NS = "{http://www.w3.org/2000/svg}"
D = dt.date


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def _line(**kwargs) -> str:
    base = {
        "title": "Volunteers",
        "description": "Readings against trajectory",
    }
    return charts.line_chart(
        kwargs.pop(
            "series",
            [charts.Series("Readings", [(D(2024, 1, 1), 10), (D(2024, 6, 1), Decimal("40.5"))])],
        ),
        **{**base, **kwargs},
    )


def test_line_chart_is_valid_xml_with_text_alternative():
    svg = _line(
        trajectory=[(D(2024, 1, 1), 0), (D(2025, 1, 1), 100)],
        targets=[(D(2025, 1, 1), 100)],
        chart_id="c1",
    )
    root = _parse(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.get("viewBox") == "0 0 640 320"
    assert root.find(f"{NS}title").text == "Volunteers"
    assert root.find(f"{NS}title").get("id") == "c1-title"
    assert root.find(f"{NS}desc").text == "Readings against trajectory"
    # A dashed trajectory, a target marker, reading markers and a legend.
    dashed = [p for p in root.iter(f"{NS}polyline") if p.get("stroke-dasharray")]
    assert len(dashed) == 1
    assert len(list(root.iter(f"{NS}polygon"))) >= 1
    assert len(list(root.iter(f"{NS}circle"))) == 2
    texts = _texts(root)
    assert "Readings" in texts and "Trajectory" in texts and "Target" in texts
    assert any("2024" in t for t in texts)  # date axis labels
    assert "100" in texts  # value axis labels


def test_text_is_at_least_12_units():
    root = _parse(_line(targets=[(D(2025, 1, 1), 100)]))
    assert int(root.get("font-size")) >= 12
    for element in root.iter():
        if element.get("font-size"):
            assert int(element.get("font-size")) >= 12


def test_line_chart_escapes_text():
    evil = '<script>alert("x")</script> & "quotes" \x00'
    svg = charts.line_chart(
        [charts.Series(evil, [(D(2024, 1, 1), 1), (D(2024, 2, 1), 2)])],
        title=evil,
        description=evil,
        y_label=evil,
    )
    root = _parse(svg)
    assert "<script>" not in svg
    assert root.find(f"{NS}title").text == '<script>alert("x")</script> & "quotes" '
    assert not list(root.iter("script")) and not list(root.iter(f"{NS}script"))


def test_line_chart_without_data_says_so():
    svg = charts.line_chart([], title="Empty", description="Nothing")
    root = _parse(svg)
    assert "No data yet" in _texts(root)
    assert root.find(f"{NS}title").text == "Empty"


def test_line_chart_single_point_and_compact():
    svg = _line(
        series=[charts.Series("R", [(D(2024, 1, 1), 5)])], compact=True, width=240, height=80
    )
    root = _parse(svg)
    assert root.get("viewBox") == "0 0 240 80"
    assert len(list(root.iter(f"{NS}circle"))) == 1
    assert _texts(root) == []  # no axes in a sparkline; the title and desc still name it


def test_bar_chart_grouped_with_legend_and_colours():
    svg = charts.bar_chart(
        ["2013/14", "2014/15", "2015/16"],
        [
            charts.Series("Budget", [Decimal("1000.50"), 2000, 1500], charts.BLUE),
            charts.Series("Spend", [900, None, 1700], charts.ORANGE),
        ],
        title="Budget and spend",
        description="By financial year",
        chart_id="b1",
    )
    root = _parse(svg)
    assert root.get("aria-labelledby") == "b1-title b1-desc"
    rects = [r for r in root.iter(f"{NS}rect") if r.get("fill") in (charts.BLUE, charts.ORANGE)]
    bars = [r for r in rects if r.find(f"{NS}title") is not None]
    assert len(bars) == 5  # one value is missing
    assert {r.get("fill") for r in bars} == {charts.BLUE, charts.ORANGE}
    texts = _texts(root)
    assert "Budget" in texts and "Spend" in texts
    assert any("2013/14" in t for t in texts)
    tips = ["".join(r.find(f"{NS}title").itertext()) for r in bars]
    assert "2013/14, Budget: 1,000.5" in tips


def test_bar_chart_stacked_piles_series():
    svg = charts.bar_chart(
        ["Q1", "Q2"],
        [
            charts.Series("Red", [1, 2], charts.RED),
            charts.Series("Amber", [3, 0], charts.ORANGE),
            charts.Series("Green", [4, 6], charts.GREEN),
        ],
        title="RAG per quarter",
        description="Counts",
        stacked=True,
    )
    root = _parse(svg)
    bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
    q1 = [r for r in bars if "".join(r.find(f"{NS}title").itertext()).startswith("Q1")]
    # Stacked: every Q1 segment has the same x, and they do not overlap.
    assert len({r.get("x") for r in q1}) == 1
    spans = sorted((float(r.get("y")), float(r.get("y")) + float(r.get("height"))) for r in q1)
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end <= start + 0.01


def test_bar_chart_empty_and_negative():
    root = _parse(charts.bar_chart([], [], title="T", description="D"))
    assert "No data yet" in _texts(root)
    root = _parse(
        charts.bar_chart(["A", "B"], [charts.Series("Net", [-5, 10])], title="T", description="D")
    )
    assert "-5" in "".join(_texts(root)) or "−5" in "".join(_texts(root))


def test_chart_ids_differ_for_different_data():
    a = _line(series=[charts.Series("R", [(D(2024, 1, 1), 1)])])
    b = _line(series=[charts.Series("R", [(D(2024, 1, 1), 2)])])
    assert _parse(a).get("aria-labelledby") != _parse(b).get("aria-labelledby")


@pytest.mark.parametrize(("low", "high"), [(0, 1), (0, 97), (3, 3), (-50, 20), (0.001, 0.002)])
def test_nice_ticks_cover_the_range(low, high):
    ticks = charts.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    assert len(ticks) <= 12


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [(0, 1, [0, 1]), (0, 2, [0, 1, 2]), (0, 3, [0, 1, 2, 3]), (0, 97, None)],
)
def test_whole_ticks_for_counts(low, high, expected):
    ticks = charts.nice_ticks(low, high)
    assert charts.whole_ticks(ticks) == (expected if expected is not None else ticks)


def test_a_bar_chart_of_small_counts_has_whole_ticks():
    svg = charts.bar_chart(
        ["a", "b"], [charts.Series("n", [1, 0])], title="t", description="d", whole=True
    )
    assert ">0.25<" not in svg and ">1<" in svg


def test_a_horizontal_bar_chart_names_every_bar_and_grows_with_them():
    names = ["Public meeting", "A very long method name that will not fit in the label", "Q&A"]
    svg = charts.hbar_chart(names, [4, 1, 0], title="Methods", description="d")
    root = _parse(svg)
    assert root.get("viewBox") == "0 0 480 118"
    texts = "".join(_texts(root))
    assert "Public meeting" in texts and "A very long method name…" in texts
    assert "A very long method name that will not fit in the label" in svg  # its <title>
    assert ">0.5<" not in svg
    empty = charts.hbar_chart(["a"], [0], title="t", description="d", empty_message="None")
    assert "None" in "".join(_texts(_parse(empty)))


@settings(max_examples=50, deadline=None)
@given(
    st.text(max_size=40),
    st.lists(
        st.tuples(
            st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 1, 1)),
            st.decimals(min_value=-1e9, max_value=1e9, allow_nan=False, places=2),
        ),
        max_size=6,
    ),
)
def test_any_data_gives_valid_xml(label, points):
    svg = charts.line_chart(
        [charts.Series(label, points)], title=label, description=label, targets=points[:1]
    )
    _parse(svg)
    bars = charts.bar_chart(
        [label, "x"],
        [charts.Series(label, [v for _, v in points[:2]])],
        title=label,
        description=label,
    )
    _parse(bars)


def _monthly(count: int) -> list[tuple[dt.date, int]]:
    return [(D(2020 + n // 12, n % 12 + 1, 1), n) for n in range(count)]


def test_a_long_series_marks_only_its_latest_value():
    limit = charts.MARKER_LIMIT
    short = _parse(_line(series=[charts.Series("R", _monthly(limit))]))
    assert len(list(short.iter(f"{NS}circle"))) == limit
    long = _parse(_line(series=[charts.Series("R", _monthly(limit + 12))]))
    circles = list(long.iter(f"{NS}circle"))
    assert len(circles) == 1
    # The marked value is the latest: the rightmost point of the line.
    line = next(p for p in long.iter(f"{NS}polyline") if not p.get("stroke-dasharray"))
    last_x = line.get("points").split()[-1].split(",")[0]
    assert circles[0].get("cx") == last_x


def test_small_multiples_leave_out_the_key_and_label_fewer_ticks():
    series = [charts.Series("Readings", _monthly(36))]
    full = _texts(_parse(_line(series=series, targets=[(D(2023, 6, 1), 40)])))
    half = _texts(
        _parse(_line(series=series, targets=[(D(2023, 6, 1), 40)], ticks=3, legend=False))
    )
    assert "Readings" in full and "Target" in full
    assert "Readings" not in half and "Target" not in half
    assert 0 < len(half) < len(full)
