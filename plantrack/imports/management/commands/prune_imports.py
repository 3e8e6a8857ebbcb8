from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from plantrack.imports.services import import_jobs_prune


class Command(BaseCommand):
    help = "Delete import jobs (and their files) older than --days; release jobs whose worker died."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="keep jobs this long (30)")

    def handle(self, *args, days: int, **options):
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        done = import_jobs_prune(keep_days=days)
        self.stdout.write(
            f"Deleted {done['deleted']} old import jobs; "
            f"released {done['failed'] + done['back_to_preview']} stuck ones."
        )
