"""Background tasks: preparing a pack (its snapshot and draft files, jobs.pack_build) and
publishing it (its final files, jobs.pack_publish_finish).

Run by a task worker (`manage.py worker` with PLANTRACK_TASKS_BACKEND set to the database
backend); with the immediate backend they run as they are enqueued."""

from __future__ import annotations

from django.tasks import task

from plantrack.core.outages import outlasts_database_restarts
from plantrack.packs import jobs


@task
@outlasts_database_restarts
def build_pack(pack_pk: int) -> None:
    jobs.pack_build(pack_pk)


@task
@outlasts_database_restarts
def publish_pack(pack_pk: int) -> None:
    jobs.pack_publish_finish(pack_pk)
