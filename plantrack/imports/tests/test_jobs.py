"""Import jobs run as background tasks: reading, the preview kept between requests, saving with
progress, and what happens when a task fails."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from plantrack.imports import jobs, saving, services
from plantrack.imports.models import ImportJob
from plantrack.imports.parsed import (
    ParsedAction,
    ParsedImport,
    ParsedPlan,
    ParsedSection,
    ParsedUpdate,
    from_store,
    to_store,
)
from plantrack.imports.pipeline import parse_bytes
from plantrack.plans.models import Plan, PlanRole
from plantrack.plans.services import plan_role_remove, plan_role_set

pytestmark = pytest.mark.django_db

PASTED = (
    "Ref\tWhat we will do\tWho\tBy when\tRAG\tProgress\n"
    "1\tAdvertise engagement van deployments earlier\tSNT Ch Insps\tOct 22\tA\t"
    "290622 – Calendar reformatted\n"
    "2\tGrow Watch schemes by 20%\tCiP Manager Sophie Paley\tAchieve by June 23\tR\t\n"
)


@pytest.fixture
def worker_backend(settings):
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker():
    # The worker checks its connection between tasks and closes one not in autocommit mode,
    # which the test's transaction is not (PostgreSQL then loses the test's data): skip that.
    from django_tasks_db.management.commands import db_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def _upload(client, world, text=PASTED, **extra):
    data = {"text": text, "owner_organisation": world.force.pk, "plan_title": "Charter", **extra}
    return client.post(reverse("imports:new"), data)


def test_the_stored_structure_is_the_parsed_structure():
    parsed = parse_bytes("charter.txt", PASTED.encode(), is_text=True)
    assert from_store(to_store(parsed)) == parsed
    seed = Path(__file__).resolve().parents[2] / "demo" / "seeds" / "004_9c707c14883fcd10.txt"
    with_budgets = parse_bytes(seed.name, seed.read_bytes(), is_text=True)
    assert with_budgets.budgets and from_store(to_store(with_budgets)) == with_budgets
    assert json.loads(json.dumps(to_store(with_budgets))) == to_store(with_budgets)
    made = ParsedImport(
        file="x.csv",
        plans=[
            ParsedPlan(
                None,
                [
                    ParsedSection(
                        "S",
                        [
                            ParsedAction(
                                title="T",
                                milestones=["a"],
                                updates=[
                                    ParsedUpdate(None, "u"),
                                    ParsedUpdate(dt.date(2025, 5, 12), "v"),
                                ],
                            )
                        ],
                    )
                ],
            )
        ],
        warnings=["w"],
    )
    assert from_store(to_store(made)) == made


def test_a_job_waits_for_the_worker_and_shows_its_progress(client, world, worker_backend):
    client.force_login(world.manager)
    response = _upload(client, world)
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:preview", args=[job.pk])
    assert job.status == ImportJob.Status.READING
    page = client.get(response["Location"]).content.decode()
    assert "Reading the file" in page and "<progress" in page
    assert reverse("imports:progress", args=[job.pk]) in page  # polled by HTMX
    assert 'http-equiv="refresh"' in page  # and refreshed without JavaScript
    fragment = client.get(
        reverse("imports:progress", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()

    _run_worker()
    done = client.get(reverse("imports:progress", args=[job.pk]), headers={"HX-Request": "true"})
    assert done["HX-Redirect"] == reverse("imports:preview", args=[job.pk])
    preview = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert "Advertise engagement van deployments earlier" in preview

    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response["Location"] == reverse("imports:preview", args=[job.pk])
    assert "Saving the plan" in client.get(response["Location"]).content.decode()
    assert not Plan.objects.filter(title="Charter").exists()
    _run_worker()
    plan = Plan.objects.get(title="Charter")
    saved = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert "Plan imported" in saved and reverse("plans:detail", args=[plan.pk]) in saved
    assert plan.actions.count() == 2


def test_a_file_that_fails_in_the_background_says_why_in_one_line(client, world, worker_backend):
    client.force_login(world.manager)
    plans_before = Plan.objects.count()
    _upload(client, world, text="just some words\nand no table at all\n")
    _run_worker()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    page = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert job.error in page and "Nothing has been saved" in page
    assert "\n" not in job.error and "Traceback" not in page
    assert Plan.objects.count() == plans_before


def test_a_column_correction_that_leaves_nothing_keeps_the_previous_preview(client, world):
    client.force_login(world.manager)
    _upload(client, world)
    job = ImportJob.objects.get()
    before = job.parsed
    services.import_job_set_columns(
        actor=world.manager, job=job, overrides={"What we will do": "ignore"}
    )
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW and job.error
    assert job.parsed == before and job.column_overrides == before["column_overrides"]
    page = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert job.error in page.replace("&#x27;", "'")


def test_a_save_refused_in_the_background_saves_nothing_and_says_why(client, world, worker_backend):
    client.force_login(world.manager)
    _upload(client, world, into_plan=world.plan.pk, plan_title="")
    _run_worker()
    job = ImportJob.objects.get()
    actions_before = world.plan.actions.count()
    services.import_job_confirm(actor=world.manager, job=job)
    # The manager hands the plan over before the worker gets to the job.
    plan_role_set(actor=world.manager, plan=world.plan, user=world.owner, role="manager")
    plan_role_remove(actor=world.manager, plan=world.plan, user=world.manager)
    assert not PlanRole.objects.filter(plan=world.plan, user=world.manager).exists()
    _run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert job.error.startswith("Nothing was saved:")
    assert world.plan.actions.count() == actions_before


def test_confirming_twice_saves_once(client, world):
    client.force_login(world.manager)
    _upload(client, world)
    job = ImportJob.objects.get()
    client.post(reverse("imports:confirm", args=[job.pk]))
    again = client.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    assert "already been saved" in again.content.decode()
    assert Plan.objects.filter(title="Charter").count() == 1


def test_saving_reports_progress_up_to_the_end(world, real_cache):
    seen = []
    lines = "".join(
        f"{n}\tAction number {n}\tInsp. Bob Jones\tOct 22\tA\t\n" for n in range(1, 121)
    )
    parsed = parse_bytes(
        "many.txt", ("Ref\tAction\tOwner\tBy when\tRAG\tUpdate\n" + lines).encode(), is_text=True
    )
    report = jobs.progress_reporter_for(999)
    saving.import_parsed(
        actor=world.manager,
        parsed=parsed,
        owner_organisation=world.force,
        progress=lambda done, total: (
            report(done, total),
            seen.append(cache.get("imports:progress:999")),
        ),
    )
    assert seen == sorted(seen) and seen[-1] == 100 and len(seen) >= 3


def test_old_jobs_are_pruned_and_stuck_ones_released(client, world):
    client.force_login(world.manager)
    for _ in range(4):
        _upload(client, world)
    old, stuck_reading, stuck_saving, fresh = ImportJob.objects.order_by("pk")
    now = timezone.now()
    ImportJob.objects.filter(pk=old.pk).update(updated_at=now - dt.timedelta(days=40))
    ImportJob.objects.filter(pk=stuck_reading.pk).update(
        status=ImportJob.Status.READING, parsed=None, updated_at=now - dt.timedelta(hours=2)
    )
    ImportJob.objects.filter(pk=stuck_saving.pk).update(
        status=ImportJob.Status.SAVING, updated_at=now - dt.timedelta(hours=2)
    )
    call_command("prune_imports", "--days", "30")
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    statuses = dict(ImportJob.objects.values_list("pk", "status"))
    assert statuses == {
        stuck_reading.pk: ImportJob.Status.FAILED,
        stuck_saving.pk: ImportJob.Status.PREVIEW,
        fresh.pk: ImportJob.Status.PREVIEW,
    }
    assert "nothing was saved" in ImportJob.objects.get(pk=stuck_saving.pk).error
