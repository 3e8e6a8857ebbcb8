"""`plantrack pack --body NAME [--period 2022/23-Q2] [--meeting YYYY-MM-DD] --format pdf|docx|xlsx
--out FILE`: write a body's board pack to a file.

If the body has a published pack for the period (the latest, for that meeting if one is
given), its stored file is written, byte for byte. Otherwise the pack is built from today's
data and marked as a draft."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from plantrack.governance.models import Body, Meeting
from plantrack.packs.bench import build_pack_bytes
from plantrack.packs.models import Pack
from plantrack.packs.render import FORMATS
from plantrack.packs.selectors import (
    body_get_by_name,
    current_period,
    pack_file_data,
    period_normalise,
)


class Command(BaseCommand):
    help = "Write a governance body's board pack (PDF, Word or Excel) to a file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--body", required=True, help="The body's name or short name")
        parser.add_argument(
            "--period", help="A financial-year quarter, e.g. 2022/23-Q2 (default: now)"
        )
        parser.add_argument("--meeting", help="The meeting's date, YYYY-MM-DD (optional)")
        parser.add_argument("--format", dest="fmt", choices=sorted(FORMATS), default="pdf")
        parser.add_argument("--out", required=True, help="The file to write")

    def handle(
        self,
        *args,
        body: str,
        period: str | None,
        meeting: str | None,
        fmt: str,
        out: str,
        **options,
    ) -> None:
        try:
            found = body_get_by_name(body)
        except Body.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        try:
            period = period_normalise(period) if period else current_period()
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        chosen = None
        if meeting:
            try:
                day = dt.date.fromisoformat(meeting)
            except ValueError as exc:
                raise CommandError(f"“{meeting}” is not a date like 2023-01-31.") from exc
            chosen = Meeting.objects.filter(body=found, date=day).order_by("-id").first()
            if chosen is None:
                raise CommandError(f"{found.name} has no meeting on {day:%d %B %Y}.")
        target = Path(out)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")

        published = Pack.objects.filter(body=found, period=period, status=Pack.Status.PUBLISHED)
        if chosen is not None:
            published = published.filter(meeting=chosen)
        pack = published.order_by("-published_at", "-id").first()
        data = pack_file_data(pack, fmt) if pack else None
        if pack is None or data is None:
            data = build_pack_bytes(found, period, fmt, meeting=chosen, draft=True)
            what = "draft pack built from today's data"
        else:
            what = f"published pack of {pack.published_at:%d %B %Y}"
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Could not write {target}: {exc.strerror}.") from exc
        self.stdout.write(f"Wrote {target} ({len(data):,} bytes): {found.name}, {period}, {what}.")
