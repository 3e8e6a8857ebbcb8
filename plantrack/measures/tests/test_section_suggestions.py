"""Target phrases in a section's description, offered as measures of the section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_action, make_plan
from plantrack.measures import selectors, services
from plantrack.measures.models import DismissedSuggestion, Measure
from plantrack.plans import services as plan_services

pytestmark = pytest.mark.django_db
D = dt.date

SCOPE = (
    "- Recruitment and training at least 10 volunteers who will facilitate 200 panel "
    "interventions between them in the first year.\n"
    "- Recruit 5 coordinators by June 2004."
)


@pytest.fixture
def described(world):
    """The world's section, with targets in its description."""
    return plan_services.section_update(
        actor=world.manager, section=world.section, description=SCOPE
    )


def _section_rows(world, section):
    return [r for r in selectors.measure_suggestions_for_plan(world.plan) if r.section == section]


def test_section_descriptions_are_offered_after_the_actions(world, described):
    make_action(world.plan, world.manager, title="Recruit 15 volunteers")
    rows = selectors.measure_suggestions_for_plan(world.plan)
    assert [r.action is None for r in rows] == [False, True, True, True]
    section_rows = _section_rows(world, described)
    assert [r.suggestion.target for r in section_rows] == [10, 200, 5]
    assert [r.index for r in section_rows] == [0, 1, 2]
    assert len({r.key for r in rows}) == len(rows)


def test_confirm_makes_a_measure_of_the_section_dated_by_its_actions(world, described):
    rows = _section_rows(world, described)
    measure = services.measure_create_from_section_suggestion(
        actor=world.manager, section=described, suggestion_index=0, phrase=rows[0].suggestion.phrase
    )
    assert measure.section == described and measure.action is None
    assert measure.suggested_from == rows[0].suggestion.phrase
    target = measure.targets.get()
    # No date in the phrase: the latest deadline of the section's actions (March 2004).
    assert (target.value, target.date, target.date_text) == (10, D(2004, 3, 31), "March 2004")
    assert [r.suggestion.target for r in _section_rows(world, described)] == [200, 5]
    with pytest.raises(ValidationError, match="already"):
        services.measure_create_from_section_suggestion(
            actor=world.manager, section=described, suggestion_index=0
        )


def test_a_date_in_the_phrase_wins_and_else_the_plans_end(world, described):
    measure = services.measure_create_from_section_suggestion(
        actor=world.manager, section=described, suggestion_index=2
    )
    assert measure.targets.get().date == D(2004, 6, 30)
    # A section with no dated actions falls back to the plan's end.
    plan = make_plan(world.manager, world.force, period_text="2013/14")
    section = plan_services.section_create(
        actor=world.manager, plan=plan, title="Coaches", description="Recruit 12 coaches."
    )
    measure = services.measure_create_from_section_suggestion(
        actor=world.manager, section=section, suggestion_index=0
    )
    target = measure.targets.get()
    assert (target.date, target.date_text) == (D(2014, 3, 31), "2013/14")


def test_without_any_date_the_measure_has_no_target(world):
    plan = make_plan(world.manager, world.force)
    section = plan_services.section_create(
        actor=world.manager, plan=plan, title="Coaches", description="Recruit 12 coaches."
    )
    measure = services.measure_create_from_section_suggestion(
        actor=world.manager, section=section, suggestion_index=0
    )
    assert not measure.targets.exists()


def test_dismissed_section_suggestions_are_not_offered_again(world, described):
    services.section_suggestion_dismiss(actor=world.manager, section=described, suggestion_index=1)
    dismissed = DismissedSuggestion.objects.get()
    assert dismissed.section == described and dismissed.action is None
    assert [r.suggestion.target for r in _section_rows(world, described)] == [10, 5]
    with pytest.raises(ValidationError, match="already"):
        services.section_suggestion_dismiss(
            actor=world.manager, section=described, suggestion_index=1
        )
    assert not Measure.objects.exists()


def test_a_phrase_settled_on_an_action_does_not_settle_the_section(world, described):
    action = make_action(
        world.plan, world.manager, section=described, title="Recruit 5 coordinators by June 2004."
    )
    services.suggestion_dismiss(actor=world.manager, action=action, suggestion_index=0)
    assert [r.suggestion.target for r in _section_rows(world, described)] == [10, 200, 5]


def test_changed_description_and_other_people_are_refused(world, described):
    with pytest.raises(ValidationError, match="changed"):
        services.measure_create_from_section_suggestion(
            actor=world.manager, section=described, suggestion_index=0, phrase="something else"
        )
    with pytest.raises(ValidationError, match="changed"):
        services.section_suggestion_dismiss(
            actor=world.manager, section=described, suggestion_index=9
        )
    for user in (world.owner, world.viewer, world.outsider):
        with pytest.raises(PermissionDenied):
            services.measure_create_from_section_suggestion(
                actor=user, section=described, suggestion_index=0
            )
        with pytest.raises(PermissionDenied):
            services.section_suggestion_dismiss(actor=user, section=described, suggestion_index=0)
    assert not Measure.objects.exists() and not DismissedSuggestion.objects.exists()


def test_suggestions_stay_at_three_queries_with_many_sections(world, described):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.measure_suggestions_for_plan(world.plan)
        return len(ctx.captured_queries)

    small = count()
    for n in range(10):
        section = plan_services.section_create(
            actor=world.manager, plan=world.plan, title=f"S{n}", description=f"Recruit {n + 2} PCs"
        )
        services.section_suggestion_dismiss(
            actor=world.manager, section=section, suggestion_index=0
        )
        make_action(world.plan, world.manager, section=section, title=f"Train {n + 3} staff")
    assert small == count() == 3


# --- Views ----------------------------------------------------------------------------------


def _post(client, user, name, world, data):
    client.force_login(user)
    return client.post(reverse(f"measures:{name}", args=[world.plan.pk]), data)


def _data(section, index, phrase, **extra):
    return {"section": section.pk, "index": index, "phrase": phrase, **extra}


def test_page_confirm_and_dismiss(client, world, described):
    client.force_login(world.manager)
    url = reverse("measures:suggestions", args=[world.plan.pk])
    body = client.get(url).content.decode()
    phrases = [r.suggestion.phrase for r in _section_rows(world, described)]
    assert all(f"“{phrase}”" in body for phrase in phrases)
    assert f'name="section" value="{described.pk}"' in body
    assert "the latest deadline of the section" in body
    response = _post(
        client,
        world.manager,
        "suggestion_confirm",
        world,
        _data(described, 0, phrases[0], name="NJP volunteers"),
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert (measure.name, measure.section, measure.action) == ("NJP volunteers", described, None)
    response = _post(
        client, world.manager, "suggestion_dismiss", world, _data(described, 1, phrases[1])
    )
    assert response.status_code == 302
    body = client.get(url).content.decode()
    shown = [f"“{phrase}”" in body for phrase in phrases]  # the cards' titles
    assert shown == [False, False, True]
    assert DismissedSuggestion.objects.get().section == described


def test_read_only_user_is_refused(client, world, described):
    phrase = _section_rows(world, described)[0].suggestion.phrase
    for name in ("suggestion_confirm", "suggestion_dismiss"):
        response = _post(client, world.viewer, name, world, _data(described, 0, phrase))
        assert response.status_code == 403
    assert not Measure.objects.exists() and not DismissedSuggestion.objects.exists()


def test_outsider_and_a_section_of_another_plan_get_404(client, world, described):
    phrase = _section_rows(world, described)[0].suggestion.phrase
    response = _post(
        client, world.outsider, "suggestion_confirm", world, _data(described, 0, phrase)
    )
    assert response.status_code == 404
    other = make_plan(world.manager, world.force)
    stray = plan_services.section_create(
        actor=world.manager, plan=other, title="Elsewhere", description="Recruit 12 coaches."
    )
    response = _post(client, world.manager, "suggestion_confirm", world, _data(stray, 0, "x"))
    assert response.status_code == 404
    assert not Measure.objects.exists()


def test_wrong_method_and_a_post_naming_both_or_neither_is_refused(client, world, described):
    client.force_login(world.manager)
    assert (
        client.get(reverse("measures:suggestion_confirm", args=[world.plan.pk])).status_code == 405
    )
    phrase = _section_rows(world, described)[0].suggestion.phrase
    for data in (
        _data(described, 0, phrase, action=world.action.pk),
        {"index": 0, "phrase": phrase},
    ):
        response = _post(client, world.manager, "suggestion_confirm", world, data)
        assert response.status_code == 302
    assert not Measure.objects.exists()


def test_the_page_does_not_query_per_row(client, world, described):
    client.force_login(world.manager)
    url = reverse("measures:suggestions", args=[world.plan.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    count()  # the session and the like, warmed up
    small = count()
    for n in range(10):
        section = plan_services.section_create(
            actor=world.manager, plan=world.plan, title=f"S{n}", description=f"Recruit {n + 2} PCs"
        )
        make_action(world.plan, world.manager, section=section, title=f"Train {n + 3} staff")
    assert len(selectors.measure_suggestions_for_plan(world.plan)) >= 23
    assert count() == small
