"""Every write to measures, targets, readings and benefits goes through these functions.

Reading rules (shown on the forms): a value is a number (commas, a £ sign or a % sign are
allowed and ignored); a count cannot be negative; the date may not be before the measure's
baseline date nor later than tomorrow (readings record what has happened; tomorrow allows
for time zones and late-evening entry).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from plantrack.accounts.models import User
from plantrack.core import changes, fuzzydates
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    delete_recorded,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Person
from plantrack.measures.models import (
    Benefit,
    Direction,
    DismissedSuggestion,
    Measure,
    Reading,
    Target,
    Unit,
)
from plantrack.measures.phrases import (
    MeasureSuggestion,
    action_text,
    section_text,
    suggest_measures,
)
from plantrack.plans.models import Action, Plan, Section
from plantrack.plans.selectors import plan_access, today
from plantrack.plans.services import require_manager

BENEFIT_DATES = {"expected_text": "expected"}  # when the benefit is expected, as written
MAX_UPLOAD_ERRORS = 10
_NUMBER_NOISE = re.compile(r"[,\s£%]")

# A value as typed in a form ("1,250"), sent by the API or read from a cell; parse_value reads it.
type RawValue = Decimal | str | int | float


def can_record(user: User, measure: Measure) -> bool:
    """Managers, and owners of the measure's action (the rule for posting updates)."""
    access = plan_access(user, measure.plan)
    if access.can_manage:
        return True
    return measure.action is not None and access.can_post_update(measure.action)


def require_recorder(user: User, measure: Measure) -> None:
    require(
        can_record(user, measure),
        "Only the plan's managers and the owners of the measure's action can record readings.",
    )


def parse_value(raw: object, *, unit: str, field: str = "value") -> Decimal:
    """A number as typed or read from a spreadsheet cell, or a one-line ValidationError."""
    if isinstance(raw, bool) or raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError({field: "Enter a value."})
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int | float):
        value = Decimal(str(raw))
    else:
        text = _NUMBER_NOISE.sub("", str(raw))
        try:
            parsed: Decimal | None = Decimal(text)
        except InvalidOperation:
            parsed = None
        if parsed is None or not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)", text):
            shown = str(raw).strip()[:40]
            raise ValidationError(
                {field: f"“{shown}” is not a number: enter digits, like 42 or 12.5."}
            )
        value = parsed
    if not value.is_finite():
        raise ValidationError({field: "Enter a real number."})
    if unit == Unit.COUNT and value < 0:
        raise ValidationError({field: "A count cannot be negative."})
    if abs(value) >= Decimal(10) ** 16:
        raise ValidationError({field: "That number is too large."})
    exponent = value.as_tuple().exponent  # a number: the value is finite
    return (
        value.quantize(Decimal("0.0001")) if isinstance(exponent, int) and exponent < -4 else value
    )


def check_reading_date(measure: Measure, day: dt.date | None) -> dt.date:
    """The reading's date, checked."""
    if day is None:
        raise ValidationError({"date": "Enter the date of the reading."})
    if measure.baseline_date and day < measure.baseline_date:
        raise ValidationError(
            {"date": f"The date is before the baseline date ({measure.baseline_date:%d/%m/%Y})."}
        )
    if day > today() + dt.timedelta(days=1):
        raise ValidationError({"date": "The date is in the future: record what has happened."})
    return day


def _check_target(measure: Measure, value: Decimal, day: dt.date | None) -> dt.date:
    """The target's date, checked with its value."""
    if day is None:
        raise ValidationError({"date": "Enter the date the target should be reached by."})
    if measure.baseline_date and day <= measure.baseline_date:
        raise ValidationError({"date": "A target's date must be after the baseline date."})
    base = measure.baseline_value
    if base is not None:
        if measure.direction == Direction.INCREASE and value < base:
            raise ValidationError(
                {"value": "For a measure to increase, the target cannot be below the baseline."}
            )
        if measure.direction == Direction.DECREASE and value > base:
            raise ValidationError(
                {"value": "For a measure to decrease, the target cannot be above the baseline."}
            )
    return day


def _check_links(measure: Measure) -> None:
    if measure.action is not None and measure.action.plan_id != measure.plan_id:
        raise ValidationError({"action": "That action belongs to another plan."})
    if measure.section is not None and measure.section.plan_id != measure.plan_id:
        raise ValidationError({"section": "That section belongs to another plan."})
    if measure.action is not None and measure.section is None:
        measure.section = measure.action.section


# --- Measures and targets -------------------------------------------------------------------


@transaction.atomic
def measure_create(
    *,
    actor: User,
    plan: Plan,
    name: str,
    direction: str,
    targets: Sequence[tuple[RawValue, dt.date, str]] = (),
    suggested_from: str = "",
    description: str = UNSET,
    unit: str = UNSET,
    unit_label: str = UNSET,
    baseline_value: Decimal | None = UNSET,
    baseline_date: dt.date | None = UNSET,
    tolerance_percent: Decimal = UNSET,
    source: str = UNSET,
    owner: Person | None = UNSET,
    section: Section | None = UNSET,
    action: Action | None = UNSET,
) -> Measure:
    """Create a measure with its targets, given as (value, date, date as written)."""
    fields = supplied(locals(), "actor", "plan", "name", "direction", "targets", "suggested_from")
    require_manager(actor, plan)
    measure = Measure(plan=plan, name=name, direction=direction, suggested_from=suggested_from)
    apply_fields(measure, fields)
    _check_links(measure)
    save_validated(measure, actor=actor)
    for value, day, text in targets:
        _target_save(actor, measure, value, day, text)
    return measure


@transaction.atomic
def measure_update(
    *,
    actor: User,
    measure: Measure,
    edit_version: str | None = None,
    name: str = UNSET,
    direction: str = UNSET,
    description: str = UNSET,
    unit: str = UNSET,
    unit_label: str = UNSET,
    baseline_value: Decimal | None = UNSET,
    baseline_date: dt.date | None = UNSET,
    tolerance_percent: Decimal = UNSET,
    source: str = UNSET,
    owner: Person | None = UNSET,
    section: Section | None = UNSET,
    action: Action | None = UNSET,
) -> Measure:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "measure", "edit_version")
    require_manager(actor, measure.plan)
    claim(measure, edit_version)
    apply_fields(measure, fields)
    _check_links(measure)
    save_validated(measure, actor=actor)
    for target in measure.targets.all():
        _check_target(measure, target.value, target.date)
    return measure


def _target_save(
    actor: User, measure: Measure, raw: RawValue, day: dt.date | None, text: str
) -> Target:
    value = parse_value(raw, unit=measure.unit)
    day = _check_target(measure, value, day)
    target = Target(measure=measure, value=value, date=day, date_text=(text or "").strip())
    save_validated(target, actor=actor)
    return target


@transaction.atomic
def target_add(
    *, actor: User, measure: Measure, value: RawValue, date: dt.date, date_text: str = ""
) -> Target:
    require_manager(actor, measure.plan)
    return _target_save(actor, measure, value, date, date_text)


@transaction.atomic
def target_remove(*, actor: User, target: Target) -> None:
    measure = target.measure
    require_manager(actor, measure.plan)
    delete_recorded(target, actor=actor)


# --- Readings -------------------------------------------------------------------------------


def _recorder_name(actor: User) -> str:
    return getattr(actor, "display_name", "") or actor.get_username()


@transaction.atomic
def reading_record(
    *, actor: User, measure: Measure, value: RawValue, date: dt.date | None, note: str = ""
) -> Reading:
    require_recorder(actor, measure)
    number = parse_value(value, unit=measure.unit)
    day = check_reading_date(measure, date)
    reading = Reading(
        measure=measure,
        date=day,
        value=number,
        note=(note or "").strip(),
        recorded_by=actor,
        recorded_by_name=_recorder_name(actor),
    )
    save_validated(reading, actor=actor)
    return reading


@dataclass(frozen=True)
class ReadingRow:
    """One row of an upload: its row number in the file and its cells as read."""

    row: int
    date: object
    value: object
    note: object = ""


def _row_message(error: ValidationError) -> str:
    return "; ".join(m.rstrip(".") for m in error.messages)


def cell_date(value: object) -> dt.date:
    """A date from a cell: a real date, 2023-03-31, 31/03/2023 or 31 Mar 2023."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        raise ValidationError("The date is missing.")
    if _ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            pass
    parsed = fuzzydates.parse(text)
    if parsed.kind is fuzzydates.Kind.ON and parsed.earliest is not None:
        return parsed.earliest
    raise ValidationError(f"“{text[:40]}” is not a date: use 31/03/2023 or 2023-03-31.")


_ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")


def readings_check(
    *, measure: Measure, rows: Sequence[ReadingRow]
) -> list[tuple[dt.date, Decimal, str]]:
    """Each row's date, value and note, checked as saving checks them; ValidationError with
    every bad row named by its number. Writes nothing: the importer's preview asks it too."""
    if not rows:
        raise ValidationError("The file has no readings in it.")
    errors: list[str] = []
    checked: list[tuple[dt.date, Decimal, str]] = []
    for row in rows:
        try:
            day = cell_date(row.date)
            value = parse_value(row.value, unit=measure.unit)
            check_reading_date(measure, day)
            note = "" if row.note is None else str(row.note).strip()
            if len(note) > 500:
                raise ValidationError("The note is longer than 500 characters.")
        except ValidationError as exc:
            errors.append(f"Row {row.row}: {_row_message(exc)}.")
            continue
        checked.append((day, value, note))
    if errors:
        if len(errors) > MAX_UPLOAD_ERRORS:
            hidden = len(errors) - MAX_UPLOAD_ERRORS
            errors = [*errors[:MAX_UPLOAD_ERRORS], f"And {hidden} more rows with problems."]
        raise ValidationError(errors)
    return checked


@transaction.atomic
def readings_import(*, actor: User, measure: Measure, rows: Sequence[ReadingRow]) -> list[Reading]:
    """All rows or none: every bad row is reported in one line naming its row number."""
    require_recorder(actor, measure)
    name = _recorder_name(actor)
    readings = [
        Reading(
            measure=measure,
            date=day,
            value=value,
            note=note,
            recorded_by=actor,
            recorded_by_name=name,
        )
        for day, value, note in readings_check(measure=measure, rows=rows)
    ]
    created: list[Reading] = bulk_create_with_history(readings, Reading, default_user=actor)
    changes.plans_changed([measure.plan_id])  # bulk writes pass no write helper
    return created


# --- Suggested measures ---------------------------------------------------------------------


def _settled_phrases(action: Action) -> set[str]:
    confirmed = Measure.objects.filter(action=action).values_list("suggested_from", flat=True)
    dismissed = DismissedSuggestion.objects.filter(action=action).values_list("phrase", flat=True)
    return set(confirmed) | set(dismissed)


def _suggestion(action: Action, index: int, phrase: str) -> MeasureSuggestion:
    suggestions = suggest_measures(action_text(action))
    if not 0 <= index < len(suggestions) or (phrase and suggestions[index].phrase != phrase):
        raise ValidationError("The action's text has changed since the list was shown: look again.")
    suggestion = suggestions[index]
    if suggestion.phrase in _settled_phrases(action):
        raise ValidationError("That suggestion has already been confirmed or dismissed.")
    return suggestion


@transaction.atomic
def measure_create_from_suggestion(
    *, actor: User, action: Action, suggestion_index: int, phrase: str = "", name: str = ""
) -> Measure:
    """Create the measure a phrase of the action's text asks for, once a manager confirms it.

    The target date is the one written in the phrase, else the action's deadline, else the
    plan's end; with none of those the measure starts without a target.
    """
    require_manager(actor, action.plan)
    s = _suggestion(action, suggestion_index, phrase)
    day = s.target_date or action.due_latest or action.plan.period_latest
    date_text = s.target_date_text if s.target_date else (action.due_text if day else "")
    return _measure_from(
        actor, s, "the action's text", day, date_text, name, plan=action.plan, action=action
    )


def _measure_from(
    actor: User,
    s: MeasureSuggestion,
    source: str,
    day: dt.date | None,
    date_text: str,
    name: str,
    *,
    plan: Plan,
    action: Action | None = UNSET,
    section: Section | None = UNSET,
) -> Measure:
    """The measure a confirmed suggestion asks for, on an action or a section."""
    description = s.note + (" " if s.note else "") + f"From {source}: “{s.phrase}”."
    return measure_create(
        actor=actor,
        name=(name or s.name).strip()[:200],
        direction=s.direction,
        unit=s.unit,
        unit_label=s.unit_label,
        baseline_value=s.baseline,
        description=description,
        targets=[(s.target, day, date_text)] if day else [],
        suggested_from=s.phrase,
        plan=plan,
        action=action,
        section=section,
    )


@transaction.atomic
def suggestion_dismiss(
    *, actor: User, action: Action, suggestion_index: int, phrase: str = ""
) -> DismissedSuggestion:
    require_manager(actor, action.plan)
    s = _suggestion(action, suggestion_index, phrase)
    dismissed = DismissedSuggestion(action=action, phrase=s.phrase, dismissed_by=actor)
    save_validated(dismissed, actor=actor)
    return dismissed


# --- Suggested measures from a section's description ----------------------------------------
# A plan's narrative often sets an initiative's targets ("recruit at least 10 volunteers who
# will facilitate 200 panel interventions"); the importer keeps it as the section's
# description, and its target phrases are offered like an action's, as measures of the
# section (action None).


def _section_settled_phrases(section: Section) -> set[str]:
    confirmed = Measure.objects.filter(section=section, action=None).values_list(
        "suggested_from", flat=True
    )
    dismissed = DismissedSuggestion.objects.filter(section=section, action=None).values_list(
        "phrase", flat=True
    )
    return set(confirmed) | set(dismissed)


def _section_suggestion(section: Section, index: int, phrase: str) -> MeasureSuggestion:
    suggestions = suggest_measures(section_text(section))
    if not 0 <= index < len(suggestions) or (phrase and suggestions[index].phrase != phrase):
        raise ValidationError(
            "The section's description has changed since the list was shown: look again."
        )
    suggestion = suggestions[index]
    if suggestion.phrase in _section_settled_phrases(section):
        raise ValidationError("That suggestion has already been confirmed or dismissed.")
    return suggestion


def section_target_date(section: Section) -> tuple[dt.date | None, str]:
    """The date a section's target falls back to when its phrase gives none: the latest
    deadline of the section's actions (with that action's deadline as written), else the
    plan's end (with the plan's period as written); (None, "") with neither."""
    latest = (
        Action.objects.filter(section=section, due_latest__isnull=False)
        .order_by("-due_latest", "-id")
        .values_list("due_latest", "due_text")
        .first()
    )
    if latest is not None:
        return latest
    plan = section.plan
    return plan.period_latest, (plan.period_text if plan.period_latest else "")


@transaction.atomic
def measure_create_from_section_suggestion(
    *, actor: User, section: Section, suggestion_index: int, phrase: str = "", name: str = ""
) -> Measure:
    """Create the measure a phrase of the section's description asks for, once a manager
    confirms it: a measure of the section, with no action.

    The target date is the one written in the phrase, else the latest deadline of the
    section's actions, else the plan's end; with none of those the measure starts without a
    target.
    """
    require_manager(actor, section.plan)
    s = _section_suggestion(section, suggestion_index, phrase)
    day: dt.date | None
    if s.target_date:
        day, date_text = s.target_date, s.target_date_text
    else:
        day, date_text = section_target_date(section)
    return _measure_from(
        actor,
        s,
        "the section's description",
        day,
        date_text,
        name,
        plan=section.plan,
        section=section,
    )


@transaction.atomic
def section_suggestion_dismiss(
    *, actor: User, section: Section, suggestion_index: int, phrase: str = ""
) -> DismissedSuggestion:
    require_manager(actor, section.plan)
    s = _section_suggestion(section, suggestion_index, phrase)
    dismissed = DismissedSuggestion(section=section, phrase=s.phrase, dismissed_by=actor)
    save_validated(dismissed, actor=actor)
    return dismissed


# --- Benefits -------------------------------------------------------------------------------


def _check_benefit(benefit: Benefit) -> None:
    if benefit.section is not None and benefit.section.plan_id != benefit.plan_id:
        raise ValidationError({"section": "That initiative belongs to another plan."})
    if benefit.measure is not None and benefit.measure.plan_id != benefit.plan_id:
        raise ValidationError({"measure": "That measure belongs to another plan."})


@transaction.atomic
def benefit_create(
    *,
    actor: User,
    plan: Plan,
    title: str,
    expected_text: str = "",
    kind: str = UNSET,
    section: Section | None = UNSET,
    measure: Measure | None = UNSET,
    expected_value: Decimal | None = UNSET,
    realised_value: Decimal | None = UNSET,
    realised_on: dt.date | None = UNSET,
    notes: str = UNSET,
    owner: Person | None = UNSET,
) -> Benefit:
    fields = supplied(locals(), "actor", "plan", "title")
    require_manager(actor, plan)
    benefit = Benefit(plan=plan, title=title)
    apply_fields(benefit, fields, fuzzy_dates=BENEFIT_DATES)
    _check_benefit(benefit)
    save_validated(benefit, actor=actor)
    return benefit


@transaction.atomic
def benefit_update(
    *,
    actor: User,
    benefit: Benefit,
    edit_version: str | None = None,
    title: str = UNSET,
    expected_text: str = UNSET,
    kind: str = UNSET,
    section: Section | None = UNSET,
    measure: Measure | None = UNSET,
    expected_value: Decimal | None = UNSET,
    realised_value: Decimal | None = UNSET,
    realised_on: dt.date | None = UNSET,
    notes: str = UNSET,
    owner: Person | None = UNSET,
) -> Benefit:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "benefit", "edit_version")
    require_manager(actor, benefit.plan)
    claim(benefit, edit_version)
    apply_fields(benefit, fields, fuzzy_dates=BENEFIT_DATES)
    _check_benefit(benefit)
    save_validated(benefit, actor=actor)
    return benefit


@transaction.atomic
def benefit_record_realised(
    *,
    actor: User,
    benefit: Benefit,
    realised_value: RawValue,
    realised_on: dt.date | None = None,
    notes: str | None = None,
) -> Benefit:
    require_manager(actor, benefit.plan)
    benefit.realised_value = parse_value(realised_value, unit=Unit.CURRENCY, field="realised_value")
    benefit.realised_on = realised_on or today()
    if benefit.realised_on > today() + dt.timedelta(days=1):
        raise ValidationError({"realised_on": "The date is in the future."})
    if notes is not None:
        benefit.notes = notes
    save_validated(benefit, actor=actor)
    return benefit
