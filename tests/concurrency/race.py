"""One contestant of a race between processes, as separate app servers would race
(tests/concurrency/test_writers.py). The database comes from DATABASE_URL.

    python tests/concurrency/race.py setup
    python tests/concurrency/race.py post START INDEX
    python tests/concurrency/race.py edit START INDEX VERSION
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plantrack.settings")

import django

django.setup()

from plantrack.accounts.models import User  # noqa: E402
from plantrack.core.concurrency import EditConflict, version_of  # noqa: E402
from plantrack.plans import services  # noqa: E402
from plantrack.plans.models import Action  # noqa: E402


def _wait(start: float) -> None:
    time.sleep(max(0.0, start - time.time()))


def main(argv: list[str]) -> None:
    command = argv[0]
    if command == "setup":
        from plantrack.core.tests.factories import build_world

        world = build_world()
        print(json.dumps({"action": world.action.pk, "version": version_of(world.action)}))
        return
    start, index = float(argv[1]), int(argv[2])
    manager = User.objects.get(username="manager")
    action = Action.objects.select_related("plan").get(pk=int(os.environ["RACE_ACTION"]))
    _wait(start)
    if command == "post":
        services.update_post(actor=manager, action=action, narrative=f"Update {index}", rag="amber")
        print("ok")
    elif command == "edit":
        try:
            services.action_update(
                actor=manager, action=action, edit_version=argv[3], title=f"Title {index}"
            )
        except EditConflict:
            print("conflict")
        else:
            print("ok")


if __name__ == "__main__":
    main(sys.argv[1:])
