from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from plantrack.core.tests.factories import make_action
from plantrack.measures import selectors, services
from plantrack.measures.models import Benefit, DismissedSuggestion, Measure, Reading, Target
from plantrack.plans.models import Action, Plan
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db
D = dt.date


def _version(plan) -> int:
    return Plan.objects.get(pk=plan.pk).version


def test_create_records_history_and_bumps_the_plan(world, measure):
    assert measure.section == world.section  # taken from the action
    assert measure.targets.get().value == 100
    assert Measure.history.filter(id=measure.pk).first().history_user == world.manager
    assert Target.history.filter(measure_id=measure.pk).exists()
    before = _version(world.plan)
    services.reading_record(actor=world.owner, measure=measure, value="12", date=D(2024, 2, 1))
    assert _version(world.plan) == before + 1


def test_only_managers_create_measures(world):
    with pytest.raises(PermissionDenied):
        services.measure_create(actor=world.owner, plan=world.plan, name="X", direction="increase")


def test_action_of_another_plan_is_refused(world):
    from plantrack.core.tests.factories import make_plan

    other = make_plan(world.manager, world.force)
    stray = make_action(other, world.manager)
    with pytest.raises(ValidationError):
        services.measure_create(
            actor=world.manager, plan=world.plan, name="X", direction="increase", action=stray
        )


def test_target_below_baseline_is_refused_for_an_increase(world, measure):
    services.measure_update(actor=world.manager, measure=measure, baseline_value=Decimal(50))
    with pytest.raises(ValidationError, match="below the baseline"):
        services.target_add(actor=world.manager, measure=measure, value="20", date=D(2025, 6, 1))
    with pytest.raises(ValidationError, match="below the baseline"):  # the existing target too
        services.measure_update(actor=world.manager, measure=measure, baseline_value=Decimal(500))
    with pytest.raises(ValidationError, match="after the baseline"):
        services.target_add(actor=world.manager, measure=measure, value="5", date=D(2023, 6, 1))


@pytest.mark.parametrize(
    ("value", "day", "message"),
    [
        ("abc", D(2024, 2, 1), "not a number"),
        ("12,5x", D(2024, 2, 1), "not a number"),
        ("", D(2024, 2, 1), "Enter a value"),
        ("-3", D(2024, 2, 1), "cannot be negative"),
        ("5", D(2023, 12, 31), "before the baseline"),
        ("5", None, "Enter the date"),
    ],
)
def test_bad_readings_are_refused_and_nothing_saved(world, measure, value, day, message):
    with pytest.raises(ValidationError, match=message):
        services.reading_record(actor=world.manager, measure=measure, value=value, date=day)
    assert not Reading.objects.exists()


def test_future_readings_are_refused_but_tomorrow_is_allowed(world, measure):
    tomorrow = today() + dt.timedelta(days=1)
    services.reading_record(actor=world.manager, measure=measure, value="1", date=tomorrow)
    with pytest.raises(ValidationError, match="future"):
        services.reading_record(
            actor=world.manager, measure=measure, value="1", date=tomorrow + dt.timedelta(days=1)
        )


def test_values_are_decimals_and_allow_commas_and_signs(world, measure):
    reading = services.reading_record(
        actor=world.owner, measure=measure, value="1,234.5", date=D(2024, 3, 1), note=" ok "
    )
    assert reading.value == Decimal("1234.5") and reading.note == "ok"
    assert reading.recorded_by == world.owner
    assert services.parse_value("£1,000.25", unit="currency") == Decimal("1000.25")
    assert services.parse_value("-2.5", unit="rate") == Decimal("-2.5")


def test_viewer_and_owners_of_other_actions_cannot_record(world, measure):
    with pytest.raises(PermissionDenied):
        services.reading_record(actor=world.viewer, measure=measure, value="1", date=D(2024, 2, 1))
    other = services.measure_create(
        actor=world.manager,
        plan=world.plan,
        name="Other",
        direction="increase",
        action=world.other_action,
    )
    with pytest.raises(PermissionDenied):
        services.reading_record(actor=world.owner, measure=other, value="1", date=D(2024, 2, 1))


def test_judgement_and_summary(world, measure):
    assert selectors.measures_summary(world.plan)["no_data"] == 1
    services.reading_record(actor=world.owner, measure=measure, value="100", date=D(2024, 7, 1))
    summary = selectors.measures_summary(world.plan)
    assert summary["on_track"] == 1 and summary["total"] == 1
    (row,) = selectors.measures_for_plan(world.plan)
    assert row.latest.value == 100 and row.next_target.value == 100


def test_suggested_rag_only_when_the_plan_asks_and_never_overwrites(world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="5", date=D(2024, 7, 1))
    action = Action.objects.select_related("plan").get(pk=world.action.pk)
    assert selectors.suggested_rag_for_action(action) is None
    Plan.objects.filter(pk=world.plan.pk).update(measures_suggest_rag=True)
    Action.objects.filter(pk=world.action.pk).update(rag="green")
    action = Action.objects.select_related("plan").get(pk=world.action.pk)
    rag, reason = selectors.suggested_rag_for_action(action)
    assert rag == "red" and "Volunteers recruited" in reason and "off track" in reason
    assert Action.objects.get(pk=world.action.pk).rag == "green"


def test_chart_svg_for_a_measure(world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="30", date=D(2024, 5, 1))
    svg = selectors.measure_chart_svg(selectors.measure_get_for_user(world.viewer, measure.pk))
    assert svg.startswith("<svg") and "Volunteers recruited" in svg and "stroke-dasharray" in svg


def test_history_shows_measure_target_and_reading(world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="30", date=D(2024, 5, 1))
    services.measure_update(actor=world.manager, measure=measure, name="Volunteers")
    whats = [e.what for e in selectors.measure_history(measure)]
    assert "Measure" in whats
    assert any(w.startswith("Target 100") for w in whats)
    assert any(w.startswith("Reading 30") for w in whats)


# --- Suggestions ----------------------------------------------------------------------------


def _action_with_targets(world):
    return make_action(
        world.plan,
        world.manager,
        title="Recruit 25 patrol support PSVs and 15 Charter support volunteers",
        due_text="Dec 22",
    )


def test_confirm_creates_the_measure_and_it_is_not_offered_again(world):
    action = _action_with_targets(world)
    rows = [r for r in selectors.measure_suggestions_for_plan(world.plan) if r.action == action]
    assert [r.suggestion.target for r in rows] == [25, 15]
    measure = services.measure_create_from_suggestion(
        actor=world.manager, action=action, suggestion_index=1, phrase=rows[1].suggestion.phrase
    )
    assert measure.name == "Charter support volunteers" and measure.action == action
    target = measure.targets.get()
    assert target.value == 15 and target.date == D(2022, 12, 31)  # the action's deadline
    left = [r for r in selectors.measure_suggestions_for_plan(world.plan) if r.action == action]
    assert [r.suggestion.target for r in left] == [25]
    with pytest.raises(ValidationError, match="already"):
        services.measure_create_from_suggestion(
            actor=world.manager, action=action, suggestion_index=1
        )


def test_dismissed_suggestions_are_not_offered_again(world):
    action = _action_with_targets(world)
    services.suggestion_dismiss(actor=world.manager, action=action, suggestion_index=0)
    assert DismissedSuggestion.objects.count() == 1
    left = [r for r in selectors.measure_suggestions_for_plan(world.plan) if r.action == action]
    assert [r.suggestion.target for r in left] == [15]
    assert not Measure.objects.exists()


def test_changed_text_is_detected(world):
    action = _action_with_targets(world)
    with pytest.raises(ValidationError, match="changed"):
        services.measure_create_from_suggestion(
            actor=world.manager, action=action, suggestion_index=0, phrase="something else"
        )
    with pytest.raises(ValidationError, match="changed"):
        services.measure_create_from_suggestion(
            actor=world.manager, action=action, suggestion_index=9
        )


def test_only_managers_confirm_suggestions(world):
    action = _action_with_targets(world)
    with pytest.raises(PermissionDenied):
        services.measure_create_from_suggestion(
            actor=world.owner, action=action, suggestion_index=0
        )


# --- Benefits -------------------------------------------------------------------------------


def test_benefits_and_totals(world, measure):
    services.benefit_create(
        actor=world.manager,
        plan=world.plan,
        title="Fewer court days",
        kind="financial",
        expected_value=Decimal("15000.50"),
        expected_text="2014/15",
        measure=measure,
    )
    b2 = services.benefit_create(
        actor=world.manager,
        plan=world.plan,
        title="Savings",
        kind="financial",
        expected_value=Decimal("1000"),
    )
    services.benefit_create(
        actor=world.manager,
        plan=world.plan,
        title="Trust",
        kind="non_financial",
        expected_value=Decimal("99"),
    )
    services.benefit_record_realised(actor=world.manager, benefit=b2, realised_value="£750")
    totals = selectors.benefit_totals(world.plan)
    assert totals == {"count": 3, "expected": Decimal("16000.50"), "realised": Decimal("750")}
    benefit = Benefit.objects.get(title="Fewer court days")
    assert benefit.expected_latest == D(2015, 3, 31)
    with pytest.raises(PermissionDenied):
        services.benefit_update(actor=world.viewer, benefit=benefit, title="x")
    with pytest.raises(ValidationError):
        services.benefit_record_realised(actor=world.manager, benefit=b2, realised_value="lots")
