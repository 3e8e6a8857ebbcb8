from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.core.tests.factories import make_org, make_plan, make_user
from plantrack.governance import selectors, services
from plantrack.governance.tests.helpers import PAST

pytestmark = pytest.mark.django_db


def _grow(gov, world, count: int) -> None:
    parent = gov.group
    for i in range(count):
        body = services.body_create(actor=gov.admin, name=f"Group {i}", reports_to=parent)
        services.oversight_set(actor=world.manager, body=body, plan=world.plan)
        parent = body if i % 2 else gov.group  # some deep, some wide


def _tree_queries(user) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as ctx:
        tree = selectors.bodies_tree(user)
    return len(ctx.captured_queries), tree


def _walk(nodes, depth=0):
    for node in nodes:
        assert node.depth == depth
        yield node
        yield from _walk(node.children, depth + 1)


def test_tree_nests_bodies_in_bounded_queries(world, gov):
    few, tree = _tree_queries(world.manager)
    assert [n.body for n in tree] == [gov.board]
    assert [n.body for n in tree[0].children] == [gov.group]
    assert [o.section for o in tree[0].children[0].oversights] == [world.section]
    _grow(gov, world, 12)
    many, tree = _tree_queries(world.manager)
    assert many == few
    assert len(list(_walk(tree))) == 14


def test_tree_hides_oversight_of_plans_the_user_cannot_see(world, gov):
    (board,) = selectors.bodies_tree(world.outsider)
    assert board.children[0].oversights == []


def test_keepers(world, gov):
    assert selectors.body_can_manage(gov.secretary, gov.group)
    assert not selectors.body_can_manage(gov.secretary, gov.board)
    assert not selectors.body_can_manage(world.manager, gov.group)
    assert selectors.body_can_manage(gov.admin, gov.board)
    assert list(selectors.bodies_managed_by(gov.secretary)) == [gov.group]


def test_decisions_about_a_plan_are_visible_to_those_who_see_it(world, gov):
    services.decision_record(
        actor=gov.secretary,
        body=gov.group,
        text="On action",
        decided_on=PAST,
        subject=world.action,
    )
    services.decision_record(
        actor=gov.secretary, body=gov.group, text="Own business", decided_on=PAST
    )
    stranger = make_user("stranger")
    hidden = make_plan(stranger, make_org("Elsewhere"))
    services.oversight_set(actor=stranger, body=gov.group, plan=hidden)
    assert [d.text for d in selectors.decisions_for_plan(world.plan)] == ["On action"]
    assert [d.text for d in selectors.decisions_for_action(world.action)] == ["On action"]
    assert [d.text for d in selectors.decisions_for(world.plan)] == ["On action"]
    assert list(selectors.decisions_for(world.other_action)) == []
    outsider_sees = {d.text for d in selectors.decisions_for_body(world.outsider, gov.group)}
    assert outsider_sees == {"Own business"}
    viewer_sees = {d.text for d in selectors.decisions_for_body(world.viewer, gov.group)}
    assert viewer_sees == {"On action", "Own business"}
    assert [o.plan for o in selectors.oversights_for_body(world.viewer, gov.group)] == [world.plan]


def test_meetings_for_plan_and_subject_choices(world, gov):
    services.agenda_item_add(
        actor=gov.secretary, meeting=gov.meeting, title="Policy", subject=world.action
    )
    other = services.meeting_create(actor=gov.secretary, body=gov.group, date=PAST)
    assert list(selectors.meetings_for_plan(world.plan)) == [gov.meeting]
    assert other not in selectors.meetings_for_plan(world.plan)
    (group,) = selectors.subject_choices(gov.secretary, gov.group)
    values = [value for value, _ in group[1]]
    assert values[0] == f"plan:{world.plan.pk}" and f"action:{world.action.pk}" in values
    assert selectors.subject_from_choice(gov.secretary, f"action:{world.action.pk}") == world.action
    assert selectors.subject_from_choice(world.outsider, f"action:{world.action.pk}") is None
    assert selectors.subject_from_choice(gov.secretary, "body:1") is None
