"""What the data says beside what the unit declares: recurring practices against recorded
activity, roles against the directory, funding against budgets and bids."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from plantrack.assessments import cycles, services
from plantrack.assessments.checks import checks_for
from plantrack.assessments.models import Answer
from plantrack.core.tests.factories import make_person, make_plan
from plantrack.engagement import services as engagement
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def checked(world, fw, cw):
    """The checklist's items made checkable: the SPOC item is a role with oversight, the slides
    a recurring practice every 91 days named by "reminder slides", the third funding."""
    first, second, third = cw.cycle.framework.items.order_by("position")
    type(first).objects.filter(pk=second.pk).update(
        kind="recurring", cadence_days=91, check_words="reminder slides, MetBats"
    )
    type(first).objects.filter(pk=third.pk).update(kind="funding")
    return [type(first).objects.get(pk=i.pk) for i in (first, second, third)]


def test_nothing_recorded_says_so(world, cw, checked):
    found = checks_for(cw.barnet, checked, plans=Plan.objects.all())
    spoc, slides, funding = (found[i.pk] for i in checked)
    assert spoc.met is False and spoc.says.startswith("0 SPOCs; 0 of Inspector rank")
    assert slides.met is False and slides.says == "0 recorded; 4 expected."
    assert "'reminder slides' or 'metbats'" in slides.rule
    assert funding.met is None and "No budget" in funding.says


def test_the_data_that_meets_them(world, cw, checked):
    from plantrack.directory.selectors import forget_organisation_ids

    unit_org = cw.barnet.organisation
    forget_organisation_ids(world.manager)  # Barnet BOCU is new since it was last asked
    make_person(name="Sam Spoc", rank="PC", organisation=unit_org, spoc=True)
    make_person(name="Ivy Oversight", rank="Insp", organisation=unit_org)
    register = engagement.register_create(
        actor=world.manager, organisation=unit_org, title="Barnet register"
    )
    for month in (7, 10, 1, 4):
        year = 2025 if month >= 7 else 2026
        engagement.activity_create(
            actor=world.manager,
            register=register,
            title=f"MetBats reminder slides {month}",
            start_text=f"{dt.date(year, month, 1):%B %Y}",
            end_text=f"{dt.date(year, month, 1):%B %Y}",
        )
    plan = make_plan(world.manager, unit_org, title="Barnet diversion")
    from plantrack.budgets import services as budgets

    budgets.budget_line_create(
        actor=world.manager, plan=plan, name="Coaches", amounts={2028: Decimal(5000)}
    )
    found = checks_for(cw.barnet, checked, plans=Plan.objects.all())
    spoc, slides, funding = (found[i.pk] for i in checked)
    assert spoc.met is True and "Sam Spoc" in spoc.says and "Ivy Oversight" in spoc.says
    assert slides.met is True and slides.says == "4 recorded; 4 expected."
    assert funding.met is True and funding.says == "Funded to the end of 2028/29."


def test_the_reviewer_sees_where_answer_and_data_disagree(client, world, cw, checked):
    for item in checked:
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level="in_place")
    client.force_login(cw.reviewer)
    page = client.get(reverse("assessments:unit", args=[cw.barnet.pk])).content.decode()
    assert page.count("The data says:") == 2 and page.count("Disagrees with the answer") == 2
    assert "No budget recorded" not in page  # nothing to judge by: the rule, not a verdict
    answer = Answer.objects.get(unit=cw.barnet, item=checked[0])
    assert checks_for(cw.barnet, checked, plans=Plan.objects.all())[checked[0].pk].disagrees_with(
        answer
    )


def test_a_new_version_keeps_the_check_words(world, fw, checked):
    second = services.framework_new_version(actor=world.manager, framework=fw.checklist)
    assert second.items.get(previous=checked[1]).check_words == "reminder slides, MetBats"
