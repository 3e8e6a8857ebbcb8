"""Checklists found by the importer (seed 000): read as frameworks beside plans, or alone, and
saved as drafts through the assessments services."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest

from plantrack.assessments.models import Framework
from plantrack.cli import main
from plantrack.imports.pipeline import parse_bytes, parse_framework_bytes
from plantrack.imports.saving import import_parsed
from plantrack.imports.tables import ImportFailed

SEEDS = Path(__file__).resolve().parents[2] / "demo" / "seeds"
SEED_000 = SEEDS / "000_f44a1f62eb0eb8c0.txt"


def test_seed_000_gives_its_title_and_22_items(capsys):
    assert main(["import", str(SEED_000), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (framework,) = data["frameworks"]
    assert framework["title"] == "GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES"
    items = framework["items"]
    assert len(items) == 22
    assert items[0] == (
        "Appointment of a SPOC at PCSO/PC/PS level to monitor / run the scheme locally with "
        "minimum Inspector-level oversight;"
    )
    assert items[1] == "Regular (3-weekly?) reminder slides on MetBats for all officers/staff;"
    assert items[-1] == (
        "Regularly evaluate what is being achieved and adjust focus of activity as necessary."
    )
    assert not any(i.startswith(("·", "All boroughs")) for i in items)  # no bullet, no intro
    assert main(["import", str(SEED_000), "--dry-run"]) == 0
    assert "Framework GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES: 22 items" in (
        capsys.readouterr().out
    )


@pytest.mark.parametrize("seed", ["001", "002", "003", "004"])
def test_plans_give_no_framework(seed):
    path = next(SEEDS.glob(f"{seed}_*.txt"))
    assert parse_bytes(path.name, path.read_bytes(), is_text=True).frameworks == []


def test_a_numbered_list_in_pasted_text():
    text = (
        "Minimum standards of engagement\n"
        "Every activity should meet these standards.\n"
        "1. An aim is recorded\n2. The communities targeted are described\n"
        "3) A method is recorded\n"
    )
    (framework,) = parse_bytes("pasted", text.encode(), is_text=True).frameworks
    assert framework.title == "Minimum standards of engagement"
    assert framework.description == "Every activity should meet these standards."
    assert [i.text for i in framework.items] == [
        "An aim is recorded",
        "The communities targeted are described",
        "A method is recorded",
    ]


def test_a_list_in_a_spreadsheet_column():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Checklist"
    for row in ("GOOD PRACTICE CHECK LIST", "A SPOC is appointed", "Monthly contact", "Awards"):
        sheet.append([row])
    data = io.BytesIO()
    book.save(data)
    (framework,) = parse_framework_bytes("list.xlsx", data.getvalue())
    assert framework.title == "GOOD PRACTICE CHECK LIST"
    assert [i.text for i in framework.items] == ["A SPOC is appointed", "Monthly contact", "Awards"]


def test_a_file_with_no_list_is_refused_in_one_line():
    with pytest.raises(ImportFailed) as failed:
        parse_framework_bytes("notes.txt", b"Just a sentence.\nAnd another.", is_text=True)
    assert str(failed.value) == (
        "No list was found in notes.txt: a framework needs at least three items, one per "
        "bullet, number or line."
    )


@pytest.mark.django_db
def test_saving_makes_a_draft_once(world):
    parsed = parse_bytes(SEED_000.name, SEED_000.read_bytes(), is_text=True)
    saved = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    (framework,) = saved.frameworks
    assert list(saved) == [] and framework.status == Framework.Status.DRAFT
    assert framework.items.count() == 22 and framework.source_document == SEED_000.name
    assert framework.description.startswith("All boroughs should aspire")
    kinds = list(framework.items.order_by("position").values_list("kind", flat=True)[:2])
    assert kinds == ["role", "recurring"]
    again = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    assert again.frameworks == [] and Framework.objects.count() == 1


@pytest.mark.django_db
def test_cli_saves_the_framework(capsys, world):
    code = main(["import", str(SEED_000), "--organisation", "Barnet Police", "--user", "manager"])
    assert code == 0, capsys.readouterr().err
    framework = Framework.objects.get()
    assert (
        f"Saved framework {framework.pk}: GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES "
        "(22 items, draft)" in capsys.readouterr().out
    )


@pytest.mark.django_db
def test_the_web_import_previews_and_saves_a_checklist(client, world):
    from django.urls import reverse

    from plantrack.imports.models import ImportJob

    client.force_login(world.manager)
    response = client.post(
        reverse("imports:new"),
        {"text": SEED_000.read_text(encoding="utf-8"), "owner_organisation": world.force.pk},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES" in preview
    assert "Framework: 22 items" in preview and "Save the framework" in preview
    assert "Untitled plan" not in preview
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:confirm", args=[job.pk]))
    framework = Framework.objects.get()
    saved = client.get(response["Location"]).content.decode()
    assert "Framework imported" in saved
    assert reverse("assessments:framework", args=[framework.pk]) in saved


def test_a_plans_bulleted_narrative_is_not_a_checklist():
    text = (
        "Youth Strategy 2026\n"
        "This plan sits within the national policing framework and its standards.\n"
        "Our priorities are:\n- Prevention\n- Early help\n- Diversion\n"
    )
    from plantrack.imports.documents import read_document
    from plantrack.imports.frameworks.lists import find_frameworks

    assert find_frameworks(read_document("plan.txt", text.encode(), is_text=True)) == []


def test_long_checklist_text_is_cut_with_a_warning():
    from plantrack.core.text import TEXT_MAX, TITLE_MAX

    title = "\n".join(["GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES AND PARTNERS"] * 30)
    intro = "\n".join(["Boroughs should aspire to these practices. " * 10] * 60)
    text = f"{title}\n{intro}\n- One\n- Two\n- Three\n"
    parsed = parse_bytes("long.txt", text.encode(), is_text=True)
    (framework,) = parsed.frameworks
    assert len(framework.title) <= TITLE_MAX and len(framework.description) <= TEXT_MAX
    assert any("only the first" in w for w in parsed.warnings)


@pytest.mark.django_db
def test_a_new_version_of_a_plan_brings_no_framework(world):
    from plantrack.imports.tests.test_views_cli import PASTED

    checklist = "GOOD PRACTICE CHECK LIST\n- One\n- Two\n- Three\n"
    parsed = parse_bytes("both.txt", (checklist + "\n" + PASTED).encode(), is_text=True)
    assert parsed.frameworks and parsed.plans[0].action_count == 2
    saved = import_parsed(
        actor=world.manager,
        parsed=parsed,
        owner_organisation=world.force,
        into_plan=world.plan,
    )
    assert saved.frameworks == [] and not Framework.objects.exists()


def test_an_untitled_list_file_named_only_by_its_extension():
    (framework,) = parse_framework_bytes(".txt", b"- One\n- Two\n- Three\n", is_text=True)
    assert framework.title == "Checklist"
