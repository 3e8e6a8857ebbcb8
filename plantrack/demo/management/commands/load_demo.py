from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plantrack.demo.loader import load_demo


class Command(BaseCommand):
    help = "Load the demo plans (the seed documents) and the demo account demo / demo."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Reload plans already loaded")

    def handle(self, *args, reset: bool = False, **options):
        if settings.PRODUCTION:
            # The demo account's password is in the README: never on a real database.
            raise CommandError(
                "load_demo refuses to run with PLANTRACK_PRODUCTION on: it creates the "
                "account demo / demo."
            )
        plans = load_demo(reset=reset, stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {len(plans)} plans. Sign in as demo / demo.")
        )
