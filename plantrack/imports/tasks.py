"""Background tasks: reading and saving an import job (what they do: jobs.py).

Run by a task worker (`manage.py worker` with PLANTRACK_TASKS_BACKEND set to the database
backend); with the immediate backend they run as they are enqueued. services.py enqueues them;
they call jobs.py, never services.py, so the two do not import each other."""

from __future__ import annotations

from django.tasks import task

from plantrack.core.outages import outlasts_database_restarts
from plantrack.imports import jobs


@task
@outlasts_database_restarts
def read_import_job(job_pk: int) -> None:
    jobs.import_job_read(job_pk)


@task
@outlasts_database_restarts
def save_import_job(job_pk: int) -> None:
    jobs.import_job_save(job_pk)
