"""``plantrack remind [--dry-run] [--date YYYY-MM-DD]``: send the reminder digests now.

Run it daily from cron or a systemd timer (see plantrack/reminders/tasks.py)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from plantrack.reminders.services import reminders_send


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--date {text!r} is not a date like 2025-06-02") from exc


class Command(BaseCommand):
    help = "Email each action owner whose reminder is due one digest of what needs attention."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="list who would get a digest and how many items; send and record nothing",
        )
        parser.add_argument(
            "--date", help="run as if today were this day (YYYY-MM-DD); default today"
        )

    def handle(self, *args, dry_run: bool = False, date: str | None = None, **options):
        on = _date(date) if date else None
        summary = reminders_send(on=on, dry_run=dry_run)
        if dry_run:
            for line in summary.lines:
                self.stdout.write(f"{line.name}\t{line.email}\t{line.items} items")
        self.stdout.write(str(summary))
