"""The demo loader creates demo / demo, so it refuses to run on a production deployment."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from plantrack.accounts.models import User
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db


def test_load_demo_refuses_in_production(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="PLANTRACK_PRODUCTION") as refused:
        call_command("load_demo")
    assert "\n" not in str(refused.value)
    assert not User.objects.exists()
    assert not Plan.objects.exists()


def test_load_demo_refuses_in_production_from_the_command_line(tmp_path):
    """One line on stderr and exit status 1, as an operator running it by mistake sees it."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PLANTRACK_")}
    env.update(
        PLANTRACK_PRODUCTION="1",
        PLANTRACK_SECRET_KEY="x" * 64,
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "CommandError: load_demo refuses to run with PLANTRACK_PRODUCTION on: "
        "it creates the account demo / demo."
    )
