"""A whole cycle through the services: send, answer, submit, challenge, reply, finalise, close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.assessments import cycles, selectors, services
from plantrack.assessments.models import Answer, Unit
from plantrack.evidence.services import evidence_attach_link
from plantrack.plans.models import Plan

pytestmark = pytest.mark.django_db


def _answer_all(cw, unit, user, levels=("in_place", "partly", "not_applicable")):
    items = list(unit.cycle.framework.items.order_by("position"))
    for item, level in zip(items, levels, strict=True):
        cycles.answer_save(
            actor=user,
            unit=unit,
            item=item,
            level=level,
            reason="No custody suite in the borough" if level == "not_applicable" else "",
            comment="As at June",
        )
    return items


def test_sending_needs_a_published_framework_and_units(world, fw):
    with pytest.raises(ValidationError, match="published"):
        cycles.cycle_create(
            actor=world.manager,
            framework=fw.draft,
            title="T",
            opens_on=dt.date(2026, 4, 1),
            due_on=dt.date(2026, 6, 1),
            units=[world.other_force],
        )
    with pytest.raises(ValidationError):
        cycles.cycle_create(
            actor=world.manager,
            framework=fw.checklist,
            title="T",
            opens_on=dt.date(2026, 4, 1),
            due_on=dt.date(2026, 6, 1),
            units=[],
        )
    with pytest.raises(PermissionDenied):
        cycles.cycle_create(
            actor=world.outsider,
            framework=fw.checklist,
            title="T",
            opens_on=dt.date(2026, 4, 1),
            due_on=dt.date(2026, 6, 1),
            units=[world.other_force],
        )


def test_a_whole_cycle(world, cw):
    unit = cw.barnet
    assert unit.status == Unit.Status.NOT_STARTED
    items = _answer_all(cw, unit, cw.barnet_assessor)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.DRAFT
    cycles.unit_submit(actor=cw.barnet_assessor, unit=unit)
    # Submitted: the unit cannot change it; the reviewer reviews it.
    with pytest.raises(ValidationError, match="submitted"):
        cycles.answer_save(actor=cw.barnet_assessor, unit=unit, item=items[0], level="planned")
    first, second, third = (Answer.objects.get(unit=unit, item=i) for i in items)
    cycles.answer_review(actor=cw.reviewer, answer=first, decision="accept")
    cycles.answer_review(
        actor=cw.reviewer, answer=second, decision="challenge", text="No publicity seen"
    )
    unit.refresh_from_db()
    assert unit.status == Unit.Status.CHALLENGED
    with pytest.raises(ValidationError, match="challenged"):
        cycles.unit_submit(actor=cw.barnet_assessor, unit=unit)
    cycles.answer_reply(actor=cw.barnet_assessor, answer=second, text="Posters since May")
    cycles.unit_submit(actor=cw.barnet_assessor, unit=unit)
    with pytest.raises(ValidationError, match="2 answers still to accept"):
        cycles.unit_finalise(actor=cw.reviewer, unit=unit)
    second.refresh_from_db()
    for answer in (second, third):
        cycles.answer_review(actor=cw.reviewer, answer=answer, decision="accept")
    cycles.unit_finalise(actor=cw.reviewer, unit=unit)
    unit.refresh_from_db()
    assert unit.status == Unit.Status.FINAL and unit.finalised_at is not None
    trail = [(n.kind, n.text) for n in second.notes.order_by("created_at", "id")]
    assert trail == [
        ("challenge", "No publicity seen"),
        ("reply", "Posters since May"),
        ("accept", ""),
    ]


def test_submitting_names_the_first_item_not_ready(world, cw):
    items = list(cw.cycle.framework.items.order_by("position"))
    cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=items[0], level="in_place")
    with pytest.raises(ValidationError, match="Item 2 is not answered"):
        cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    with pytest.raises(ValidationError, match="why it does not apply"):
        cycles.answer_save(
            actor=cw.barnet_assessor, unit=cw.barnet, item=items[1], level="not_applicable"
        )


def test_an_item_needing_evidence_is_not_in_place_without_it(world, fw, cw):
    second = services.framework_new_version(actor=world.manager, framework=fw.checklist)
    item = second.items.order_by("position").first()
    services.item_update(actor=world.manager, item=item, evidence_required=True)
    services.framework_status_set(actor=world.manager, framework=second, status="published")
    cycle = cycles.cycle_create(
        actor=world.manager,
        framework=second,
        title="Next",
        opens_on=dt.date(2027, 4, 1),
        due_on=dt.date(2027, 6, 1),
        units=[cw.barnet.organisation],
    )
    unit = cycle.units.get()
    cycles.unit_assessors_set(actor=world.manager, unit=unit, assessors=[cw.barnet_assessor])
    _answer_all(cw, unit, cw.barnet_assessor)
    with pytest.raises(ValidationError, match="Item 1 needs evidence to be in place"):
        cycles.unit_submit(actor=cw.barnet_assessor, unit=unit)
    answer = Answer.objects.get(unit=unit, item=item)
    evidence_attach_link(
        actor=cw.barnet_assessor, target=answer, url="https://example.org/spoc", title="SPOC"
    )
    cycles.unit_submit(actor=cw.barnet_assessor, unit=unit)


def test_each_does_only_their_part(world, cw):
    item = cw.cycle.framework.items.first()
    with pytest.raises(PermissionDenied):  # another borough's assessor
        cycles.answer_save(actor=cw.brent_assessor, unit=cw.barnet, item=item, level="in_place")
    with pytest.raises(PermissionDenied):  # a reviewer does not answer
        cycles.answer_save(actor=cw.reviewer, unit=cw.barnet, item=item, level="in_place")
    _answer_all(cw, cw.barnet, cw.barnet_assessor)
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    answer = cw.barnet.answers.first()
    with pytest.raises(PermissionDenied):  # an assessor does not review
        cycles.answer_review(actor=cw.barnet_assessor, answer=answer, decision="accept")
    assert set(selectors.cycles_visible_to(cw.brent_assessor)) == {cw.cycle}
    assert not selectors.cycles_visible_to(world.outsider).exists()


def test_a_closed_cycle_is_frozen(world, cw):
    items = _answer_all(cw, cw.barnet, cw.barnet_assessor)
    cycles.cycle_close(actor=world.manager, cycle=cw.cycle)
    cw.barnet.refresh_from_db()
    with pytest.raises(ValidationError, match="frozen"):
        cycles.answer_save(
            actor=cw.barnet_assessor, unit=cw.barnet, item=items[0], level="embedded"
        )
    with pytest.raises(ValidationError, match="frozen"):
        cycles.unit_assessors_set(actor=world.manager, unit=cw.barnet, assessors=[])
    assert Answer.objects.get(unit=cw.barnet, item=items[0]).level == "in_place"


def test_the_heat_map_scores_against_the_target_and_mandatory_items(world, cw):
    item = cw.cycle.framework.items.order_by("position").first()
    type(item).objects.filter(pk=item.pk).update(mandatory=True)
    _answer_all(cw, cw.barnet, cw.barnet_assessor, levels=("in_place", "embedded", "planned"))
    _answer_all(cw, cw.brent, cw.brent_assessor, levels=("partly", "in_place", "not_applicable"))
    heat = selectors.heat_map(cw.cycle, plans=Plan.objects.all())
    scores = {unit.organisation.name: score for unit, _, score, _ in heat.rows}
    assert (scores["Barnet BOCU"].percent, scores["Barnet BOCU"].meets_target) == (67, False)
    assert scores["Brent BOCU"].percent == 50 and scores["Brent BOCU"].mandatory_missing
    assert heat.adoption_row == [(1, 2), (2, 2), (0, 1)]


def test_accepting_the_rest_leaves_challenges_standing(world, cw):
    _answer_all(cw, cw.barnet, cw.barnet_assessor)
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    first = cw.barnet.answers.order_by("item__position").first()
    cycles.answer_review(actor=cw.reviewer, answer=first, decision="challenge", text="Who?")
    cycles.answer_reply(actor=cw.barnet_assessor, answer=first, text="PC Jones")
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    assert cycles.unit_accept_rest(actor=cw.reviewer, unit=cw.barnet) == 3
    cycles.unit_finalise(actor=cw.reviewer, unit=cw.barnet)
    with pytest.raises(PermissionDenied):
        cycles.unit_accept_rest(actor=cw.barnet_assessor, unit=cw.barnet)


def test_a_gap_becomes_an_action_of_the_units_improvement_plan(world, cw):
    from plantrack.assessments.models import ImprovementPlan
    from plantrack.core.tests.factories import make_person

    items = _answer_all(cw, cw.barnet, cw.barnet_assessor)  # in place, partly, not applicable
    spoc = make_person(cw.barnet_assessor, name="Bea Spoc", organisation=cw.barnet.organisation)
    partly = Answer.objects.get(unit=cw.barnet, item=items[1])
    action = cycles.gap_to_action(
        actor=cw.barnet_assessor,
        answer=partly,
        owner=spoc,
        due_text="By Mar 27",
        help_offered="Reminder slides from the central team",
    )
    plan = ImprovementPlan.objects.get(organisation=cw.barnet.organisation).plan
    assert action.plan == plan and plan.title == "Barnet BOCU improvement plan"
    assert list(action.owners.all()) == [spoc] and action.due_text == "By Mar 27"
    assert "Reminder slides from the central team" in action.description
    assert "item 2" in action.description and "partly in place" in action.description
    partly.refresh_from_db()
    assert partly.action == action
    with pytest.raises(ValidationError, match="already an action"):
        cycles.gap_to_action(actor=cw.barnet_assessor, answer=partly)
    in_place = Answer.objects.get(unit=cw.barnet, item=items[0])
    with pytest.raises(ValidationError, match="below"):
        cycles.gap_to_action(actor=cw.barnet_assessor, answer=in_place)
    with pytest.raises(PermissionDenied):
        cycles.gap_to_action(actor=cw.brent_assessor, answer=partly)
    # The keeper adds the next gap to the same plan, as one of its managers.
    cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=items[2], level="planned")
    second = Answer.objects.get(unit=cw.barnet, item=items[2])
    with pytest.raises(PermissionDenied, match="manager"):
        cycles.gap_to_action(actor=world.manager, answer=second)
    assert cycles.gap_to_action(actor=cw.barnet_assessor, answer=second).plan == plan


def test_the_next_cycle_compares_with_the_last(world, fw, cw):
    items = _answer_all(cw, cw.barnet, cw.barnet_assessor, levels=("planned", "partly", "in_place"))
    partly = Answer.objects.get(unit=cw.barnet, item=items[1])
    action = cycles.gap_to_action(actor=cw.barnet_assessor, answer=partly)
    cycles.cycle_close(actor=world.manager, cycle=cw.cycle)
    # Next year, on a new version whose second item is reworded (not comparable).
    second = services.framework_new_version(actor=world.manager, framework=fw.checklist)
    new_items = list(second.items.order_by("position"))
    services.item_update(actor=world.manager, item=new_items[1], not_comparable=True)
    services.framework_status_set(actor=world.manager, framework=second, status="published")
    nxt = cycles.cycle_create(
        actor=world.manager,
        framework=second,
        title="2027/28",
        opens_on=dt.date(2027, 4, 1),
        due_on=dt.date(2027, 6, 30),
        units=[cw.barnet.organisation],
    )
    unit = nxt.units.get()
    cycles.unit_assessors_set(actor=world.manager, unit=unit, assessors=[cw.barnet_assessor])
    _answer_all(cw, unit, cw.barnet_assessor, levels=("in_place", "in_place", "partly"))
    before = selectors.previous_for_unit(unit)
    assert before[new_items[0].pk].level == "planned"
    assert new_items[1].pk not in before  # not comparable
    assert before[new_items[2].pk].level == "in_place"
    heat = selectors.heat_map(nxt, plans=Plan.objects.all())
    ((_, _, _, moved),) = heat.rows
    assert moved == {"better": 1, "worse": 1, "same": 0}
    assert Answer.objects.get(unit=cw.barnet, item=items[1]).action == action


def test_an_accepted_answer_changed_after_a_challenge_is_reviewed_again(world, cw):
    items = _answer_all(
        cw, cw.barnet, cw.barnet_assessor, levels=("not_in_place", "partly", "planned")
    )
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    first, second, third = (Answer.objects.get(unit=cw.barnet, item=i) for i in items)
    cycles.answer_review(actor=cw.reviewer, answer=first, decision="accept")
    cycles.answer_review(actor=cw.reviewer, answer=third, decision="challenge", text="Why?")
    cw.barnet.refresh_from_db()
    # Back with the unit: it changes the accepted answer too.
    cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=items[0], level="embedded")
    first.refresh_from_db()
    assert first.review == Answer.Review.PENDING
    cycles.answer_reply(actor=cw.barnet_assessor, answer=third, text="Because")
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    cycles.answer_review(
        actor=cw.reviewer, answer=Answer.objects.get(pk=third.pk), decision="accept"
    )
    cycles.answer_review(actor=cw.reviewer, answer=second, decision="accept")
    with pytest.raises(ValidationError, match="1 answer still to accept"):
        cycles.unit_finalise(actor=cw.reviewer, unit=cw.barnet)


def test_an_assessor_never_reviews_their_own_return(world, cw):
    cw.cycle.reviewers.add(cw.barnet_assessor)
    _answer_all(cw, cw.barnet, cw.barnet_assessor)
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    answer = cw.barnet.answers.first()
    with pytest.raises(PermissionDenied, match="own return"):
        cycles.answer_review(actor=cw.barnet_assessor, answer=answer, decision="accept")
    with pytest.raises(PermissionDenied, match="own return"):
        cycles.unit_accept_rest(actor=cw.barnet_assessor, unit=cw.barnet)
    with pytest.raises(PermissionDenied, match="own return"):
        cycles.unit_finalise(actor=cw.barnet_assessor, unit=cw.barnet)
    assert not cw.barnet.answers.filter(review="accepted").exists()


def test_can_see_cycle_agrees_with_the_cycles_a_user_sees(world, cw):
    """unit_get_for_user asks can_see_cycle of one cycle; it must say what cycles_visible_to
    says, for members of the keeper, reviewers and assessors from elsewhere, and outsiders."""
    from plantrack.accounts.models import User
    from plantrack.core.tests.factories import make_org, make_user
    from plantrack.directory.models import Membership

    elsewhere = make_org("Elsewhere Council", kind="council")
    outside_reviewer = make_user("outside-reviewer")
    outside_assessor = make_user("outside-assessor")
    for user in (outside_reviewer, outside_assessor):
        Membership.objects.create(user=user, organisation=elsewhere)
    cw.cycle.reviewers.add(outside_reviewer)
    cw.brent.assessors.add(outside_assessor)
    make_user("root", is_superuser=True)
    seen = {user.username: selectors.can_see_cycle(user, cw.cycle) for user in User.objects.all()}
    expected = {
        user.username: selectors.cycles_visible_to(user).filter(pk=cw.cycle.pk).exists()
        for user in User.objects.all()
    }
    assert seen == expected
    assert seen["outside-reviewer"] and seen["outside-assessor"] and seen["root"]
    assert not seen["outsider"] and seen["manager"] and seen["barnet-spoc"]


def test_is_assessor_follows_a_change_of_assessors_on_the_same_unit(world, cw):
    """unit_get_for_user keeps whether its reader assesses the unit; changing the assessors
    through the service forgets it."""
    unit = selectors.unit_get_for_user(world.manager, cw.barnet.pk)
    assert not selectors.is_assessor(world.manager, unit)
    assert selectors.is_assessor(cw.barnet_assessor, unit)  # another reader: asked afresh
    cycles.unit_assessors_set(actor=world.manager, unit=unit, assessors=[world.manager])
    assert selectors.is_assessor(world.manager, unit)
    # No longer its assessor, and not of the keeping organisation: the return is not theirs.
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.unit_get_for_user(cw.barnet_assessor, cw.barnet.pk)
