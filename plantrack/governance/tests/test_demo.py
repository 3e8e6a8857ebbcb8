"""The demo's governance: seed 004's bodies and a reporting cycle dated from today."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from plantrack.core.finyears import fy_quarter, quarter_bounds
from plantrack.core.tests.factories import make_org, make_user
from plantrack.demo.loader import SEEDS_DIR, load_seed
from plantrack.directory.models import Organisation
from plantrack.governance import demo
from plantrack.governance.models import AgendaItem, Body, Decision, Meeting
from plantrack.measures.demo import load_demo_measures
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db

SEED = "004_9c707c14883fcd10.txt"
# A day in 2026/27 Q1: the last quarter is January to March 2026, next month June 2026.
ON = dt.date(2026, 5, 20)


@pytest.fixture
def loaded():
    """Seed 004 imported with its measures, as the demo loader does, then its governance."""
    loader = make_user("demo-loader", is_superuser=True)
    manager = make_user("demo")
    partnership = make_org("Safer Communities Partnership", kind=Organisation.Kind.PARTNERSHIP)
    plan = load_seed(SEED, partnership, loader, manager)
    load_demo_measures(actor=loader, plan=plan)
    bodies = demo.load_demo_governance(actor=loader, plan=plan, on=ON)
    return loader, manager, plan, bodies


def _counts() -> tuple[int, ...]:
    return (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Decision.objects.count(),
        Meeting.history.count(),
        AgendaItem.history.count(),
        Decision.history.count(),
        Plan.history.count(),
    )


def test_last_quarter_and_next_month_meetings_of_the_board_and_programme_board(loaded):
    dates = {
        (m.body.short_name or m.body.name, m.date) for m in Meeting.objects.select_related("body")
    }
    assert dates == {
        ("Safer Communities Partnership Board", dt.date(2026, 1, 13)),  # 2nd Tuesday
        ("SIG", dt.date(2026, 2, 17)),  # 3rd Tuesday, after the steering groups
        ("SIG", dt.date(2026, 6, 9)),
        ("Safer Communities Partnership Board", dt.date(2026, 6, 23)),  # after the SIG
    }
    # The steering groups decide between the Board's meeting and the programme board's.
    steering = Decision.objects.filter(meeting=None)
    assert {d.body.name for d in steering} == {demo.BASBAG, demo.IOM, demo.CAUTIONS}
    assert all(dt.date(2026, 2, 1) <= d.decided_on < dt.date(2026, 2, 17) for d in steering)
    assert not Decision.objects.filter(decided_on__gt=ON).exists()
    assert not Decision.objects.filter(meeting__date__gt=ON).exists()  # none in advance


@pytest.mark.parametrize("month", range(1, 13))
def test_the_cycle_is_always_in_the_last_quarter_and_next_month(month):
    on = dt.date(2025, month, 28)
    cycle = demo.Cycle(on)
    start, _ = quarter_bounds(*fy_quarter(on))
    last_start, last_end = quarter_bounds(*fy_quarter(start - dt.timedelta(days=1)))
    for body in (demo.BOARD, demo.SIG):
        assert last_start <= cycle.past(body) <= last_end
        assert cycle.past(body).weekday() == demo.TUESDAY
        upcoming = cycle.upcoming(body)
        assert (
            upcoming > on and (upcoming.year * 12 + upcoming.month) - (on.year * 12 + on.month) == 1
        )
    for body in (demo.BASBAG, demo.IOM, demo.CAUTIONS):
        assert cycle.past(demo.BOARD) < cycle.steering(body) < cycle.past(demo.SIG)
    assert cycle.upcoming(demo.SIG) < cycle.upcoming(demo.BOARD)


def test_agenda_items_point_at_the_plan_its_initiatives_actions_and_measures(loaded):
    _, _, plan, _ = loaded
    items = list(AgendaItem.objects.all())
    assert all(item.subject_plan_id == plan.pk for item in items)
    kinds = {type(item.subject).__name__ for item in items}
    assert kinds == {"Plan", "Section", "Action", "Measure"}
    about = {item.title: item.subject for item in items}
    assert about["Enhanced IOM: stepped cohort expansion"].name == "Cohort"
    volunteers = about["Neighbourhood Justice Panels: recruitment and training of volunteers"]
    assert (volunteers.name, volunteers.section.title) == (
        "Volunteers",
        "Neighbourhood Justice Panels",
    )
    assert about["Conditional Cautions: new steering group, chaired by the police"].title == (
        "Conditional Cautions"
    )


def test_decisions_are_the_seeds_and_point_at_the_right_initiatives(loaded):
    _, _, plan, _ = loaded
    seed = (SEEDS_DIR / SEED).read_text()
    found = {
        (d.body.short_name or d.body.name, d.kind, d.text, _where(d))
        for d in Decision.objects.select_related("body", "action__section", "section")
    }
    assert {
        ("BASBAG", "decision", "BASBAG agree delivery model", "Neighbourhood Justice Panels"),
        ("BASBAG", "decision", "BASBAG agree delivery model", "Community Coaches"),
        (
            "BASBAG",
            "sign_off",
            "Sign off process/ policies/ evaluation/scorecard",
            "Neighbourhood Justice Panels",
        ),
        ("BASBAG", "sign_off", "Approve contract specification", "Community Coaches"),
        (
            demo.CAUTIONS,
            "sign_off",
            "Sign off for detailed target groups and delivery models",
            "Conditional Cautions",
        ),
    } <= found
    # Decisions on actions are the actions' own words: the plan said who would decide them.
    for decision in Decision.objects.filter(body__short_name="BASBAG"):
        assert decision.text == decision.action.title and decision.text in seed
    iom = Decision.objects.get(body__name=demo.IOM)
    assert iom.action.section.title == "Enhanced Integrated Offender Management"
    assert iom.action.title.startswith("IOM Steering Group to meet")
    governance = Decision.objects.get(body__name=demo.BOARD, kind="decision")
    assert governance.plan == plan and governance.meeting.date == dt.date(2026, 1, 13)
    assert "Strategy Implementation Group replaces the Safer Communities Project Board" in (
        governance.text
    )
    noted = Decision.objects.get(body__short_name="SIG", kind="noted")
    assert noted.agenda_item.title == "Progress reports from the four initiatives"


def _where(decision: Decision) -> str:
    if decision.action_id:
        return decision.action.section.title
    return decision.section.title if decision.section_id else "plan"


def test_loading_again_changes_nothing(loaded):
    loader, _, plan, _ = loaded
    counts = _counts()
    demo.load_demo_governance(actor=loader, plan=plan, on=ON)
    demo.load_demo_governance(actor=loader, plan=plan, on=ON + dt.timedelta(days=5))
    assert _counts() == counts


def test_a_later_month_adds_its_meetings_and_no_decision_twice(loaded):
    loader, _, plan, _ = loaded
    before = Decision.objects.count()
    # Next quarter: new meetings last quarter and next month; the one-off decisions stay.
    demo.load_demo_governance(actor=loader, plan=plan, on=dt.date(2026, 8, 3))
    assert Meeting.objects.count() == 8
    sig_past = Meeting.objects.get(body__short_name="SIG", date=dt.date(2026, 5, 19))
    assert sig_past.decisions.get().text == demo.PROGRESS_NOTED  # progress noted each time
    assert Decision.objects.count() == before + 1
    assert Decision.objects.filter(text="BASBAG agree delivery model").count() == 2


def test_a_reimported_plan_gets_its_agenda_and_decisions_back(loaded):
    loader, manager, plan, _ = loaded
    counts = _counts()[:3]
    plan.delete()  # what the demo loader's reset does
    partnership = Organisation.objects.get(name="Safer Communities Partnership")
    plan = load_seed(SEED, partnership, loader, manager)
    load_demo_measures(actor=loader, plan=plan)
    demo.load_demo_governance(actor=loader, plan=plan, on=ON)
    assert _counts()[:3] == counts
    assert not AgendaItem.objects.exclude(subject_plan=plan).exists()
    assert Body.objects.count() == 5


def test_the_demo_pages_show_the_cycle(client, loaded):
    _, manager, plan, bodies = loaded
    client.force_login(manager)
    sig = client.get(reverse("governance:body", args=[bodies[demo.SIG].pk])).content.decode()
    assert "17 Feb 2026: Progress of the four initiatives" in sig
    assert "9 Jun 2026: Progress of the four initiatives" in sig
    assert "Progress reports on the four initiatives noted" in sig
    page = client.get(reverse("governance:plan", args=[plan.pk])).content.decode()
    for text in (
        "BASBAG agree delivery model",
        "Approve contract specification",
        "Proposed governance agreed",
        "23 Jun 2026 Safer Communities Partnership Board",
    ):
        assert text in page, text
    upcoming = Meeting.objects.get(body=bodies[demo.SIG], date=dt.date(2026, 6, 9))
    html = client.get(reverse("governance:meeting", args=[upcoming.pk])).content.decode()
    assert "Enhanced IOM: stepped cohort expansion" in html and "Measure: Cohort" in html
