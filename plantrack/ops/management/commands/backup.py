"""`plantrack backup --out PATH`: the database and the stored files in one archive
(plantrack/ops/backup.py; docs/backup.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from plantrack.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup of the database and the stored files to one archive file."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--out", required=True, help="The archive to write, e.g. plantrack-2025-01-31.tar"
        )

    def handle(self, *args, out: str, **options) -> None:
        try:
            result = backup(out, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc}") from None
        self.stdout.write(
            f"Wrote {result.path} ({result.size:,} bytes): {result.tables} tables, "
            f"{result.rows:,} rows, {result.files} stored files"
        )
