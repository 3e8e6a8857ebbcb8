"""Every write to governance bodies, their members, what they oversee, their meetings, agenda
items and decisions. (Commentary and chasing are written by plantrack.packs.)

Who may do what:
- A body is *kept* by its secretaries: site admins (superusers), the user linked to the body's
  chair (Person.user) and users linked to a member whose role contains "secretary". They edit
  the body, its members, meetings and agenda, and record its decisions and sign-offs.
- A new body is created by a site admin, or by a keeper of the body it will report to (a
  board's secretary sets up its groups). Moving a body under another one needs the right to
  keep the new parent too. No body may report to itself, directly or through others.
- What a body oversees is set by the plan's managers: the plan is theirs to place.
- Agenda items and decisions about a plan's things also need the writer to see that plan.
- Decisions are dated no later than today: a sign-off cannot be recorded in advance. Who may
  record a body's decisions may correct or delete them; the history keeps every version.
Writes that change what a plan's pages show move the plan's version through the write helpers
(core/changes.py; what shows where is declared in governance/models.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model

from plantrack.accounts.models import User
from plantrack.core.concurrency import claim
from plantrack.core.services import (
    UNSET,
    apply_fields,
    delete_recorded,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Organisation, Person
from plantrack.governance.models import AgendaItem, Body, BodyMember, Decision, Meeting, Oversight
from plantrack.governance.selectors import (
    SUBJECT_MODELS,
    body_can_manage,
    subject_kind,
    subject_plan_id,
)
from plantrack.plans.models import Plan, Section
from plantrack.plans.selectors import plans_visible_to, today
from plantrack.plans.services import require_manager

KEEPERS_ONLY = "Only the body's chair, its secretary or a site admin can change it."


def require_keeper(actor: User, body: Body) -> None:
    require(body_can_manage(actor, body), KEEPERS_ONLY)


# --- Bodies ---------------------------------------------------------------------------------


@transaction.atomic
def body_create(
    *,
    actor: User,
    name: str,
    short_name: str = UNSET,
    kind: str = UNSET,
    organisation: Organisation | None = UNSET,
    chair: Person | None = UNSET,
    chair_text: str = UNSET,
    terms_of_reference: str = UNSET,
    cadence: str = UNSET,
    reports_to: Body | None = UNSET,
) -> Body:
    fields = supplied(locals(), "actor", "name")
    require(
        actor.is_superuser or bool(reports_to and body_can_manage(actor, reports_to)),
        "Only a site admin, or the chair or secretary of the body it reports to, can add a body.",
    )
    body = Body(name=name.strip())
    apply_fields(body, fields)
    save_validated(body, actor=actor)
    return body


@transaction.atomic
def body_update(
    *,
    actor: User,
    body: Body,
    edit_version: str | None = None,
    name: str = UNSET,
    short_name: str = UNSET,
    kind: str = UNSET,
    organisation: Organisation | None = UNSET,
    chair: Person | None = UNSET,
    chair_text: str = UNSET,
    terms_of_reference: str = UNSET,
    cadence: str = UNSET,
    reports_to: Body | None = UNSET,
) -> Body:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "body", "edit_version")
    require_keeper(actor, body)
    claim(body, edit_version)
    # Compare with the database: a ModelForm may already have changed the instance in memory.
    before = Body.objects.values_list("reports_to_id", flat=True).get(pk=body.pk)
    if reports_to and reports_to.pk != before:
        require(
            body_can_manage(actor, reports_to),
            "Only the chair or secretary of the body it would report to can move it there.",
        )
    if name:
        fields["name"] = name.strip()
    apply_fields(body, fields)
    save_validated(body, actor=actor)
    return body


@transaction.atomic
def body_member_add(*, actor: User, body: Body, person: Person, role: str = "") -> BodyMember:
    """Add a member, or change the role of one already on the body."""
    require_keeper(actor, body)
    member = BodyMember.objects.filter(body=body, person=person).first() or BodyMember(
        body=body, person=person
    )
    member.role = role.strip()
    save_validated(member, actor=actor, exclude=["body", "person"] if member.pk else None)
    return member


@transaction.atomic
def body_member_remove(*, actor: User, body: Body, person: Person) -> None:
    require_keeper(actor, body)
    for member in BodyMember.objects.filter(body=body, person=person):
        delete_recorded(member, actor=actor)


# --- Oversight ------------------------------------------------------------------------------


@transaction.atomic
def oversight_set(
    *,
    actor: User,
    body: Body,
    plan: Plan,
    section: Section | None = None,
    lead: Person | None = None,
    lead_text: str = "",
) -> Oversight:
    """The body oversees the plan, or one of its sections, with this strategic lead. Setting
    it again changes the lead."""
    require_manager(actor, plan)
    if section is not None and section.plan_id != plan.pk:
        raise ValidationError({"section": "That section belongs to another plan."})
    oversight = Oversight.objects.filter(body=body, plan=plan, section=section).first()
    oversight = oversight or Oversight(body=body, plan=plan, section=section)
    oversight.lead, oversight.lead_text = lead, lead_text.strip()
    # The unique constraints are checked by full_clean for a new row; an existing one keeps
    # its body, plan and section.
    save_validated(oversight, actor=actor)
    return oversight


@transaction.atomic
def oversight_remove(*, actor: User, oversight: Oversight) -> None:
    require_manager(actor, oversight.plan)
    delete_recorded(oversight, actor=actor)


# --- Meetings and agenda --------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    body: Body,
    date: dt.date,
    title: str = UNSET,
    location: str = UNSET,
    notes: str = UNSET,
) -> Meeting:
    fields = supplied(locals(), "actor", "body")
    require_keeper(actor, body)
    meeting = Meeting(body=body)
    apply_fields(meeting, fields)
    save_validated(meeting, actor=actor)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    edit_version: str | None = None,
    date: dt.date = UNSET,
    title: str = UNSET,
    location: str = UNSET,
    notes: str = UNSET,
) -> Meeting:
    """Change the fields given; the others keep their values."""
    fields = supplied(locals(), "actor", "meeting", "edit_version")
    require_keeper(actor, meeting.body)
    claim(meeting, edit_version)
    apply_fields(meeting, fields)
    save_validated(meeting, actor=actor)
    return meeting


def subject_values(actor: User, subject: Model | None) -> dict[str, Any]:
    """The subject fields of an agenda item or decision pointing at ``subject`` (a plan,
    section, action, measure or budget line, or None for the body's own business). The one
    place a subject is checked: of a kind a body can decide about, in a plan the actor sees."""
    values: dict[str, Any] = {name: None for name in SUBJECT_MODELS}
    values["subject_plan_id"] = None
    if subject is None:
        return values
    try:
        kind = subject_kind(subject)
    except TypeError as exc:
        raise ValidationError(str(exc)) from None
    if subject.pk is None:
        raise ValidationError("Save the thing before recording anything about it.")
    plan_id = subject_plan_id(subject)
    if not plans_visible_to(actor).filter(pk=plan_id).exists():
        raise ValidationError("You cannot see the plan that is about.")
    values[kind] = subject
    values["subject_plan_id"] = plan_id
    return values


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    meeting: Meeting,
    title: str,
    subject: Model | None = None,
    position: int | None = None,
) -> AgendaItem:
    require_keeper(actor, meeting.body)
    if position is None:
        last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
        position = (last or 0) + 1
    item = AgendaItem(meeting=meeting, title=title.strip(), position=position)
    apply_fields(item, subject_values(actor, subject))
    save_validated(item, actor=actor)
    return item


@transaction.atomic
def agenda_item_remove(*, actor: User, item: AgendaItem) -> None:
    require_keeper(actor, item.meeting.body)
    delete_recorded(item, actor=actor)


# --- Decisions ------------------------------------------------------------------------------


UNSEEN_SUBJECT = "You cannot see the plan that decision is about."


def _fill_decision(
    decision: Decision,
    *,
    actor: User,
    text: str,
    decided_on: dt.date | None,
    kind: str,
    meeting: Meeting | None,
    agenda_item: AgendaItem | None,
    subject: Model | None,
) -> None:
    """Check and set what a decision says, where it was taken and what it is about: the rules
    decision_record and decision_update share. Raises before changing anything it refuses."""
    if agenda_item is not None:
        if meeting is not None and agenda_item.meeting_id != meeting.pk:
            raise ValidationError({"agenda_item": "That item is on another meeting's agenda."})
        meeting = agenda_item.meeting
        if subject is None:
            subject = agenda_item.subject
    if meeting is not None and meeting.body_id != decision.body_id:
        raise ValidationError({"meeting": "That meeting is another body's."})
    if decided_on is None:
        if meeting is None:
            raise ValidationError({"decided_on": "Enter the date of the decision."})
        decided_on = meeting.date
    if decided_on > today():
        raise ValidationError({"decided_on": "The date of a decision cannot be in the future."})
    about = subject_values(actor, subject)
    decision.meeting, decision.agenda_item = meeting, agenda_item
    decision.kind, decision.text, decision.decided_on = kind, (text or "").strip(), decided_on
    apply_fields(decision, about)


def _require_may_change(actor: User, decision: Decision) -> None:
    """Who may record a decision may correct or delete it, if they can see what it is about."""
    require_keeper(actor, decision.body)
    if decision.subject_plan_id is not None:
        require(
            plans_visible_to(actor).filter(pk=decision.subject_plan_id).exists(), UNSEEN_SUBJECT
        )


@transaction.atomic
def decision_record(
    *,
    actor: User,
    body: Body,
    text: str,
    decided_on: dt.date | None = None,
    kind: str = Decision.Kind.DECISION,
    meeting: Meeting | None = None,
    agenda_item: AgendaItem | None = None,
    subject: Model | None = None,
) -> Decision:
    """Record a decision or sign-off of the body, at a meeting or not, about one thing or about
    the body's own business. Against an agenda item, the meeting and (unless given) the
    subject are the item's; the date defaults to the meeting's."""
    require_keeper(actor, body)
    decision = Decision(body=body, recorded_by=actor if actor.is_authenticated else None)
    _fill_decision(
        decision,
        actor=actor,
        text=text,
        decided_on=decided_on,
        kind=kind,
        meeting=meeting,
        agenda_item=agenda_item,
        subject=subject,
    )
    save_validated(decision, actor=actor)
    return decision


@transaction.atomic
def decision_update(
    *,
    actor: User,
    decision: Decision,
    edit_version: str | None = None,
    text: str = UNSET,
    kind: str = UNSET,
    decided_on: dt.date | None = UNSET,
    meeting: Meeting | None = UNSET,
    agenda_item: AgendaItem | None = UNSET,
    subject: Model | None = UNSET,
) -> Decision:
    """Correct a decision's text, type, date, meeting, agenda item or subject, by the same
    rules as decision_record. Fields not given keep their values, except that a different
    agenda item brings its own meeting and, unless a subject is given, its own subject. On a
    refusal nothing changes, in the database or on ``decision``."""
    fields = supplied(locals(), "actor", "decision", "edit_version")
    _require_may_change(actor, decision)
    claim(decision, edit_version)
    agenda_item = fields.get("agenda_item", decision.agenda_item)
    new_item = "agenda_item" in fields and (
        (agenda_item.pk if agenda_item else None) != decision.agenda_item_id
    )
    meeting = fields.get(
        "meeting", None if new_item and agenda_item is not None else decision.meeting
    )
    subject = fields.get("subject", None if new_item else decision.subject)
    try:
        _fill_decision(
            decision,
            actor=actor,
            text=fields.get("text", decision.text),
            decided_on=fields.get("decided_on", decision.decided_on),
            kind=fields.get("kind", decision.kind),
            meeting=meeting,
            agenda_item=agenda_item,
            subject=subject,
        )
        save_validated(decision, actor=actor)
    except ValidationError:
        decision.refresh_from_db()
        raise
    return decision


@transaction.atomic
def decision_delete(*, actor: User, decision: Decision) -> None:
    """Delete a decision recorded in error. Its history keeps what it said and who deleted it."""
    _require_may_change(actor, decision)
    delete_recorded(decision, actor=actor)
