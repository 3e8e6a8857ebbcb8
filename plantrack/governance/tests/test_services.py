from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.core.tests.factories import make_org, make_person, make_plan, make_user
from plantrack.governance import services
from plantrack.governance.models import Body, BodyMember, Decision, Oversight
from plantrack.governance.tests.helpers import PAST
from plantrack.plans.models import Plan
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db


def _version(plan) -> int:
    return Plan.objects.get(pk=plan.pk).version


def test_only_admins_or_keepers_of_the_parent_create_bodies(world, gov):
    with pytest.raises(PermissionDenied):
        services.body_create(actor=world.manager, name="Rogue group")
    with pytest.raises(PermissionDenied):  # the secretary keeps the group, not the board
        services.body_create(actor=gov.secretary, name="Sub", reports_to=gov.board)
    sub = services.body_create(actor=gov.secretary, name="Working group", reports_to=gov.group)
    assert sub.reports_to == gov.group and sub.history.first().history_user == gov.secretary


def test_chair_keeps_the_body_and_members_do_not(world, gov):
    chair_user = make_user("chair")
    chair = make_person(chair_user, name="Chris Chair")
    services.body_update(actor=gov.admin, body=gov.board, chair=chair)
    services.body_update(actor=chair_user, body=gov.board, cadence=Body.Cadence.QUARTERLY)
    member_user = make_user("member")
    member = make_person(member_user, name="Max Member")
    services.body_member_add(actor=chair_user, body=gov.board, person=member, role="Police lead")
    with pytest.raises(PermissionDenied):
        services.body_update(actor=member_user, body=gov.board, terms_of_reference="Mine")
    with pytest.raises(PermissionDenied):
        services.meeting_create(actor=world.manager, body=gov.board, date=PAST)


def test_the_tree_has_no_loops(gov):
    with pytest.raises(ValidationError) as exc:
        services.body_update(actor=gov.admin, body=gov.board, reports_to=gov.group)
    assert "report to itself" in str(exc.value)
    with pytest.raises(ValidationError):
        services.body_update(actor=gov.admin, body=gov.board, reports_to=gov.board)
    assert Body.objects.get(pk=gov.board.pk).reports_to is None


def test_moving_a_body_needs_the_new_parent(world, gov):
    other = services.body_create(actor=gov.admin, name="Other board")
    with pytest.raises(PermissionDenied):
        services.body_update(actor=gov.secretary, body=gov.group, reports_to=other)
    services.body_update(actor=gov.secretary, body=gov.group, name="BASBAG (renamed)")
    assert Body.objects.get(pk=gov.group.pk).reports_to == gov.board


def test_member_add_twice_changes_the_role_and_remove(world, gov):
    person = make_person(name="Pat Partner")
    services.body_member_add(actor=gov.secretary, body=gov.group, person=person, role="Member")
    services.body_member_add(actor=gov.secretary, body=gov.group, person=person, role="Vice chair")
    assert BodyMember.objects.get(body=gov.group, person=person).role == "Vice chair"
    services.body_member_remove(actor=gov.secretary, body=gov.group, person=person)
    assert not BodyMember.objects.filter(body=gov.group, person=person).exists()


def test_oversight_is_set_by_plan_managers_and_touches_the_plan(world, gov):
    with pytest.raises(PermissionDenied):
        services.oversight_set(actor=gov.secretary, body=gov.board, plan=world.plan)
    with pytest.raises(PermissionDenied):
        services.oversight_set(actor=world.viewer, body=gov.board, plan=world.plan)
    before = _version(world.plan)
    services.oversight_set(actor=world.manager, body=gov.board, plan=world.plan)
    assert _version(world.plan) == before + 1
    again = services.oversight_set(
        actor=world.manager, body=gov.board, plan=world.plan, lead_text="The director"
    )
    assert Oversight.objects.filter(body=gov.board, plan=world.plan).get() == again
    other_plan = make_plan(world.manager, world.force)
    with pytest.raises(ValidationError):
        services.oversight_set(
            actor=world.manager, body=gov.board, plan=other_plan, section=world.section
        )
    services.oversight_remove(actor=world.manager, oversight=again)
    assert not Oversight.objects.filter(pk=again.pk).exists()


def test_decision_about_an_action_bumps_the_plan_and_keeps_its_plan(world, gov):
    before = _version(world.plan)
    decision = services.decision_record(
        actor=gov.secretary,
        body=gov.group,
        text="BASBAG agree delivery model",
        decided_on=PAST,
        kind=Decision.Kind.SIGN_OFF,
        subject=world.action,
    )
    assert decision.action == world.action and decision.subject_plan_id == world.plan.pk
    assert decision.subject == world.action and decision.recorded_by == gov.secretary
    assert _version(world.plan) == before + 1


def test_decision_against_an_agenda_item_takes_its_meeting_subject_and_date(world, gov):
    item = services.agenda_item_add(
        actor=gov.secretary, meeting=gov.meeting, title="Delivery model", subject=world.section
    )
    assert item.position == 1 and item.subject_plan_id == world.plan.pk
    decision = services.decision_record(
        actor=gov.secretary, body=gov.group, text="Agreed", agenda_item=item
    )
    assert (decision.meeting, decision.section, decision.decided_on) == (
        gov.meeting,
        world.section,
        PAST,
    )


def test_decision_subject_is_validated_in_one_place(world, gov):
    with pytest.raises(ValidationError):  # not something a body decides about
        services.decision_record(
            actor=gov.secretary, body=gov.group, text="x", decided_on=PAST, subject=gov.board
        )
    hidden = make_plan(make_user("stranger"), make_org("Elsewhere"))
    with pytest.raises(ValidationError):  # a plan the secretary cannot see
        services.decision_record(
            actor=gov.secretary, body=gov.group, text="x", decided_on=PAST, subject=hidden
        )
    decision = Decision(body=gov.group, text="x", decided_on=PAST, plan=world.plan)
    decision.action = world.action
    with pytest.raises(ValidationError):  # two subjects at once
        decision.full_clean()
    assert not Decision.objects.exists()


def test_decisions_cannot_be_dated_in_the_future_or_be_empty(world, gov):
    tomorrow = today() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.decision_record(actor=gov.secretary, body=gov.group, text="x", decided_on=tomorrow)
    assert "future" in str(exc.value)
    with pytest.raises(ValidationError):
        services.decision_record(actor=gov.secretary, body=gov.group, text="  ", decided_on=PAST)
    with pytest.raises(ValidationError):  # no date and no meeting to take it from
        services.decision_record(actor=gov.secretary, body=gov.group, text="x")
    assert not Decision.objects.exists()


def test_decisions_need_a_keeper_and_the_bodys_own_meeting(world, gov):
    with pytest.raises(PermissionDenied):
        services.decision_record(actor=world.manager, body=gov.group, text="x", decided_on=PAST)
    board_meeting = services.meeting_create(actor=gov.admin, body=gov.board, date=PAST)
    with pytest.raises(ValidationError):
        services.decision_record(
            actor=gov.secretary, body=gov.group, text="x", meeting=board_meeting
        )
    item = services.agenda_item_add(actor=gov.admin, meeting=board_meeting, title="Item")
    with pytest.raises(ValidationError):
        services.decision_record(
            actor=gov.secretary, body=gov.group, text="x", meeting=gov.meeting, agenda_item=item
        )


def test_meeting_update_and_agenda_remove(world, gov):
    services.meeting_update(actor=gov.secretary, meeting=gov.meeting, location="Hendon")
    assert gov.meeting.history.first().location == "Hendon"
    item = services.agenda_item_add(actor=gov.secretary, meeting=gov.meeting, title="AOB")
    with pytest.raises(PermissionDenied):
        services.agenda_item_remove(actor=world.manager, item=item)
    services.agenda_item_remove(actor=gov.secretary, item=item)
    assert not gov.meeting.agenda.exists()
