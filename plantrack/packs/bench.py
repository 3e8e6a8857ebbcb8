"""Building a pack's file straight from the database, without a Pack row: for the benchmark
and the `make_pack` command."""

from __future__ import annotations

from plantrack.governance.models import Body, Meeting
from plantrack.packs.render import render
from plantrack.packs.selectors import current_period, period_normalise
from plantrack.packs.snapshot import build_snapshot


def build_pack_bytes(
    body: Body,
    period: str | None = None,
    fmt: str = "pdf",
    *,
    meeting: Meeting | None = None,
    draft: bool = True,
) -> bytes:
    """The pack of a body for a period (default: the current quarter) in pdf, docx or xlsx,
    built from today's data. Marked as a draft unless told otherwise: it is not published."""
    period = period_normalise(period) if period else current_period()
    snapshot, _ = build_snapshot(body, period, meeting)
    return render(snapshot, fmt, draft=draft)
