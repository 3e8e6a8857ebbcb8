"""Every write of the public side: publishing a plan, approving the public text of an update
or of a "you said, we did", withholding a section or an action. Each is audited
(django-simple-history, with the actor) and moves the plan's version, so the cached public
page is rendered afresh."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from plantrack.accounts.models import User
from plantrack.core.services import (
    UNSET,
    attribute_to,
    delete_recorded,
    require,
    save_validated,
    supplied,
)
from plantrack.directory.models import Area, Organisation
from plantrack.directory.selectors import organisation_ids_for
from plantrack.engagement.models import Activity, Outcome
from plantrack.engagement.selectors import activities_visible_to, can_edit_activity
from plantrack.governance.models import Meeting
from plantrack.governance.selectors import body_can_manage
from plantrack.plans.models import Action, Plan, Section, Update
from plantrack.plans.selectors import plan_access
from plantrack.public.models import Event, Publication, PublicOutcome, PublicUpdate, Withholding
from plantrack.public.selectors import outcome_linked_to

MANAGERS_ONLY = "Only a manager of this plan can publish it or change what the public sees."
PUBLISHERS_ONLY = "Only a manager of this plan or one of its named publishers can do that."
READERS_ONLY = "Only someone who can read the activity in its register can decide on its outcome."


def can_manage(user: User, plan: Plan) -> bool:
    return plan_access(user, plan).can_manage


def require_manager(actor: User, plan: Plan) -> None:
    require(can_manage(actor, plan), MANAGERS_ONLY)


def can_publish_updates(user: User, plan: Plan) -> bool:
    if plan_access(user, plan).can_manage:
        return True
    return Publication.objects.filter(plan=plan, publishers=user).exists()


def _free_slug(plan: Plan, wanted: str) -> str:
    base = slugify(wanted or plan.title)[:70].strip("-") or f"plan-{plan.pk}"
    slug, n = base, 2
    while Publication.objects.filter(slug=slug).exclude(plan=plan).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def plan_publish(
    *, actor: User, plan: Plan, slug: str = "", introduction: str | object = UNSET
) -> Publication:
    """Publish ``plan`` at a stable address (``slug``, chosen once). A restricted plan is
    refused: its existence is for those named on it."""
    require_manager(actor, plan)
    if plan.visibility == Plan.Visibility.RESTRICTED:
        raise ValidationError("A restricted plan cannot be published: change who can see it first.")
    publication = Publication.objects.select_for_update().filter(plan=plan).first()
    if publication is None:
        publication = Publication(plan=plan, slug=_free_slug(plan, slug))
    elif slug and slugify(slug) != publication.slug:
        raise ValidationError("The public address cannot change once a plan has one.")
    if introduction is not UNSET:
        publication.introduction = str(introduction)
    now = timezone.now()
    if publication.published_at is None:
        publication.published_at = now
        publication.published_by = actor
        publication.withdrawn_reason = ""
    publication.first_published_at = publication.first_published_at or now
    save_validated(publication, actor=actor)
    return publication


@transaction.atomic
def plan_unpublish(*, actor: User, plan: Plan, reason: str) -> Publication:
    """Withdraw the public page (its address answers "no longer published"); the approvals
    and withholdings are kept for publishing again."""
    require_manager(actor, plan)
    publication = Publication.objects.select_for_update().filter(plan=plan).first()
    if publication is None or publication.published_at is None:
        raise ValidationError("This plan is not published.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the plan is withdrawn from the public."})
    publication.published_at = None
    publication.withdrawn_reason = reason.strip()
    save_validated(publication, actor=actor)
    return publication


@transaction.atomic
def publication_set_publishers(
    *, actor: User, publication: Publication, publishers: Iterable[User]
) -> Publication:
    require_manager(actor, publication.plan)
    attribute_to(publication, actor)
    publication.publishers.set(list(publishers))
    save_validated(publication, actor=actor)  # the history row, and the plan's version
    return publication


def _decision(update: Update) -> PublicUpdate:
    found = PublicUpdate.objects.select_for_update().filter(update=update).first()
    return found or PublicUpdate(update=update)


@transaction.atomic
def update_publish(*, actor: User, update: Update, text: str) -> PublicUpdate:
    """Approve ``text`` (the update's own words or an edited version) as what the public
    reads of ``update``. Approving again replaces the public text."""
    plan = update.action.plan
    require(can_publish_updates(actor, plan), PUBLISHERS_ONLY)
    decision = _decision(update)
    now = timezone.now()
    decision.state = PublicUpdate.State.PUBLISHED
    decision.text = text.strip()
    decision.reason = ""
    decision.decided_by, decision.decided_at = actor, now
    decision.published_at = decision.published_at or now
    save_validated(decision, actor=actor)
    return decision


@transaction.atomic
def update_keep_internal(*, actor: User, update: Update, reason: str = "") -> PublicUpdate:
    """Decide that ``update`` is not for the public: it leaves the waiting list."""
    require(can_publish_updates(actor, update.action.plan), PUBLISHERS_ONLY)
    decision = _decision(update)
    if decision.state == PublicUpdate.State.PUBLISHED:
        raise ValidationError("This update is published: withdraw it instead.")
    decision.state = PublicUpdate.State.INTERNAL
    decision.text, decision.reason = "", reason.strip()
    decision.decided_by, decision.decided_at = actor, timezone.now()
    save_validated(decision, actor=actor)
    return decision


@transaction.atomic
def update_withdraw(*, actor: User, update: Update, reason: str) -> PublicUpdate:
    """Take a published update off the public page, saying why (audited)."""
    require(can_publish_updates(actor, update.action.plan), PUBLISHERS_ONLY)
    decision = _decision(update)
    if decision.pk is None or decision.state != PublicUpdate.State.PUBLISHED:
        raise ValidationError("This update is not published.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the update is withdrawn."})
    decision.state, decision.reason = PublicUpdate.State.WITHDRAWN, reason.strip()
    decision.decided_by, decision.decided_at = actor, timezone.now()
    save_validated(decision, actor=actor)
    return decision


# --- "You said, we did" -------------------------------------------------------------------------


def can_read_outcome(user: User, outcome: Outcome) -> bool:
    """Whether ``user`` may read the register's own text of ``outcome``: deciding what the
    public reads of it takes reading it first."""
    return activities_visible_to(user).filter(pk=outcome.activity_id).exists()


def _require_decider(actor: User, plan: Plan, outcome: Outcome) -> None:
    require(can_publish_updates(actor, plan), PUBLISHERS_ONLY)
    require(can_read_outcome(actor, outcome), READERS_ONLY)


def _outcome_decision(plan: Plan, outcome: Outcome) -> PublicOutcome:
    found = PublicOutcome.objects.select_for_update().filter(plan=plan, outcome=outcome).first()
    return found or PublicOutcome(plan=plan, outcome=outcome)


@transaction.atomic
def outcome_publish(
    *,
    actor: User,
    plan: Plan,
    outcome: Outcome,
    you_said: str,
    we_did: str,
    activity_title: str | None = None,
) -> PublicOutcome:
    """Approve what the public reads of ``outcome`` on ``plan``'s public page: the register's
    words or an edited version, and the activity's title (as it stands when None). Only for
    a completed activity linked to the plan or to an action on its public page, and a plan
    whose public page is live. Approving again (after a withdrawal too) replaces the text."""
    _require_decider(actor, plan, outcome)
    publication = Publication.objects.filter(plan=plan).first()
    if publication is None or not publication.is_live:
        raise ValidationError("This plan is not published: publish it first.")
    if not outcome_linked_to(plan, outcome):
        raise ValidationError(
            "Only a completed activity linked to this plan, or to an action on its public "
            "page, has its “you said, we did” published there."
        )
    decision = _outcome_decision(plan, outcome)
    now = timezone.now()
    title = outcome.activity.title if activity_title is None else activity_title
    decision.state = PublicOutcome.State.PUBLISHED
    decision.activity_title = title.strip()
    decision.you_said, decision.we_did = you_said.strip(), we_did.strip()
    decision.reason = ""
    decision.decided_by, decision.decided_at = actor, now
    decision.published_at = decision.published_at or now
    save_validated(decision, actor=actor)
    return decision


@transaction.atomic
def outcome_keep_internal(
    *, actor: User, plan: Plan, outcome: Outcome, reason: str = ""
) -> PublicOutcome:
    """Decide that ``outcome`` is not for ``plan``'s public page: it leaves the waiting list."""
    _require_decider(actor, plan, outcome)
    decision = _outcome_decision(plan, outcome)
    if decision.state == PublicOutcome.State.PUBLISHED:
        raise ValidationError("This “you said, we did” is published: withdraw it instead.")
    decision.state = PublicOutcome.State.INTERNAL
    decision.activity_title = decision.you_said = decision.we_did = ""
    decision.reason = reason.strip()
    decision.decided_by, decision.decided_at = actor, timezone.now()
    save_validated(decision, actor=actor)
    return decision


@transaction.atomic
def outcome_withdraw(*, actor: User, public_outcome: PublicOutcome, reason: str) -> PublicOutcome:
    """Take a published "you said, we did" off the public page, saying why (audited). Any
    manager or named publisher of the plan may, even one who cannot read the register."""
    require(can_publish_updates(actor, public_outcome.plan), PUBLISHERS_ONLY)
    decision = PublicOutcome.objects.select_for_update().get(pk=public_outcome.pk)
    if decision.state != PublicOutcome.State.PUBLISHED:
        raise ValidationError("This “you said, we did” is not published.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why it is withdrawn."})
    decision.state, decision.reason = PublicOutcome.State.WITHDRAWN, reason.strip()
    decision.decided_by, decision.decided_at = actor, timezone.now()
    save_validated(decision, actor=actor)
    return decision


def _withhold(actor: User, plan: Plan, reason: str, **what: Action | Section) -> Withholding:
    require_manager(actor, plan)
    if Withholding.objects.filter(**what).exists():
        kind = "section" if "section" in what else "action"
        raise ValidationError(f"This {kind} is already withheld from the public.")
    row = Withholding(
        plan=plan, reason=reason.strip(), withheld_by=actor, withheld_at=timezone.now(), **what
    )
    save_validated(row, actor=actor)
    return row


@transaction.atomic
def action_withhold(*, actor: User, action: Action, reason: str) -> Withholding:
    return _withhold(actor, action.plan, reason, action=action)


@transaction.atomic
def section_withhold(*, actor: User, section: Section, reason: str) -> Withholding:
    """Withhold a section and so every action in it."""
    return _withhold(actor, section.plan, reason, section=section)


@transaction.atomic
def withholding_release(*, actor: User, withholding: Withholding) -> None:
    """Show the section or action on the public page again (audited)."""
    require_manager(actor, withholding.plan)
    delete_recorded(withholding, actor=actor)


# --- Public events ------------------------------------------------------------------------------


def can_publish_events(user: User, organisation: Organisation) -> bool:
    """Site admins and the members of the organisation (or of one above it)."""
    return user.is_superuser or organisation.pk in organisation_ids_for(user)


def _check_event_links(actor: User, event: Event) -> None:
    """Who may publish, change or cancel ``event``: a member of its organisation who may
    also edit its activity, or keep its meeting's body."""
    require(
        can_publish_events(actor, event.organisation),
        "Only members of the organisation can publish its events.",
    )
    if event.activity is not None:
        require(
            can_edit_activity(actor, event.activity),
            "Only those who can edit the activity can publish an event of it.",
        )
    if event.meeting is not None:
        require(
            body_can_manage(actor, event.meeting.body),
            "Only the keepers of the body can publish its meetings.",
        )
    if event.kind == Event.Kind.MEETING and event.meeting is None and event.activity is not None:
        raise ValidationError({"kind": "A public meeting is linked to a meeting, not an activity."})


@transaction.atomic
def event_publish(
    *,
    actor: User,
    organisation: Organisation,
    area: Area,
    title: str,
    purpose: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    kind: str = Event.Kind.ENGAGEMENT,
    activity: Activity | None = None,
    meeting: Meeting | None = None,
) -> Event:
    """Put an event on the public calendar of its area, now: the notice it gives is counted
    from this moment."""
    event = Event(
        organisation=organisation,
        area=area,
        kind=Event.Kind.MEETING if meeting is not None else kind,
        title=title.strip(),
        purpose=purpose.strip(),
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        activity=activity,
        meeting=meeting,
        published_at=timezone.now(),
        published_by=actor,
    )
    _check_event_links(actor, event)
    save_validated(event, actor=actor)
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: Event,
    area: Area = UNSET,
    title: str = UNSET,
    purpose: str = UNSET,
    place: str = UNSET,
    starts_at: dt.datetime = UNSET,
    ends_at: dt.datetime | None = UNSET,
) -> Event:
    """Change an event; its publication time (and so its notice) stays as it was. Moved
    without a new end, it keeps its length."""
    fields = supplied(locals(), "actor", "event")
    if "starts_at" in fields and "ends_at" not in fields and event.ends_at is not None:
        fields["ends_at"] = event.ends_at + (fields["starts_at"] - event.starts_at)
    _check_event_links(actor, event)
    for name, value in fields.items():
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    save_validated(event, actor=actor)
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    """Cancel an event: it stays on the calendar marked cancelled, so people who planned to
    come find out."""
    _check_event_links(actor, event)
    if event.cancelled_at is not None:
        raise ValidationError("This event is already cancelled.")
    if not reason.strip():
        raise ValidationError({"cancelled_reason": "Say why the event is cancelled."})
    event.cancelled_at, event.cancelled_reason = timezone.now(), reason.strip()
    save_validated(event, actor=actor)
    return event
