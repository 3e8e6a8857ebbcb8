"""`manage.py worker`: the task worker to run in production (ops.worker says what it adds
to django-tasks-db's db_worker, whose options it takes)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from plantrack.core.outages import run_tasks_patiently
from plantrack.ops.worker import OutlastingWorker


class Command(db_worker.Command):
    help = (
        "Run background tasks (imports, packs); outlasts database restarts and takes up "
        "tasks a stopped worker left running. Give each worker a --worker-id of its own "
        "(host and number) so that, started again, it takes up what it was running at once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None, reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        if options["reload"]:
            raise CommandError("--reload is not offered: restart the worker after a change")
        run_tasks_patiently()
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        own_id = options["worker_id"] is not None
        worker = OutlastingWorker(
            own_id=own_id,
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"] if own_id else get_random_string(32),
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
