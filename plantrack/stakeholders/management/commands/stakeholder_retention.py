"""``manage.py stakeholder_retention [--date YYYY-MM-DD]``: the nightly retention run.

Run it daily from cron or a systemd timer, as the reminder digests are
(plantrack/reminders/tasks.py): contacts past their retention period go to the data steward's
review queue; those whose review period has ended are anonymised."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from plantrack.stakeholders.privacy import retention_run


class Command(BaseCommand):
    help = "Put contacts past retention up for review; anonymise those whose review ended."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as if today were this day (YYYY-MM-DD)")

    def handle(self, *args, date: str | None = None, **options):
        try:
            on = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise CommandError(f"--date {date!r} is not a date like 2026-12-06") from exc
        report = retention_run(on=on)
        self.stdout.write(
            f"{report.put_up_for_review} contact(s) put up for review, "
            f"{report.anonymised} anonymised."
        )
