from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from plantrack.cli import main
from plantrack.imports.models import ImportJob
from plantrack.imports.parsed import from_store
from plantrack.imports.pipeline import parse_bytes
from plantrack.plans.models import Plan

PASTED = (
    "What we will do\tWho\tBy when\tRAG\tProgress\n"
    "Advertise engagement van deployments earlier\tSNT Ch Insps\tOct 22\tA\t"
    "290622 – Calendar reformatted\n"
    "Grow Watch schemes by 20%\tCiP Manager Sophie Paley\tAchieve by June 23\tR\t\n"
)
CSV = (
    "Ref,Action,Owner,Deadline,RAG,Update\n"
    '1,Publish the policy,DCI Ian Wiggett (47113),March 2004,G,"12/05/25 – Published"\n'
    "2,Train officers,Insp. Bob Jones (61588),Q3 2022/23,Red,\n"
)


@pytest.mark.django_db
def test_paste_preview_and_confirm(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("imports:new"),
        {"text": PASTED, "owner_organisation": world.force.pk, "plan_title": "Charter"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"]).content.decode()
    assert "Advertise engagement van deployments earlier" in preview
    assert "Calendar reformatted" in preview
    assert not Plan.objects.filter(title="Charter").exists()  # nothing saved before confirming
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:confirm", args=[job.pk]))
    plan = Plan.objects.get(title="Charter")
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.actions.count() == 2
    assert set(plan.actions.values_list("rag", flat=True)) == {"amber", "red"}
    again = client.post(reverse("imports:confirm", args=[job.pk]))
    assert again.status_code == 302 and Plan.objects.filter(title="Charter").count() == 1


@pytest.mark.django_db
def test_a_png_renamed_docx_gets_one_line_and_nothing_is_kept(client, world):
    client.force_login(world.manager)
    png = SimpleUploadedFile("plan.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    response = client.post(
        reverse("imports:new"), {"file": png, "owner_organisation": world.force.pk}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "plan.docx" in body
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_file_or_text_but_not_neither(client, world):
    client.force_login(world.manager)
    response = client.post(reverse("imports:new"), {"owner_organisation": world.force.pk})
    assert "Upload a file or paste a table" in response.content.decode()


@pytest.mark.django_db
def test_other_users_cannot_see_or_confirm_an_import(client, world):
    client.force_login(world.manager)
    client.post(reverse("imports:new"), {"text": PASTED, "owner_organisation": world.force.pk})
    job = ImportJob.objects.get()
    client.force_login(world.viewer)
    assert client.get(reverse("imports:preview", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:confirm", args=[job.pk])).status_code == 404
    client.force_login(world.manager)
    assert client.get(reverse("imports:confirm", args=[job.pk])).status_code == 405


@pytest.mark.django_db
def test_outsider_cannot_import_for_an_organisation_they_are_not_in(client, world):
    client.force_login(world.outsider)
    response = client.post(
        reverse("imports:new"), {"text": PASTED, "owner_organisation": world.force.pk}
    )
    assert response.status_code == 200  # the organisation is not among their choices
    assert not ImportJob.objects.exists()


def test_cli_dry_run_json_shape(tmp_path, capsys):
    path = tmp_path / "plan.csv"
    path.write_text(CSV, encoding="utf-8")
    assert main(["import", str(path), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"file", "plans", "engagement", "frameworks", "warnings"}
    assert data["file"] == "plan.csv"
    assert data["engagement"] == [] and data["frameworks"] == []  # no register, no checklist
    action = data["plans"][0]["sections"][0]["actions"][0]
    assert set(action) == {"ref", "title", "owner", "lead", "due_text", "due", "rag", "updates"}
    assert (action["ref"], action["due"], action["rag"]) == ("1", "2004-03-31", "green")
    assert action["updates"] == [{"date": "2025-05-12", "text": "Published"}]
    second = data["plans"][0]["sections"][0]["actions"][1]
    assert (second["due"], second["rag"]) == ("2022-12-31", "red")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.csv", b""),
        ("header-only.csv", b"Ref,Action,Owner\n"),
        ("image.docx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 64),
        ("notes.pdf", b"%PDF-1.4\n%%EOF\n"),
    ],
)
def test_cli_bad_input_is_one_line_and_non_zero(tmp_path, capsys, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["import", str(path), "--dry-run", "--json"]) != 0
    err = capsys.readouterr().err.strip()
    assert err and "\n" not in err and "Traceback" not in err


@pytest.mark.django_db
def test_cli_saves_with_an_organisation(tmp_path, capsys, world):
    path = tmp_path / "plan.csv"
    path.write_text(CSV, encoding="utf-8")
    code = main(["import", str(path), "--organisation", "Barnet Police", "--user", "manager"])
    assert code == 0, capsys.readouterr().err
    assert Plan.objects.filter(source_document="plan.csv").get().actions.count() == 2
    assert main(["import", str(path), "--organisation", "Nowhere", "--user", "manager"]) == 1
    assert "no organisation" in capsys.readouterr().err


SEED_004 = Path(__file__).resolve().parents[2] / "demo" / "seeds" / "004_9c707c14883fcd10.txt"


def _counts(parsed) -> tuple[int, int]:
    actions = sum(len(s.actions) for p in parsed.plans for s in p.sections)
    return actions, len(parsed.budgets)


@pytest.mark.django_db
def test_a_text_file_is_read_the_same_uploaded_pasted_or_given_to_the_command(
    client, world, capsys
):
    """Issue 15, defect 1: the upload path sniffed seed 004's text as CSV ("No actions were
    found"), while pasting it gave 67 actions and 3 budgets."""
    data = SEED_004.read_bytes()
    pasted = parse_bytes(SEED_004.name, data, is_text=True)
    uploaded = parse_bytes(SEED_004.name, data)
    assert _counts(pasted) == (67, 3)
    assert uploaded.to_json() == pasted.to_json()

    main(["import", str(SEED_004), "--dry-run", "--json"])
    from_command = json.loads(capsys.readouterr().out)
    assert from_command == json.loads(json.dumps(pasted.to_json()))

    client.force_login(world.manager)
    upload = SimpleUploadedFile(SEED_004.name, data, content_type="text/plain")
    response = client.post(
        reverse("imports:new"), {"file": upload, "owner_organisation": world.force.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"]).content.decode()
    assert "No actions were found" not in preview
    assert "67 actions" in preview


def test_seed_004s_deadline_with_no_year_is_read_in_its_neighbours_year():
    """Issue 15, defect 6: "August – September" (between "July – August 2013" and "Oct
    2013") was saved unread, so the action could never be overdue."""
    parsed = parse_bytes(SEED_004.name, SEED_004.read_bytes())
    actions = [a for p in parsed.plans for s in p.sections for a in s.actions]
    (yearless,) = [a for a in actions if a.due_text == "August – September"]
    assert yearless.date_year == 2013 and yearless.due == dt.date(2013, 9, 30)
    assert any("“August – September” has no year; read as 2013" in w for w in parsed.warnings)


def test_an_unreadable_deadline_is_warned_in_the_preview():
    text = "Action\tBy when\nPublish the charter\t31 June 2027\nTrain staff\tMarch 2027\n"
    parsed = parse_bytes("plan.txt", text.encode(), is_text=True)
    assert any("cannot read the deadline “31 June 2027” as a date" in w for w in parsed.warnings), (
        parsed.warnings
    )


SEED_003 = SEED_004.with_name("003_c7fe91e708482392.txt")


@pytest.mark.django_db
def test_a_pasted_table_keeps_its_wrapped_final_line(client, world):
    """Issue 15, defect 15: the form stripped the pasted text, and with it the tabs of the
    last line, a continuation of action 36 ("…dip-sample front counter information / accuracy
    to report regularly into charter governance board."), which then read as a paragraph."""
    client.force_login(world.manager)
    text = SEED_003.read_text()
    assert text.endswith("\t\t")
    response = client.post(
        reverse("imports:new"),
        {"text": text, "owner_organisation": world.force.pk, "plan_title": "Charter"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.get()
    parsed = parse_bytes(job.file_name, bytes(job.data), is_text=True)
    (last,) = [a for p in parsed.plans for s in p.sections for a in s.actions if a.ref == "36"]
    assert last.title.endswith("accuracy to report regularly into charter governance board.")


# --- Fallbacks when no action table is found (issue 15) ---------------------------------------

LIST_OF_ACTIONS = """Safer Streets Action Plan 2026

1. Set up the Street Watch scheme in every ward
2. Train the coordinators by May
• Open the youth hub on Fridays
Notes
"""
UNKNOWN_TABLE = "Initiative\tPerson\tTiming\nOpen the youth hub\tSgt Brown\tMarch 2027\n"


def _failed_job(client, world, text):
    from plantrack.imports.models import ImportJob

    client.force_login(world.manager)
    response = client.post(
        reverse("imports:new"), {"text": text, "owner_organisation": world.force.pk}
    )
    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert job.status == ImportJob.Status.FAILED
    return job


@pytest.mark.django_db
def test_a_list_with_no_table_can_be_read_one_action_per_line(client, world):
    job = _failed_job(client, world, LIST_OF_ACTIONS)
    page = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert "No actions, engagement activities or checklists were found" in page
    assert "Take one action per line" in page
    client.post(reverse("imports:retry", args=[job.pk]), {"fallback": "lines"})
    job.refresh_from_db()
    assert job.status == "preview"
    (plan,) = from_store(job.parsed).plans
    assert plan.title == "Safer Streets Action Plan 2026"
    actions = [(a.ref, a.title) for s in plan.sections for a in s.actions]
    assert actions == [
        ("1", "Set up the Street Watch scheme in every ward"),
        ("2", "Train the coordinators by May"),
        (None, "Open the youth hub on Fridays"),
    ]


@pytest.mark.django_db
def test_the_person_can_say_which_column_holds_the_actions(client, world):
    job = _failed_job(client, world, UNKNOWN_TABLE)
    assert job.headers == ["Initiative", "Person", "Timing"]
    page = client.get(reverse("imports:preview", args=[job.pk])).content.decode()
    assert 'value="Initiative"' in page
    response = client.post(reverse("imports:retry", args=[job.pk]), {"action_column": "Nowhere"})
    job.refresh_from_db()
    assert job.status == "failed"  # refused, nothing changed
    client.post(reverse("imports:retry", args=[job.pk]), {"action_column": "Initiative"})
    job.refresh_from_db()
    assert job.status == "preview"
    (action,) = [a for s in from_store(job.parsed).plans[0].sections for a in s.actions]
    assert action.title == "Open the youth hub"
    assert action.description == "Person: Sgt Brown\nTiming: March 2027"
    assert response.status_code == 302
