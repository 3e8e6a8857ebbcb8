"""Background tasks: reading and saving an import job (see services.import_job_*).

Run by a task worker (`manage.py db_worker` with PLANTRACK_TASKS_BACKEND set to the database
backend); with the immediate backend they run as they are enqueued."""

from __future__ import annotations

from django.tasks import task

from plantrack.imports import services


@task
def read_import_job(job_pk: int) -> None:
    services.import_job_read(job_pk)


@task
def save_import_job(job_pk: int) -> None:
    services.import_job_save(job_pk)
