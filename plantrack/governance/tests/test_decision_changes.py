"""Correcting and deleting a decision: the services, the pages and the links to them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_org, make_person, make_plan, make_user
from plantrack.governance import services
from plantrack.governance.models import Decision
from plantrack.governance.tests.helpers import PAST
from plantrack.plans.models import Plan
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db


def _version(plan) -> int:
    return Plan.objects.get(pk=plan.pk).version


def _saved(decision) -> tuple:
    fresh = Decision.objects.get(pk=decision.pk)
    return (
        fresh.text,
        fresh.kind,
        fresh.decided_on,
        fresh.meeting_id,
        fresh.agenda_item_id,
        fresh.action_id,
        fresh.section_id,
        fresh.plan_id,
        fresh.subject_plan_id,
    )


@pytest.fixture
def decision(world, gov) -> Decision:
    """A sign-off of the group at its meeting, against an agenda item about the action."""
    item = services.agenda_item_add(
        actor=gov.secretary, meeting=gov.meeting, title="Delivery model", subject=world.action
    )
    return services.decision_record(
        actor=gov.secretary,
        body=gov.group,
        text="BASBAG agree delivery model",
        kind=Decision.Kind.SIGN_OFF,
        agenda_item=item,
    )


# --- Services -------------------------------------------------------------------------------


def test_keeper_corrects_a_decision_with_history_and_the_plan_touched(world, gov, decision):
    before = _version(world.plan)
    services.decision_update(
        actor=gov.secretary,
        decision=decision,
        text="  BASBAG agree the delivery model  ",
        kind=Decision.Kind.DECISION,
        decided_on=PAST - dt.timedelta(days=1),
    )
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.text, fresh.kind, fresh.decided_on) == (
        "BASBAG agree the delivery model",
        "decision",
        PAST - dt.timedelta(days=1),
    )
    # Where it was taken, what it is about and who recorded it are kept.
    assert (fresh.meeting, fresh.action, fresh.recorded_by) == (
        gov.meeting,
        world.action,
        gov.secretary,
    )
    latest = fresh.history.first()
    assert (latest.history_type, latest.history_user) == ("~", gov.secretary)
    assert fresh.history.count() == 2
    assert _version(world.plan) == before + 1


def test_outsiders_and_plan_people_cannot_change_a_bodys_decisions(world, gov, decision):
    saved = _saved(decision)
    for user in (world.outsider, world.manager, world.viewer, world.owner):
        with pytest.raises(PermissionDenied):
            services.decision_update(actor=user, decision=decision, text="Mine")
        with pytest.raises(PermissionDenied):
            services.decision_delete(actor=user, decision=decision)
    assert _saved(decision) == saved and decision.history.count() == 1


def test_a_keeper_who_cannot_see_the_plan_cannot_change_a_decision_about_it(world, gov):
    chair_user = make_user("chair")
    board = gov.board
    services.body_update(actor=gov.admin, body=board, chair=make_person(chair_user, name="C"))
    hidden = services.decision_record(
        actor=gov.admin, body=board, text="About the plan", decided_on=PAST, subject=world.plan
    )
    with pytest.raises(PermissionDenied) as exc:
        services.decision_update(actor=chair_user, decision=hidden, text="Changed")
    assert "cannot see the plan" in str(exc.value)
    with pytest.raises(PermissionDenied):
        services.decision_delete(actor=chair_user, decision=hidden)
    own = services.decision_record(actor=chair_user, body=board, text="Ours", decided_on=PAST)
    services.decision_update(actor=chair_user, decision=own, text="Ours, corrected")
    assert Decision.objects.get(pk=own.pk).text == "Ours, corrected"
    assert Decision.objects.get(pk=hidden.pk).text == "About the plan"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"decided_on": "tomorrow"}, "cannot be in the future"),
        ({"text": "   "}, "cannot be blank"),
        ({"subject": "hidden plan"}, "cannot see the plan"),
        ({"agenda_item": "board's item", "meeting": "our meeting"}, "another meeting's agenda"),
        ({"agenda_item": "board's item"}, "another body's"),  # it brings its meeting
        ({"agenda_item": None, "meeting": "board meeting"}, "another body's"),
    ],
)
def test_refused_corrections_change_nothing(world, gov, decision, fields, message):
    board_meeting = services.meeting_create(actor=gov.admin, body=gov.board, date=PAST)
    other_item = services.agenda_item_add(actor=gov.admin, meeting=board_meeting, title="Other")
    values = {
        "tomorrow": today() + dt.timedelta(days=1),
        "hidden plan": make_plan(make_user("stranger"), make_org("Elsewhere")),
        "board's item": other_item,
        "board meeting": board_meeting,
        "our meeting": gov.meeting,
    }
    fields = {name: values.get(value, value) for name, value in fields.items()}
    saved, version = _saved(decision), _version(world.plan)
    with pytest.raises(ValidationError) as exc:
        services.decision_update(actor=gov.secretary, decision=decision, **fields)
    assert message in str(exc.value)
    assert _saved(decision) == saved and _version(world.plan) == version
    # The object in hand is as it was too: a page showing it again shows the saved version.
    assert decision.text == "BASBAG agree delivery model" and decision.meeting == gov.meeting
    assert decision.history.count() == 1


def test_unknown_fields_are_a_programming_error(gov, decision):
    with pytest.raises(TypeError):
        services.decision_update(actor=gov.secretary, decision=decision, recorded_by=None)


def test_moving_a_decision_to_another_plan_touches_both(world, gov, decision):
    other = make_plan(world.manager, world.force, title="Other plan")
    before = (_version(world.plan), _version(other))
    services.decision_update(
        actor=gov.admin, decision=decision, agenda_item=None, subject=other, meeting=None
    )
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.plan, fresh.action, fresh.subject_plan_id) == (other, None, other.pk)
    assert (fresh.meeting, fresh.agenda_item) == (None, None)
    assert (_version(world.plan), _version(other)) == (before[0] + 1, before[1] + 1)


def test_a_new_agenda_item_brings_its_meeting_and_subject(world, gov, decision):
    june = services.meeting_create(actor=gov.secretary, body=gov.group, date=PAST, title="June")
    item = services.agenda_item_add(
        actor=gov.secretary, meeting=june, title="Intelligence", subject=world.section
    )
    services.decision_update(actor=gov.secretary, decision=decision, agenda_item=item)
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.meeting, fresh.agenda_item, fresh.section, fresh.action) == (
        june,
        item,
        world.section,
        None,
    )
    # Without the item, at the same meeting: the subject given, or the body's own business.
    services.decision_update(actor=gov.secretary, decision=fresh, agenda_item=None, subject=None)
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.meeting, fresh.agenda_item, fresh.subject) == (june, None, None)


def test_delete_keeps_history_and_touches_the_plan(client, world, gov, decision):
    before = _version(world.plan)
    pk = decision.pk
    services.decision_delete(actor=gov.secretary, decision=decision)
    assert not Decision.objects.filter(pk=pk).exists()
    gone = Decision.history.filter(id=pk).first()
    assert (gone.history_type, gone.history_user, gone.text) == (
        "-",
        gov.secretary,
        "BASBAG agree delivery model",
    )
    assert _version(world.plan) == before + 1


def test_the_plans_history_shows_corrections_and_deletions(client, world, gov, decision):
    other = services.agenda_item_add(
        actor=gov.secretary, meeting=gov.meeting, title="Intelligence", subject=world.section
    )
    services.decision_update(
        actor=gov.secretary, decision=decision, text="Delivery model agreed", agenda_item=other
    )
    services.decision_delete(actor=gov.secretary, decision=decision)
    client.force_login(world.viewer)
    html = client.get(reverse("plans:history", args=[world.plan.pk])).content.decode()
    for text in (
        "BASBAG agree delivery model",  # as it was recorded, and the change of text
        "Delivery model agreed",
        "YC/INT/1 Create a policy",  # what it was about, by name, before the change
        "Intelligence",
        "deleted",
    ):
        assert text in html, text


# --- Pages ----------------------------------------------------------------------------------


def _as(client, user):
    client.force_login(user)
    return client


def test_keeper_edits_a_meeting_decision(client, world, gov, decision):
    c = _as(client, gov.secretary)
    url = reverse("governance:decision_edit", args=[decision.pk])
    form = c.get(url).content.decode()
    assert "BASBAG agree delivery model" in form and "2024-05-14" in form
    assert f'value="{decision.agenda_item_id}" selected' in form
    response = c.post(
        url,
        {
            "agenda_item": decision.agenda_item_id,
            "subject": "",
            "kind": "decision",
            "text": "BASBAG agree the delivery model",
            "decided_on": "2024-05-13",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("governance:meeting", args=[gov.meeting.pk])
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.text, fresh.kind, fresh.decided_on, fresh.action) == (
        "BASBAG agree the delivery model",
        "decision",
        dt.date(2024, 5, 13),
        world.action,
    )


def test_keeper_edits_a_decision_taken_outside_a_meeting(client, world, gov):
    decision = services.decision_record(
        actor=gov.secretary, body=gov.group, text="Agreed", decided_on=PAST, subject=world.action
    )
    c = _as(client, gov.secretary)
    url = reverse("governance:decision_edit", args=[decision.pk])
    form = c.get(url).content.decode()
    assert f'value="action:{world.action.pk}" selected' in form and "Agenda item" not in form
    response = c.post(
        url,
        {
            "subject": f"section:{world.section.pk}",
            "kind": "sign_off",
            "text": "Agreed",
            "decided_on": "2024-05-14",
        },
    )
    assert response.url == reverse("governance:body", args=[gov.group.pk])
    fresh = Decision.objects.get(pk=decision.pk)
    assert (fresh.section, fresh.action, fresh.kind) == (world.section, None, "sign_off")


def test_a_subject_given_without_an_agenda_item_is_kept_on_the_form(client, world, gov):
    # Recorded through the API or before its agenda item was removed.
    decision = services.decision_record(
        actor=gov.secretary, body=gov.group, text="x", meeting=gov.meeting, subject=world.action
    )
    form = _as(client, gov.secretary).get(reverse("governance:decision_edit", args=[decision.pk]))
    assert f'value="action:{world.action.pk}" selected' in form.content.decode()


def test_bad_input_gives_one_line_and_changes_nothing(client, world, gov, decision):
    c = _as(client, gov.secretary)
    url = reverse("governance:decision_edit", args=[decision.pk])
    saved, version = _saved(decision), _version(world.plan)
    response = c.post(
        url,
        {
            "agenda_item": decision.agenda_item_id,
            "kind": "decision",
            "text": "Changed",
            "decided_on": (today() + dt.timedelta(days=3)).isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    start = html.index("govuk-error-summary__list")
    summary = html[start : html.index("</ul>", start)]
    assert summary.count("<li>") == 1
    assert "The date of a decision cannot be in the future." in summary
    assert _saved(decision) == saved and _version(world.plan) == version


def test_delete_asks_first_then_deletes(client, world, gov, decision):
    c = _as(client, gov.secretary)
    url = reverse("governance:decision_delete", args=[decision.pk])
    page = c.get(url).content.decode()
    assert "govuk-button--warning" in page and "govuk-warning-text" in page
    assert "BASBAG agree delivery model" in page and "Delete this sign-off?" in page
    assert Decision.objects.filter(pk=decision.pk).exists()
    response = c.post(url)
    assert response.url == reverse("governance:meeting", args=[gov.meeting.pk])
    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_site_admin_may_edit_and_delete(client, world, gov, decision):
    c = _as(client, gov.admin)
    assert c.get(reverse("governance:decision_edit", args=[decision.pk])).status_code == 200
    assert c.post(reverse("governance:decision_delete", args=[decision.pk])).status_code == 302
    assert not Decision.objects.exists()


@pytest.mark.parametrize("name", ["governance:decision_edit", "governance:decision_delete"])
def test_who_else_is_refused(client, world, gov, decision, name):
    own_business = services.decision_record(
        actor=gov.secretary, body=gov.group, text="Meet monthly", decided_on=PAST
    )
    data = {"kind": "decision", "text": "Mine", "decided_on": "2024-01-01"}
    url = reverse(name, args=[decision.pk])
    # The outsider cannot see the plan the decision is about: as if it did not exist.
    outsider = _as(client, world.outsider)
    assert outsider.get(url).status_code == 404 and outsider.post(url, data).status_code == 404
    # The body's own business they can read, but not change.
    own_url = reverse(name, args=[own_business.pk])
    assert outsider.get(own_url).status_code == 403
    assert outsider.post(own_url, data).status_code == 403
    # Readers of the plan, its owner and its manager do not keep the body.
    for user in (world.viewer, world.owner, world.manager):
        c = _as(client, user)
        assert c.get(url).status_code == 403 and c.post(url, data).status_code == 403
    assert Decision.objects.count() == 2
    assert Decision.objects.get(pk=decision.pk).text == "BASBAG agree delivery model"


@pytest.mark.parametrize("name", ["governance:decision_edit", "governance:decision_delete"])
def test_wrong_method(client, gov, decision, name):
    c = _as(client, gov.secretary)
    assert c.put(reverse(name, args=[decision.pk])).status_code == 405
    assert c.delete(reverse(name, args=[decision.pk])).status_code == 405
    assert Decision.objects.filter(pk=decision.pk).exists()


def test_links_show_only_to_those_who_may_change_the_decision(client, world, gov, decision):
    edit = reverse("governance:decision_edit", args=[decision.pk])
    delete = reverse("governance:decision_delete", args=[decision.pk])
    pages = [
        reverse("governance:body", args=[gov.group.pk]),
        reverse("governance:meeting", args=[gov.meeting.pk]),
        reverse("governance:plan", args=[world.plan.pk]),
    ]
    for user, shown in ((gov.secretary, True), (world.manager, False), (world.viewer, False)):
        c = _as(client, user)
        for url in pages:
            html = c.get(url).content.decode()
            assert "BASBAG agree delivery model" in html
            assert (edit in html, delete in html) == (shown, shown), (user, url)
    # Action pages are cached for every reader of the plan: they never carry the links.
    html = _as(client, gov.secretary).get(reverse("plans:action", args=[world.action.pk]))
    assert "BASBAG agree delivery model" in html.content.decode()
    assert edit not in html.content.decode()


def test_a_keeper_of_another_body_sees_no_links_on_the_plans_governance_page(
    client, world, gov, decision
):
    services.oversight_set(actor=world.manager, body=gov.board, plan=world.plan)
    board_decision = services.decision_record(
        actor=gov.admin, body=gov.board, text="Board view", decided_on=PAST, subject=world.plan
    )
    html = _as(client, gov.secretary).get(reverse("governance:plan", args=[world.plan.pk]))
    html = html.content.decode()
    assert reverse("governance:decision_edit", args=[decision.pk]) in html
    assert "Board view" in html
    assert reverse("governance:decision_edit", args=[board_decision.pk]) not in html


@pytest.mark.parametrize("page", ["body", "meeting", "plan"])
def test_links_do_not_add_queries_per_decision(client, world, gov, page):
    c = _as(client, gov.secretary)
    url = {
        "body": reverse("governance:body", args=[gov.group.pk]),
        "meeting": reverse("governance:meeting", args=[gov.meeting.pk]),
        "plan": reverse("governance:plan", args=[world.plan.pk]),
    }[page]

    def record(count: int) -> None:
        for i in range(count):
            services.decision_record(
                actor=gov.secretary,
                body=gov.group,
                text=f"D{i}",
                meeting=gov.meeting,
                subject=world.action,
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    record(2)
    few = queries()
    record(8)
    html = c.get(url).content.decode()
    assert html.count("/edit/") >= 10
    assert queries() == few
