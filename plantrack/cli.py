"""The ``plantrack`` command: ``plantrack import PATH …`` and the other scripted tasks.

Each subcommand is a Django management command; this entry point sets the settings module so
that it runs from any directory once the project is installed in the virtual environment.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "import": "import_plan",
    "pack": "make_pack",
    "remind": "send_reminders",
    "demo": "load_demo",
    "backup": "backup",
    "restore": "restore",
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(
            "usage: plantrack {import,pack,remind,demo,backup,restore} ...\n\n"
            "  import PATH [--dry-run] [--json] [--plan-title T] [--organisation NAME]\n"
            "              [--user USERNAME] [--into-plan ID]\n"
            "              plans, and the engagement registers beside them\n"
            "  pack --body NAME [--period 2022/23-Q2] --format pdf|docx|xlsx --out FILE\n"
            "  remind [--dry-run] [--date YYYY-MM-DD]   send the reminder digests\n"
            "  demo        load the demo plans (development databases only)\n"
            "  backup --out FILE   the database and the stored files in one archive\n"
            "  restore [--verify] [--yes] FILE\n"
            "              check an archive and restore it; --verify restores it into a scratch\n"
            "              database and compares every table (the live one is not touched)"
        )
        return 0
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"plantrack: unknown command {argv[0]!r}; try 'plantrack --help'", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
    import django
    from django.core.management import call_command
    from django.core.management.base import CommandError

    django.setup()
    try:
        call_command(command, *argv[1:])
    except CommandError as exc:
        print(f"plantrack: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        # The one deliberate catch-all: a user of the command line gets one line, not a
        # traceback; PLANTRACK_DEBUG=1 shows the traceback to whoever is fixing it.
        if os.environ.get("PLANTRACK_DEBUG"):
            raise
        print(
            f"plantrack: {argv[0]} failed unexpectedly ({type(exc).__name__}: {exc})",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
