"""`plantrack restore [--verify] [--yes] PATH`: check a backup archive, then either restore it
into a scratch database and compare it table by table with its manifest (--verify), or
restore it into the live database and the stored files (plantrack/ops/backup.py;
docs/backup.md)."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from plantrack.ops import backup
from plantrack.ops.backup import Archive, BackupError, Verification


class Command(BaseCommand):
    help = (
        "Restore a backup archive into the live database and stored files, or with --verify "
        "into a scratch database to check it (the live one is never touched)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The archive written by `plantrack backup`")
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Restore into a scratch database and compare every table with the manifest",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Replace the live data without asking"
        )

    def handle(self, *args, path: str, verify: bool, yes: bool, **options) -> None:
        try:
            with backup.open_archive(path) as archive:
                self.stdout.write(self._describe(archive))
                if verify:
                    result = backup.verify(archive)
                else:
                    if not yes and not self._confirmed():
                        raise CommandError(
                            "restore cancelled; nothing changed (--yes restores without asking)"
                        )
                    result = backup.restore(archive, log=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self._report(result, scratch=verify)

    def _describe(self, archive: Archive) -> str:
        manifest = archive.manifest
        return (
            f"{archive.path}: a {backup.VENDOR_NAMES[archive.vendor]} backup made "
            f"{backup.created_at(manifest)} by PlanTrack {manifest.get('plantrack_version')}, "
            f"{len(manifest['tables'])} tables and {len(archive.files())} stored files; "
            "every checksum matches"
        )

    def _confirmed(self) -> bool:
        self.stdout.write(
            "This replaces the live database and the stored files with the backup's. "
            "Type 'restore' to go on: ",
            ending="",
        )
        self.stdout.flush()
        try:
            answer = sys.stdin.readline()
        except (OSError, ValueError):  # no terminal, or stdin closed
            answer = ""
        if not answer.endswith("\n"):
            self.stdout.write("")
        return answer.strip().lower() == "restore"

    def _report(self, result: Verification, *, scratch: bool) -> None:
        where = "scratch" if scratch else "restored"
        width = max([len("table"), *(len(check.table) for check in result.checks)])
        self.stdout.write(f"{'table':<{width}}  {'backup rows':>11}  {where + ' rows':>13}  check")
        for check in result.checks:
            verdict = "ok" if check.matches else "DIFFERS"
            if check.expected_rows is None:
                verdict = "not in the backup"
            elif check.actual_rows is None:
                verdict = "MISSING"
            self.stdout.write(
                f"{check.table:<{width}}  {_count(check.expected_rows):>11}  "
                f"{_count(check.actual_rows):>13}  {verdict}"
            )
        rows = sum(check.expected_rows or 0 for check in result.checks)
        if not result.ok:
            differing = result.differing
            raise CommandError(
                f"verify: {len(differing)} of {len(result.checks)} tables differ from the "
                f"backup's manifest: {', '.join(differing[:5])}{' …' if len(differing) > 5 else ''}"
            )
        self.stdout.write(
            f"verify: all {len(result.checks)} tables match the backup ({rows:,} rows): "
            f"row counts and content digests"
        )


def _count(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"
