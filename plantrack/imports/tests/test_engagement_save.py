"""Saving the engagement registers found in an import: through the engagement services, in the
same transaction as the plans, for the importing organisation; on the web and the command
line."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plantrack.cli import main
from plantrack.engagement import services as engagement_services
from plantrack.engagement.models import Activity, Register
from plantrack.imports.models import ImportJob
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.imports.tests.test_engagement_tables import SEED_002, needs_seed_002
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db

REGISTER = (
    "Engagement activity 2025\n"
    "Business Group Engagement Priorities:\tYouth Service\t\t\t\t\n"
    "Activity\tOwner\tCost\tCommunities targeted\tAim\tMethod\n"
    "Youth forum\tYouth Service (YS)\t£900 0 p.a\tYoung people 14-25\tGive a voice\t"
    "Monthly meetings\n"
    "Street briefings\tSN team\ttbc\tResidents\tHear concerns\tMeet on the street\n"
)
PLAN_AND_REGISTER = "Ref\tAction\tOwner\n1\tPublish the strategy\tInsp. Bob Jones\n\n" + REGISTER


def _parsed(text: str = REGISTER):
    return parse_bytes("register.txt", text.encode("utf-8"), is_text=True)


def test_a_register_alone_is_saved_for_the_organisation(world):
    saved = import_parsed(actor=world.manager, parsed=_parsed(), owner_organisation=world.force)
    assert list(saved) == []  # no plan
    (register,) = saved.registers
    assert (register.title, register.organisation, register.source_document) == (
        "Engagement activity 2025",
        world.force,
        "register.txt",
    )
    assert [g.name for g in register.groups.all()] == ["Youth Service"]
    forum, briefings = register.activities.order_by("position")
    assert (forum.title, forum.group.name, forum.owner_text) == (
        "Youth forum",
        "Youth Service",
        "Youth Service (YS)",
    )
    assert (forum.cost_text, forum.cost_amount, forum.cost_period) == (
        "£900 0 p.a",
        Decimal(9000),
        Activity.CostPeriod.YEAR,
    )
    assert (forum.communities_text, forum.aim, forum.method_text) == (
        "Young people 14-25",
        "Give a voice",
        "Monthly meetings",
    )
    assert (briefings.cost_text, briefings.cost_amount, briefings.cost_period) == ("tbc", None, "")


def test_a_plan_and_a_register_are_saved_together_or_not_at_all(world, monkeypatch):
    parsed = _parsed(PLAN_AND_REGISTER)
    calls = []

    def failing(**fields):
        calls.append(fields["title"])
        if len(calls) == 2:
            raise ValidationError("refused")
        return create(**fields)

    create = engagement_services.activity_create
    monkeypatch.setattr(engagement_services, "activity_create", failing)
    plans_before = Plan.objects.count()
    with pytest.raises(ValidationError):
        import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    assert Plan.objects.count() == plans_before
    assert not Register.objects.exists() and not Activity.objects.exists()
    monkeypatch.setattr(engagement_services, "activity_create", create)
    saved = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    (plan,) = saved
    assert plan.actions.get().title == "Publish the strategy"
    assert saved.registers[0].activities.count() == 2


def test_the_same_register_imported_again_is_not_saved_twice(world):
    import_parsed(actor=world.manager, parsed=_parsed(), owner_organisation=world.force)
    again = import_parsed(actor=world.manager, parsed=_parsed(), owner_organisation=world.force)
    assert again.registers == []
    assert Register.objects.count() == 1
    # Another organisation has its own.
    import_parsed(actor=world.outsider, parsed=_parsed(), owner_organisation=world.other_force)
    assert Register.objects.count() == 2


@needs_seed_002
def test_seed_002_saves_a_plan_of_10_actions_and_a_register_of_18_activities(world):
    assert SEED_002 is not None
    parsed = parse_bytes(SEED_002.name, SEED_002.read_bytes(), is_text=True)
    saved = import_parsed(actor=world.manager, parsed=parsed, owner_organisation=world.force)
    (plan,) = saved
    assert plan.actions.count() == 10
    assert plan.actions.exclude(strategy_refs="").count() == 8
    (register,) = saved.registers
    assert register.organisation == world.force == plan.owner_organisation
    assert [(g.name, g.activities.count()) for g in register.groups.all()] == [
        ("Serious Crime Directorate (SCD)", 4),
        ("Diversity & Citizen Focus Directorate", 2),
        ("Safer Neighbourhood Central Unit Initiatives", 2),
        ("Individual Borough Based Initiatives", 10),
    ]
    costs = register.activities.exclude(cost_amount=None).order_by("position")
    assert [(a.cost_text, a.cost_amount, a.cost_period) for a in costs] == [
        ("£900 0 p.a", Decimal(9000), "year"),
        ("£250 0", Decimal(2500), "one-off"),
        ("£150 0", Decimal(1500), "one-off"),
    ]


# --- On the web -----------------------------------------------------------------------------


def test_preview_shows_the_register_and_saving_lists_it(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("imports:new"), {"text": REGISTER, "owner_organisation": world.force.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = client.get(response["Location"]).content.decode()
    for text in ("Engagement activity 2025", "Youth Service", "Youth forum", "£9,000 a year"):
        assert text in preview
    assert "“tbc”: no amount yet" in preview  # the warning
    assert "Save the register" in preview
    assert not Register.objects.exists()
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:confirm", args=[job.pk]))
    assert response["Location"] == reverse("imports:preview", args=[job.pk])
    register = Register.objects.get()
    saved = client.get(response["Location"]).content.decode()
    assert "Register imported" in saved
    assert reverse("engagement:register", args=[register.pk]) in saved


def test_preview_says_when_the_organisation_has_the_register_already(client, world):
    import_parsed(actor=world.manager, parsed=_parsed(), owner_organisation=world.force)
    client.force_login(world.manager)
    response = client.post(
        reverse("imports:new"), {"text": REGISTER, "owner_organisation": world.force.pk}
    )
    preview = client.get(response["Location"]).content.decode()
    assert "already has a register called Engagement activity 2025" in preview


def test_confirming_a_plan_with_a_register_names_both(client, world):
    client.force_login(world.manager)
    client.post(
        reverse("imports:new"), {"text": PLAN_AND_REGISTER, "owner_organisation": world.force.pk}
    )
    job = ImportJob.objects.get()
    response = client.post(reverse("imports:confirm", args=[job.pk]), follow=True)
    body = response.content.decode()
    assert "and the engagement register Engagement activity 2025: 2 activities" in body


# --- On the command line --------------------------------------------------------------------


def test_cli_dry_run_and_save_report_the_register(tmp_path, capsys, world):
    path = tmp_path / "register.txt"
    path.write_text(REGISTER, encoding="utf-8")
    assert main(["import", str(path), "--dry-run", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (register,) = data["engagement"]
    assert register["title"] == "Engagement activity 2025"
    assert register["activities"][0]["cost_gbp"] == 9000
    assert main(["import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Engagement register Engagement activity 2025: 2 activities" in out
    code = main(["import", str(path), "--organisation", "Barnet Police", "--user", "manager"])
    assert code == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    register_pk = Register.objects.get().pk
    assert (
        f"Saved engagement register {register_pk}: Engagement activity 2025 (2 activities in "
        "1 group)" in out
    )
