"""Every write to assessment cycles: sending a published framework to units, their answers,
the review of each answer and the closing of the cycle (services; the reads are in
selectors.py).

The steps, and who takes them:
- The framework's keepers send it to units (organisations, each with its area where there is
  one) with an opening and a due date, name the cycle's reviewers and each unit's assessors,
  and close the cycle.
- A unit's assessors answer every item (a level, or "not applicable" with a reason; a comment;
  evidence through the evidence app), save drafts as they go, and submit. An item that
  requires evidence cannot be submitted as in place without it.
- A reviewer accepts or challenges each submitted answer with a comment; the unit replies or
  revises the challenged ones and submits again; once every answer is accepted the reviewer
  finalises the unit's return.
- A closed cycle is frozen: nothing in it changes again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.assessments.models import (
    IN_PLACE,
    OPEN_RETURNS,
    Answer,
    Cycle,
    Framework,
    ImprovementPlan,
    Item,
    ReviewNote,
    Unit,
)
from plantrack.assessments.selectors import (
    can_edit_framework,
    can_review,
    evidence_count,
    is_assessor,
)
from plantrack.core.services import require, save_validated
from plantrack.directory.models import Area, Organisation, Person
from plantrack.plans import services as plan_services
from plantrack.plans.models import Action, Plan
from plantrack.plans.selectors import plan_access

KEEPERS_ONLY = "Only the framework's keepers run its cycles."
ASSESSORS_ONLY = "Only the unit's assessors answer for it."
REVIEWERS_ONLY = "Only the cycle's reviewers review its answers."
FROZEN = "This cycle is closed: its answers are frozen."


def _save(instance: Cycle | Unit | Answer | ReviewNote, *, actor: User) -> None:
    """save_validated, moving the version of the cycle the row belongs to (Cycle.version):
    every write to a cycle in this module goes through here."""
    if isinstance(instance, Cycle) and instance.pk:
        # Saving writes every column: take the version as it is now, never an older one
        # (a key already used would show an older heat map).
        fresh = Cycle.objects.select_for_update().values_list("version", flat=True)
        instance.version = fresh.get(pk=instance.pk)
    if isinstance(instance, Answer):
        # An answer's unit and item are set once, by answer_save, which holds the unit
        # locked, has checked the item, and read the item's one answer under that lock: the
        # checks that they exist and that the answer is the item's only one would be three
        # more queries for nothing.
        save_validated(instance, actor=actor, exclude=["unit", "item"])
    else:
        save_validated(instance, actor=actor)
    if isinstance(instance, Cycle):
        cycle_id = instance.pk
    elif isinstance(instance, Unit):
        cycle_id = instance.cycle_id
    elif isinstance(instance, Answer):
        cycle_id = instance.unit.cycle_id
    else:
        cycle_id = instance.answer.unit.cycle_id
    Cycle.objects.filter(pk=cycle_id).update(version=F("version") + 1)


def _locked(unit: Unit) -> Unit:
    """The unit as it is now, its row locked for the rest of the transaction (PostgreSQL; SQLite
    serialises writers anyway): two people acting on one return at once take turns, and each
    sees where the other left it."""
    fresh = Unit.objects.select_for_update().get(pk=unit.pk)
    unit.status, unit.submitted_at, unit.finalised_at = (
        fresh.status,
        fresh.submitted_at,
        fresh.finalised_at,
    )
    return unit


def _require_reviewer(actor: User, unit: Unit) -> None:
    require(can_review(actor, unit.cycle), REVIEWERS_ONLY)
    require(not is_assessor(actor, unit), "Nobody reviews their own return.")


def _require_open(cycle: Cycle) -> None:
    if not cycle.is_open:
        raise ValidationError(FROZEN)


# --- Sending a framework --------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *,
    actor: User,
    framework: Framework,
    title: str,
    opens_on: dt.date,
    due_on: dt.date,
    units: Iterable[Organisation],
    reviewers: Iterable[User] = (),
) -> Cycle:
    require(can_edit_framework(actor, framework), KEEPERS_ONLY)
    if framework.status != Framework.Status.PUBLISHED:
        raise ValidationError("Only a published framework can be sent to units.")
    if due_on < opens_on:
        raise ValidationError({"due_on": "The due date is before the opening date."})
    organisations = list(units)
    if not organisations:
        raise ValidationError({"units": "Choose at least one unit to send it to."})
    cycle = Cycle(framework=framework, title=title.strip(), opens_on=opens_on, due_on=due_on)
    _save(cycle, actor=actor)
    cycle.reviewers.set(list(reviewers))
    areas = _areas_of(organisations)
    for organisation in organisations:
        unit = Unit(cycle=cycle, organisation=organisation, area=areas.get(organisation.pk))
        _save(unit, actor=actor)
    return cycle


def _areas_of(organisations: list[Organisation]) -> dict[int, Area]:
    """A unit's area: the one its organisation keeps, where there is exactly one."""
    found: dict[int, list[Area]] = {}
    for area in Area.objects.filter(organisation__in=organisations):
        found.setdefault(area.organisation_id, []).append(area)  # type: ignore[arg-type]
    return {pk: areas[0] for pk, areas in found.items() if len(areas) == 1}


@transaction.atomic
def cycle_reviewers_set(*, actor: User, cycle: Cycle, reviewers: Iterable[User]) -> Cycle:
    require(can_edit_framework(actor, cycle.framework), KEEPERS_ONLY)
    _require_open(cycle)
    cycle.reviewers.set(list(reviewers))
    _save(cycle, actor=actor)
    return cycle


@transaction.atomic
def unit_assessors_set(*, actor: User, unit: Unit, assessors: Iterable[User]) -> Unit:
    require(can_edit_framework(actor, unit.cycle.framework), KEEPERS_ONLY)
    _require_open(unit.cycle)
    unit.assessors.set(list(assessors))
    vars(unit).pop("_assessor", None)  # what is_assessor knew of the reader (selectors)
    _save(unit, actor=actor)
    return unit


@transaction.atomic
def cycle_close(*, actor: User, cycle: Cycle) -> Cycle:
    require(can_edit_framework(actor, cycle.framework), KEEPERS_ONLY)
    _require_open(cycle)
    cycle.status = Cycle.Status.CLOSED
    cycle.closed_at = timezone.now()
    _save(cycle, actor=actor)
    return cycle


# --- Answering ------------------------------------------------------------------------------


def _require_answering(actor: User, unit: Unit) -> None:
    require(is_assessor(actor, unit), ASSESSORS_ONLY)
    _require_open(unit.cycle)
    if unit.status not in OPEN_RETURNS:
        raise ValidationError(
            "This return is submitted: it can change again only if a reviewer challenges it."
        )


@transaction.atomic
def answer_save(
    *, actor: User, unit: Unit, item: Item, level: str, reason: str = "", comment: str = ""
) -> Answer:
    """Record (or change) the unit's answer to an item, as a draft until the unit submits."""
    _require_answering(actor, _locked(unit))
    if item.framework_id != unit.cycle.framework_id:
        raise ValidationError("That item is not in this cycle's framework.")
    if level == Answer.Level.NOT_APPLICABLE and not reason.strip():
        raise ValidationError({"reason": "Say why it does not apply."})
    # One row: no join for the default order.
    answer = Answer.objects.filter(unit=unit, item=item).order_by().first()
    if answer is None:
        answer = Answer(unit=unit, item=item)
    answer.unit, answer.item = unit, item  # held (the unit locked): not read again
    before = (answer.level, answer.reason, answer.comment)
    answer.level, answer.comment = level, comment.strip()
    answer.reason = reason.strip() if level == Answer.Level.NOT_APPLICABLE else ""
    if answer.review == Answer.Review.CHALLENGED:
        answer.review = Answer.Review.REPLIED  # revised in answer to the challenge
    elif answer.review == Answer.Review.ACCEPTED and before != (
        answer.level,
        answer.reason,
        answer.comment,
    ):
        answer.review = Answer.Review.PENDING  # what was accepted changed: review it again
    _save(answer, actor=actor)
    if unit.status == Unit.Status.NOT_STARTED:
        unit.status = Unit.Status.DRAFT
        _save(unit, actor=actor)
    return answer


@dataclass
class AnswerInput:
    item: Item
    level: str
    reason: str = ""
    comment: str = ""


@transaction.atomic
def unit_return_save(
    *, actor: User, unit: Unit, answers: Iterable[AnswerInput], submit: bool = False
) -> Unit:
    """Save the answers given (a page of the return) and, with ``submit``, submit the return:
    all of it or, if anything is refused, none of it."""
    for given in answers:
        answer_save(
            actor=actor,
            unit=unit,
            item=given.item,
            level=given.level,
            reason=given.reason,
            comment=given.comment,
        )
    if submit:
        unit_submit(actor=actor, unit=unit)
    return unit


@transaction.atomic
def answer_reply(*, actor: User, answer: Answer, text: str) -> ReviewNote:
    """The unit's reply to a challenge (with or without revising the answer)."""
    unit = answer.unit
    require(is_assessor(actor, unit), ASSESSORS_ONLY)
    _require_open(unit.cycle)
    if answer.review not in (Answer.Review.CHALLENGED, Answer.Review.REPLIED):
        raise ValidationError("Only a challenged answer is replied to.")
    if not text.strip():
        raise ValidationError({"text": "Write the reply."})
    note = ReviewNote(answer=answer, author=actor, kind=ReviewNote.Kind.REPLY, text=text.strip())
    _save(note, actor=actor)
    answer.review = Answer.Review.REPLIED
    _save(answer, actor=actor)
    return note


@transaction.atomic
def unit_submit(*, actor: User, unit: Unit) -> Unit:
    """Submit the return: every item answered, every claim that needs evidence carrying it,
    every challenge replied to. Refused with the first item that is not."""
    require(is_assessor(actor, unit), ASSESSORS_ONLY)
    _require_open(unit.cycle)
    _locked(unit)
    if unit.status not in (Unit.Status.DRAFT, Unit.Status.CHALLENGED):
        raise ValidationError("Only a return in draft, or challenged, is submitted.")
    answers = {a.item_id: a for a in unit.answers.all()}
    items = list(unit.cycle.framework.items.order_by("position", "id"))
    evidenced = evidence_count(list(answers.values()))
    for number, item in enumerate(items, start=1):
        answer = answers.get(item.pk)
        if answer is None:
            raise ValidationError(f"Item {number} is not answered: “{item.text[:80]}”.")
        if item.evidence_required and answer.level in IN_PLACE and not evidenced.get(answer.pk):
            raise ValidationError(
                f"Item {number} needs evidence to be {answer.get_level_display().lower()}: "
                f"“{item.text[:80]}”."
            )
        if answer.review == Answer.Review.CHALLENGED:
            raise ValidationError(f"Item {number} is challenged: reply or revise it first.")
    unit.status = Unit.Status.SUBMITTED
    unit.submitted_at = timezone.now()
    _save(unit, actor=actor)
    return unit


# --- Review ---------------------------------------------------------------------------------


@transaction.atomic
def answer_review(*, actor: User, answer: Answer, decision: str, text: str = "") -> ReviewNote:
    """Accept or challenge a submitted answer. A challenge sends the return back to the unit."""
    unit = answer.unit
    _require_reviewer(actor, unit)
    _require_open(unit.cycle)
    _locked(unit)
    if unit.status != Unit.Status.SUBMITTED:
        raise ValidationError("Answers are reviewed once the unit has submitted them.")
    if decision not in (ReviewNote.Kind.ACCEPT, ReviewNote.Kind.CHALLENGE):
        raise ValidationError("Accept or challenge the answer.")
    if decision == ReviewNote.Kind.CHALLENGE and not text.strip():
        raise ValidationError({"text": "Say what is challenged."})
    note = ReviewNote(answer=answer, author=actor, kind=decision, text=text.strip())
    _save(note, actor=actor)
    accepted = decision == ReviewNote.Kind.ACCEPT
    answer.review = Answer.Review.ACCEPTED if accepted else Answer.Review.CHALLENGED
    _save(answer, actor=actor)
    if not accepted:
        unit.status = Unit.Status.CHALLENGED
        _save(unit, actor=actor)
    return note


@transaction.atomic
def unit_accept_rest(*, actor: User, unit: Unit) -> int:
    """Accept every answer of a submitted return not yet reviewed (or replied to); returns how
    many. Challenges stand until a reviewer accepts them one by one."""
    _require_reviewer(actor, unit)
    accepted = 0
    for answer in unit.answers.exclude(
        review__in=(Answer.Review.ACCEPTED, Answer.Review.CHALLENGED)
    ):
        answer_review(actor=actor, answer=answer, decision=ReviewNote.Kind.ACCEPT)
        accepted += 1
    return accepted


@transaction.atomic
def unit_finalise(*, actor: User, unit: Unit) -> Unit:
    _require_reviewer(actor, unit)
    _require_open(unit.cycle)
    _locked(unit)
    if unit.status != Unit.Status.SUBMITTED:
        raise ValidationError("Only a submitted return is finalised.")
    waiting = unit.answers.exclude(review=Answer.Review.ACCEPTED).count()
    if waiting:
        raise ValidationError(f"{waiting} answer{'s' * (waiting > 1)} still to accept.")
    unit.status = Unit.Status.FINAL
    unit.finalised_at = timezone.now()
    _save(unit, actor=actor)
    return unit


# --- Chasing ---------------------------------------------------------------------------------


@transaction.atomic
def unit_chase(*, actor: User, unit: Unit) -> list[str]:
    """Email the unit's assessors that its return is still to submit (overdue or due), with
    the link, and record when; returns the addresses written to. The email goes once the
    transaction commits."""
    cycle = unit.cycle
    require(can_edit_framework(actor, cycle.framework), KEEPERS_ONLY)
    _require_open(cycle)
    if unit.status not in OPEN_RETURNS:
        raise ValidationError(f"{unit}'s return is submitted: there is nothing to chase.")
    addresses = sorted(
        {user.email for user in unit.assessors.all() if user.is_active and user.email}
    )
    if not addresses:
        raise ValidationError(
            f"{unit} has no assessor with an email address: name one on the cycle's page."
        )
    unit.chased_at = timezone.now()
    _save(unit, actor=actor)
    overdue = cycle.due_on < timezone.localdate()
    when = "was due" if overdue else "is due"
    link = settings.PLANTRACK_BASE_URL + reverse("assessments:unit", args=[unit.pk])
    answered = unit.answers.count()
    items = cycle.framework.items.count()
    body = "\n".join(
        [
            "Hello,",
            "",
            f"{actor.display_name} reminds you that {unit}'s return for {cycle.title} "
            f"({cycle.framework.title}) {when} on {cycle.due_on:%-d %B %Y}. "
            f"{answered} of {items} items are answered; it is "
            f"{unit.get_status_display().lower()}.",
            "",
            link,
            "",
            "PlanTrack",
        ]
    )
    subject = f"{'Overdue' if overdue else 'Due'}: {unit}'s return for {cycle.title}"
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses))
    return addresses


# --- Gaps into actions ----------------------------------------------------------------------


@transaction.atomic
def gap_to_action(
    *,
    actor: User,
    answer: Answer,
    owner: Person | None = None,
    due_text: str = "",
    help_offered: str = "",
) -> Action:
    """Turn an answer below "in place" into an action of the unit's improvement plan (made the
    first time, the unit's assessors and the person making it its managers), linked back to
    the item, with the central team's offer of help written on it."""
    unit = answer.unit
    cycle = unit.cycle
    require(
        is_assessor(actor, unit) or can_edit_framework(actor, cycle.framework),
        "Only the unit's assessors and the framework's keepers turn its gaps into actions.",
    )
    if not answer.is_gap:
        raise ValidationError("Only an answer below “in place” is a gap to act on.")
    # Locked and read again: two clicks make one action.
    answer.action_id = Answer.objects.select_for_update().get(pk=answer.pk).action_id
    if answer.action_id is not None:
        raise ValidationError("This gap is already an action.")
    plan = _improvement_plan(actor, unit)
    require(
        plan_access(actor, plan).can_manage,
        f"Ask a manager of “{plan.title}” to add you as a manager first.",
    )
    item = answer.item
    number = list(cycle.framework.items.order_by("position", "id")).index(item) + 1
    text = item.text if len(item.text) <= 1000 else item.text[:999] + "…"
    description = (
        f"A gap found in {cycle.title} ({cycle.framework}), item {number}: “{text}”, "
        f"answered {answer.get_level_display().lower()}."
    )
    if help_offered.strip():
        description += f"\n\nHelp offered by {cycle.framework.organisation}: {help_offered.strip()}"
    action = plan_services.action_create(
        actor=actor,
        plan=plan,
        title=item.text[:300],
        ref=f"{cycle.framework.title[:12].strip()} {number}",
        description=description,
        due_text=due_text,
        owners=[owner] if owner is not None else [],
    )
    answer.action = action
    _save(answer, actor=actor)
    return action


def _improvement_plan(actor: User, unit: Unit) -> Plan:
    found = ImprovementPlan.objects.filter(organisation=unit.organisation).select_related("plan")
    if found.exists():
        return found.get().plan
    plan = plan_services.plan_create(
        actor=actor,
        title=f"{unit.organisation.name} improvement plan",
        owner_organisation=unit.organisation,
        summary="The gaps found by good-practice self-assessments, each an action.",
    )
    for assessor in unit.assessors.exclude(pk=actor.pk):
        plan_services.plan_role_set(actor=actor, plan=plan, user=assessor, role="manager")
    save_validated(ImprovementPlan(organisation=unit.organisation, plan=plan), actor=actor)
    return plan
