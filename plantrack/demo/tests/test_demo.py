"""The demo is built by importing the seed documents; check it against what they contain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone

from plantrack import settings as project_settings
from plantrack.accounts.models import User
from plantrack.assessments.models import Framework, Item, ItemComment
from plantrack.budgets.models import BudgetLine, Funding
from plantrack.budgets.selectors import budget_summary
from plantrack.demo.loader import load_demo
from plantrack.measures.models import Measure
from plantrack.plans import selectors
from plantrack.plans.models import Action, Plan, Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    # The demo account signs in with the project's real password hashing.
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    return {p.source_document[:3]: p for p in load_demo()}


def _section_counts(plan: Plan) -> dict[str, int]:
    return {s.title: s.actions.count() for s in plan.sections.order_by("position")}


def test_youth_strategy(demo):
    assert _section_counts(demo["001"]) == {
        "Intelligence": 10,
        "Investigation": 9,
        "Diversion": 22,
        "Problem-Solving": 5,
        "Targeting": 6,
        "Forensics": 1,
    }
    action = demo["001"].actions.get(ref="YC/INT/1")
    assert action.owner_text == "DCI Ia Wiggett (47113)"
    person = action.ownerships.get().person
    assert (person.rank, person.staff_number) == ("DCI", "47113")
    assert action.due_latest == dt.date(2004, 3, 31)
    assert action.review_text == "September 2003"
    # "DCI lan Wiggett (47113)" elsewhere is the same officer, not a second one.
    assert demo["001"].actions.filter(ownerships__person=person).count() > 1


def test_community_charter(demo):
    plan = demo["003"]
    assert plan.actions.count() == 36 and plan.sections.count() == 6
    assert plan.actions.filter(ref="").count() == 4
    first = plan.actions.get(ref="1")
    assert first.rag == "amber" and first.due_kind == "by"
    assert first.due_latest == dt.date(2022, 10, 31)
    update = first.updates.get()
    assert update.date == dt.date(2022, 6, 29)
    assert update.narrative.startswith("SP&I reformatting calendar")
    # "Commence Nov 22", written under "By when", is kept as the start (issue 15): no deadline.
    commence = plan.actions.get(ref="22")
    assert (commence.start_text, commence.start_kind, commence.start_earliest) == (
        "Commence Nov 22",
        "start",
        dt.date(2022, 11, 1),
    )
    assert (commence.due_text, commence.due_latest) == ("", None)
    assert not selectors.action_flags(commence, dt.date(2026, 11, 22))["overdue"]
    doorbells = plan.actions.get(ref="32").updates.get()
    assert doorbells.date is None and "296023" in doorbells.narrative


def test_safer_communities(demo):
    plan = demo["004"]
    assert plan.actions.count() == 67
    assert [s.title for s in plan.sections.order_by("position")] == [
        "Neighbourhood Justice Panels",
        "Community Coaches",
        "Conditional Cautions",
        "Enhanced Integrated Offender Management",
    ]
    assert plan.actions.filter(ref="13").count() >= 2  # duplicate numbers kept as written
    assert plan.actions.filter(ref="64").exists()


def test_demo_account_manages_every_demo_plan_and_owns_actions(demo):
    demo_user = User.objects.get(username="demo")
    assert demo_user.check_password("demo")
    for plan in demo.values():
        assert plan.roles.get(user=demo_user).role == "manager"
    assert selectors.my_actions(demo_user).count() >= 5


def test_the_seeds_targets_are_measures_and_seed_004_has_its_budgets(demo):
    targets = {
        (m.plan.source_document[:3], m.name, m.targets.get().value)
        for m in Measure.objects.select_related("plan")
    }
    assert ("003", "Special Constabulary numbers", 80) in {
        (seed, name, value) for seed, name, value in targets
    }
    assert {seed for seed, _, _ in targets} == {"003", "004"}
    assert len(targets) == 9  # 6 in action tables, 3 in the initiatives' scope narrative
    budget = budget_summary(demo["004"])
    assert budget["total"]["budget"] == Decimal("312550")
    assert Funding.objects.get(plan=demo["004"]).status == "submitted"


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (Plan, Action, Update, Measure, BudgetLine, Funding, Framework, Item)
    )


def test_loading_twice_changes_nothing(demo):
    counts = _counts()
    load_demo()
    assert _counts() == counts


def test_seed_004_governance_bodies_chairs_leads_and_tree(demo):
    from plantrack.governance.models import Body, Oversight
    from plantrack.governance.selectors import bodies_tree

    plan = demo["004"]
    board = Body.objects.get(name="Safer Communities Partnership Board")
    sig = Body.objects.get(short_name="SIG")
    assert sig.kind == "programme_board" and sig.reports_to == board
    assert sig.chair_text == "Local Authority Assistant Director for Community Wellbeing"
    cautions = Body.objects.get(name="Conditional Cautions Steering Group")
    assert cautions.chair_text == "The police" and cautions.reports_to == board
    leads = {
        o.section.title: (o.body.short_name or o.body.name, o.lead.name, o.lead.post)
        for o in Oversight.objects.filter(plan=plan, section__isnull=False)
    }
    assert leads == {
        "Neighbourhood Justice Panels": ("BASBAG", "Andy Mariner", "Chief Inspector"),
        "Community Coaches": (
            "BASBAG",
            "Michael Kelly",
            "Interim Community Protection Group Manager",
        ),
        "Conditional Cautions": (cautions.name, "Andy Mariner", "Chief Inspector"),
        "Enhanced Integrated Offender Management": ("IOM Steering Group", "Douglas Charlton", ""),
    }
    assert set(
        Oversight.objects.filter(plan=plan, section=None).values_list("body__short_name", flat=True)
    ) == {"SIG", ""}
    user = User.objects.get(username="demo")
    (root,) = bodies_tree(user)
    assert root.body == board
    assert sorted(n.body.name for n in root.children) == [
        "Barnet Anti-Social Behaviour Action Group",
        "Conditional Cautions Steering Group",
        "IOM Steering Group",
        "Strategy Implementation Group",
    ]
    counts = (Body.objects.count(), Oversight.objects.count(), Oversight.history.count())
    load_demo()
    assert (Body.objects.count(), Oversight.objects.count(), Oversight.history.count()) == counts


def test_seed_002_workplan_and_engagement_register(demo):
    from plantrack.engagement.models import Activity, FollowUp, Outcome, Output, Register
    from plantrack.evidence.models import Evidence

    assert demo["002"].actions.count() == 10
    register = Register.objects.get(organisation=demo["002"].owner_organisation)
    assert register.activities.count() == 18 and register.groups.count() == 4
    costs = sorted(
        (a.cost_amount, a.cost_period) for a in register.activities.exclude(cost_amount=None)
    )
    assert costs == [
        (Decimal(1500), "one-off"),
        (Decimal(2500), "one-off"),
        (Decimal(9000), "year"),
    ]
    # Every activity covers somewhere; the boroughs named by code are areas.
    assert not register.activities.filter(areas__isnull=True).exists()
    deaf = Activity.objects.get(title__startswith="Research and implement Deaf link")
    assert [a.code for a in deaf.areas.all()] == ["SX"]
    assert set(Output.objects.values_list("count", flat=True)) == {96, 221, 52}
    completed = Activity.objects.get(status="completed")
    assert Outcome.objects.filter(activity=completed).exists()
    follow_up = FollowUp.objects.get()
    assert follow_up.owner.user.username == "demo" and follow_up.due_on > timezone.localdate()
    assert Evidence.objects.filter(object_id__in=register.activities.values("pk")).exists()
    volunteering = demo["002"].actions.get(title__icontains="volunteering")
    assert volunteering.engagement_activities.count() == 2
    # The demo account manages the register.
    demo_user = User.objects.get(username="demo")
    assert register.roles.filter(user=demo_user).exists()


def test_seed_000_checklist_published_and_the_minimum_standards_in_consultation(demo):
    checklist = Framework.objects.get(source_document__startswith="000_")
    assert checklist.title == "GOOD PRACTICE CHECK LIST FOR BOROUGH SCHEMES"
    assert checklist.status == "published" and checklist.items.count() == 22
    assert checklist.organisation.name == "Metropolitan Police Service"
    mandatory = checklist.items.filter(mandatory=True).values_list("text", flat=True)
    assert len(mandatory) == 2 and all(t.startswith(("Appointment", "Ensure")) for t in mandatory)
    kinds = dict(checklist.items.values_list("kind").annotate(n=Count("pk")))
    assert kinds["role"] >= 1 and kinds["recurring"] >= 5 and kinds["funding"] == 1
    standards = Framework.objects.get(title="Minimum standards of engagement")
    assert standards.status == "consultation" and standards.items.count() == 6
    assert standards.consulted.count() == 6
    assert ItemComment.objects.filter(item__framework=standards).count() == 2
    last_year, this_year = checklist.cycles.order_by("opens_on")
    assert last_year.status == "closed" and this_year.status == "open"
    assert set(last_year.units.values_list("status", flat=True)) == {"final"}
    stages = dict(this_year.units.values_list("organisation__short_name", "status"))
    assert stages == {
        "SX": "not_started",
        "QK": "draft",
        "YR": "submitted",
        "WW": "challenged",
        "MD": "final",
        "VK": "final",
    }
    assert this_year.units.get(status="challenged").answers.filter(review="challenged").exists()
    acted = last_year.units.filter(answers__action__isnull=False)
    assert acted.count() == 2
    actions = [a.action for a in last_year.units.first().answers.exclude(action=None)]
    assert actions and "Met-Track team will run a session" in actions[0].description


def test_the_demo_user_keeps_the_board_and_the_demo_people_have_addresses(demo):
    """Issue 15, defect 16: demo chaired no body (editing meetings and decisions gave 403) and
    no person had an email, so chasing and reminders reached no one."""
    from plantrack.directory.models import Person
    from plantrack.governance.demo import BOARD
    from plantrack.governance.models import Body
    from plantrack.governance.selectors import body_can_manage

    demo_user = User.objects.get(username="demo")
    assert body_can_manage(demo_user, Body.objects.get(name=BOARD))
    named = Person.objects.exclude(name="")
    assert named.exists() and not named.filter(email="").exists()
    assert all(p.email.endswith("@example.org") for p in named)
    assert not named.filter(organisation__isnull=False, email_verified_at__isnull=True).exists()


def test_the_demo_public_events_give_short_and_long_notice_in_two_boroughs(demo):
    """Issue 16: the events calendar has something in it, published by the loader on the day
    of the load, so the notice figure on the managers' page is neither 0% nor 100%."""
    from plantrack.directory.models import Person
    from plantrack.public.models import Event
    from plantrack.public.selectors import NOTICE_DAYS, events_for_manager, notice_by_area

    now = timezone.now()
    events = list(Event.objects.select_related("area__parent", "meeting__body"))
    assert 8 <= len(events) <= 12
    assert all(now < e.starts_at < now + dt.timedelta(days=60) for e in events)
    boroughs = {e.area.name if e.area.level == "borough" else e.area.parent.name for e in events}
    assert boroughs == {"Barnet", "Wandsworth"}
    assert len({e.area.name for e in events if e.area.level == "ward"}) >= 5
    notice = [e.notice_days for e in events if e.cancelled_at is None]
    assert min(notice) < NOTICE_DAYS <= max(notice)
    (cancelled,) = [e for e in events if e.cancelled_at is not None]
    assert cancelled.cancelled_reason
    assert sum(e.activity_id is not None for e in events) >= 2
    (meeting,) = [e for e in events if e.meeting is not None]
    assert meeting.kind == Event.Kind.MEETING
    assert meeting.meeting.body.name == "Safer Communities Partnership Board"
    assert meeting.starts_on == meeting.meeting.date
    names = [p.name for p in Person.objects.exclude(name="") if len(p.name) >= 4]
    for event in events:
        text = f"{event.title} {event.place} {event.purpose} {event.cancelled_reason}"
        assert not [n for n in names if n.casefold() in text.casefold()], event.title
    # The demo account sees them with the share published two weeks ahead.
    rows = notice_by_area(events_for_manager(User.objects.get(username="demo")), now)
    assert {row.area.name for row in rows} == {"Barnet", "Wandsworth"}
    assert all(0 < row.share < 1 for row in rows)
    load_demo()
    assert Event.objects.count() == len(events)


def test_loading_again_with_reset_replaces_it(demo):
    """`load_demo --reset` reloads the plans and the checklist with its cycles (their answers
    once kept the checklist from being deleted: ProtectedError)."""
    counts = _counts()
    load_demo(reset=True)
    assert _counts() == counts
