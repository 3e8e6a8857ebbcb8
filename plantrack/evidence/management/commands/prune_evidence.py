from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from plantrack.evidence.services import evidence_orphans_prune


class Command(BaseCommand):
    help = "Delete stored evidence files that no evidence names (left by a failed save)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="only files older than this (24)")

    def handle(self, *args, hours: int, **options):
        if hours < 1:
            raise CommandError("--hours must be 1 or more.")
        deleted = evidence_orphans_prune(older_than_hours=hours)
        self.stdout.write(f"Deleted {len(deleted)} stored files no evidence names.")
