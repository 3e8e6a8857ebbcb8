"""``python -m plantrack.imports.tests.unseen [--detail] [NAME ...]``: the scores table."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")
django.setup()

from plantrack.imports.tests.unseen.score import main  # noqa: E402 - needs django.setup()

main()
