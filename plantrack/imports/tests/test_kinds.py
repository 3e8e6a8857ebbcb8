"""One upload mechanism for every kind: a budget and a readings upload are import jobs like a
plan (read in the background, the parse kept on the job, a preview, a confirm, one
transaction), and the stages hand each other typed results."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from plantrack.budgets.models import BudgetLine
from plantrack.core.tests.factories import make_user
from plantrack.imports.jobs import import_job_parsed
from plantrack.imports.models import ImportJob
from plantrack.imports.pipeline import parse_budget_bytes, parse_bytes
from plantrack.imports.readings import readings_from_store, readings_to_store
from plantrack.imports.saving import budget_tables_save
from plantrack.measures.models import Reading
from plantrack.measures.services import ReadingRow
from plantrack.plans import services as plans_services
from plantrack.plans.services import section_create

pytestmark = pytest.mark.django_db

SEED = Path(__file__).resolve().parents[2] / "demo" / "seeds" / "004_9c707c14883fcd10.txt"
NEGATIVE = "Line\tCategory\t2013/14\nRefund\tOther\t(500)\n"
ACTIONS_AND_BUDGET = (
    "Ref\tAction\tOwner\tBy when\n1\tRecruit volunteers\tInsp. Bob Jones\tOct 22\n\n"
    "Budget\n\n"
    "NJP\t2013/14\t2014/15\tAssumptions\nCoordinator\t1000\t2000\tOne post\n"
)


@pytest.fixture
def worker_backend(settings):
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _run_worker():
    # As in test_jobs: the worker must not close the test's connection between tasks.
    from django_tasks_db.management.commands import db_worker

    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def _confirm_url(page: str) -> str:
    return re.search(r'action="([^"]+/confirm/)"', page).group(1)


# --- Typed hand-overs ---------------------------------------------------------------------------


def test_the_structure_stage_says_which_tables_it_skipped_and_budgets_take_them_by_type():
    parsed = parse_bytes("plan.txt", ACTIONS_AND_BUDGET.encode(), is_text=True)
    (skipped,) = parsed.skipped
    (budget,) = parsed.budgets
    assert skipped.origin == budget.origin
    # The skip warning is replaced where it stood, found by its index, not by its wording.
    assert parsed.warnings[skipped.warning] == f"{budget.origin}: read as budget 'NJP' (1 lines)"
    assert not any("not an action table" in w for w in parsed.warnings)


# --- Budgets ------------------------------------------------------------------------------------


def test_a_budget_import_is_a_job_with_its_parse_kept_and_nothing_in_the_session(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("budgets:import", args=[world.plan.pk]),
        {"text": SEED.read_text(encoding="utf-8")},
    )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.kind == ImportJob.Kind.BUDGET and job.into_plan == world.plan
    assert job.status == ImportJob.Status.PREVIEW
    assert [b.title for b in import_job_parsed(job).budgets][:1] == ["NJP"]
    assert not any(key.startswith("budget-import") for key, _value in client.session.items())
    assert not BudgetLine.objects.exists()


def test_a_budget_refused_on_saving_saves_nothing_and_says_why(client, world):
    client.force_login(world.manager)
    client.post(reverse("budgets:import", args=[world.plan.pk]), {"text": NEGATIVE})
    preview = reverse("budgets:import_preview", args=[world.plan.pk])
    response = client.post(preview, {"section_0": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page and "Refund" in page
    assert not BudgetLine.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEW


def test_an_initiative_deleted_before_saving_is_refused(client, world):
    njp = section_create(actor=world.manager, plan=world.plan, title="Neighbourhood Justice Panels")
    client.force_login(world.manager)
    client.post(
        reverse("budgets:import", args=[world.plan.pk]),
        {"text": SEED.read_text(encoding="utf-8")},
    )
    preview = reverse("budgets:import_preview", args=[world.plan.pk])
    assert client.get(preview).status_code == 200
    job = ImportJob.objects.get()
    njp_pk = njp.pk
    njp.delete()
    # The form no longer offers it, so the choice is refused before the job is touched.
    response = client.post(preview, {"section_0": njp_pk, "section_1": "", "section_2": ""})
    assert response.status_code == 200 and not BudgetLine.objects.exists()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW


def test_a_budget_job_read_by_a_worker_shows_progress_then_its_preview(
    client, world, worker_backend
):
    client.force_login(world.manager)
    client.post(reverse("budgets:import", args=[world.plan.pk]), {"text": NEGATIVE})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.READING
    preview = reverse("budgets:import_preview", args=[world.plan.pk])
    assert "Reading the file" in client.get(preview).content.decode()
    _run_worker()
    assert "Check the budget before it is saved" in client.get(preview).content.decode()
    # The job's own page sends the person to the budget's preview.
    response = client.get(reverse("imports:preview", args=[job.pk]))
    assert response.status_code == 302 and response.url == preview


def test_someone_else_cannot_confirm_a_budget_job(client, world):
    client.force_login(world.manager)
    client.post(reverse("budgets:import", args=[world.plan.pk]), {"text": NEGATIVE})
    job = ImportJob.objects.get()
    client.force_login(world.owner)
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW


# --- Readings -----------------------------------------------------------------------------------


def test_a_readings_upload_is_a_job_previewed_then_saved(client, world, measure):
    client.force_login(world.owner)
    data = b"date,value,note\n01/02/2024,10,first\n2024-03-01,12,\n"
    response = client.post(
        reverse("measures:readings_upload", args=[measure.pk]),
        {"file": SimpleUploadedFile("r.csv", data)},
    )
    job = ImportJob.objects.get()
    assert job.kind == ImportJob.Kind.READINGS and job.measure == measure
    assert response.url == reverse("imports:preview", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert "2 readings found" in page and "1 Mar 2024" in page and "first" in page
    assert not Reading.objects.exists()
    response = client.post(_confirm_url(page))
    assert response.url == reverse("measures:detail", args=[measure.pk])
    assert sorted(Reading.objects.values_list("value", flat=True)) == [10, 12]
    # Confirming again saves nothing twice.
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert Reading.objects.count() == 2


def test_readings_with_bad_rows_name_them_on_the_form_and_keep_no_job(client, world, measure):
    client.force_login(world.owner)
    data = b"date,value\n01/02/2024,10\n01/03/2024,lots\nnot a date,5\n"
    response = client.post(
        reverse("measures:readings_upload", args=[measure.pk]),
        {"file": SimpleUploadedFile("r.csv", data)},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Row 3:" in page and "Row 4:" in page
    assert not ImportJob.objects.exists() and not Reading.objects.exists()


def test_stored_readings_keep_their_cell_types(world, measure):
    rows = [
        # openpyxl gives an Excel date as a naive date-time: Excel cells have no zone.
        ReadingRow(2, dt.datetime(2024, 2, 1), 12.5, "from Excel"),  # noqa: DTZ001
        ReadingRow(3, dt.date(2024, 3, 1), 20, None),
        ReadingRow(4, "01/04/2024", "1,200", ""),
    ]
    assert readings_from_store(readings_to_store(rows)) == rows


def test_saving_refuses_an_initiative_deleted_since_the_preview(world):
    budgets = parse_budget_bytes("b.txt", NEGATIVE.replace("(500)", "500").encode(), is_text=True)
    with pytest.raises(ValidationError, match="deleted"):
        budget_tables_save(
            actor=world.manager, plan=world.plan, budgets=budgets.budgets, section_ids=[999_999]
        )
    saved = budget_tables_save(
        actor=world.manager, plan=world.plan, budgets=budgets.budgets, section_ids=[None]
    )
    assert [(line.name, line.section) for line in saved] == [("Refund", None)]


def test_a_job_preview_is_gone_once_its_uploader_may_no_longer_write_there(client, world, measure):
    # Saving re-checks too; the preview must not keep showing the plan or measure meanwhile.
    client.force_login(world.owner)
    client.post(
        reverse("measures:readings_upload", args=[measure.pk]),
        {"file": SimpleUploadedFile("r.csv", b"date,value\n01/02/2024,10\n")},
    )
    readings_job = ImportJob.objects.get(kind=ImportJob.Kind.READINGS)
    client.force_login(world.manager)
    client.post(
        reverse("budgets:import", args=[world.plan.pk]), {"text": SEED.read_text(encoding="utf-8")}
    )
    budget_job = ImportJob.objects.get(kind=ImportJob.Kind.BUDGET)
    plans_services.plan_role_set(
        actor=world.manager, plan=world.plan, user=world.owner, role="viewer"
    )
    admin = make_user(is_superuser=True)
    plans_services.plan_role_set(actor=admin, plan=world.plan, user=world.manager, role="viewer")
    client.force_login(world.owner)
    assert client.get(reverse("imports:preview", args=[readings_job.pk])).status_code == 404
    client.force_login(world.manager)
    assert client.get(reverse("imports:preview", args=[budget_job.pk])).status_code == 404
    assert client.get(reverse("imports:progress", args=[budget_job.pk])).status_code == 404
