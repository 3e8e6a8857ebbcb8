"""``manage.py stakeholder_erasures --export PATH`` / ``--reapply PATH``: keep erasures true
across a restore.

Before restoring a backup, export the erasure log (it names contact numbers only); after the
restore, apply it again: every contact erased or anonymised since the backup was taken is
erased or anonymised again (docs/stakeholders.md)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plantrack.stakeholders.models import Erasure
from plantrack.stakeholders.privacy import reapply


class Command(BaseCommand):
    help = "Export the erasure log, or apply an exported log again after a restore."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--export", metavar="PATH", help="write the erasure log as JSON")
        group.add_argument("--reapply", metavar="PATH", help="apply an exported log again")

    def handle(self, *args, export: str | None = None, **options):
        path = options["reapply"]
        if export:
            entries = [
                {
                    "contact_id": e.contact_id,
                    "reason": e.reason,
                    "erased_at": e.erased_at.isoformat(),
                }
                for e in Erasure.objects.order_by("erased_at", "id")
            ]
            Path(export).write_text(json.dumps(entries, indent=1))
            self.stdout.write(f"{len(entries)} erasure(s) written to {export}.")
            return
        try:
            entries = json.loads(Path(path).read_text())
            if not isinstance(entries, list) or not all("contact_id" in e for e in entries):
                raise ValueError("not a list of erasures")
        except (OSError, ValueError) as exc:
            raise CommandError(f"{path} is not an exported erasure log.") from exc
        done = reapply(entries=entries)
        self.stdout.write(
            f"{done.erased} erased again, {done.anonymised} anonymised again; "
            f"{len(done.missing)} already gone."
        )
