"""Every write of the reminders app: preferences, calendar feeds, and the digest run."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core.services import require, save_validated
from plantrack.governance.models import Body
from plantrack.plans.models import Plan
from plantrack.plans.selectors import plans_visible_to, today
from plantrack.reminders import digest
from plantrack.reminders.models import (
    DEFAULT_FREQUENCY,
    DEFAULT_WEEKDAY,
    CalendarFeed,
    PersonDigest,
    ReminderPreference,
)
from plantrack.reminders.selectors import bodies_visible_to

TOKEN_BYTES = 32  # 43 URL-safe characters
# Messages handed to the mail connection at a time; last_sent_on is recorded after each batch,
# so a run that fails half-way does not send the first half twice when it is run again.
BATCH_SIZE = 500


# --- Preferences ----------------------------------------------------------------------------


@transaction.atomic
def preference_set(
    *, actor: User, frequency: str, weekday: int | None = None
) -> ReminderPreference:
    """Set how often the actor gets the digest. The weekday matters for weekly reminders."""
    pref, _ = ReminderPreference.objects.select_for_update().get_or_create(user=actor)
    pref.frequency = frequency
    if weekday is not None:
        pref.weekday = weekday
    save_validated(pref, actor=actor)
    return pref


# --- Calendar feeds -------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


@transaction.atomic
def feed_create(
    *, actor: User, scope: str, plan: Plan | None = None, body: Body | None = None
) -> CalendarFeed:
    """The actor's feed for their actions, a plan or a body; the existing one if they have it."""
    if scope == CalendarFeed.Scope.USER:
        plan = body = None
    elif scope == CalendarFeed.Scope.PLAN:
        if plan is None:
            raise ValidationError({"plan": "Choose a plan."})
        body = None
        require(plans_visible_to(actor).filter(pk=plan.pk).exists(), "You cannot see that plan.")
    elif scope == CalendarFeed.Scope.BODY:
        if body is None:
            raise ValidationError({"body": "Choose a body."})
        plan = None
        require(bodies_visible_to(actor).filter(pk=body.pk).exists(), "You cannot see that body.")
    else:
        raise ValidationError({"scope": "Choose what the calendar shows."})
    existing = CalendarFeed.objects.filter(user=actor, scope=scope, plan=plan, body=body).first()
    if existing is not None:
        return existing
    feed = CalendarFeed(user=actor, scope=scope, plan=plan, body=body, token=_new_token())
    try:
        with transaction.atomic():
            save_validated(feed, actor=actor)
    except IntegrityError:
        # Two clicks at once: the other request made it.
        return CalendarFeed.objects.get(user=actor, scope=scope, plan=plan, body=body)
    return feed


@transaction.atomic
def feed_reset(*, actor: User, feed: CalendarFeed) -> CalendarFeed:
    """Give the feed a new secret URL; the old one answers 404 from now on."""
    require(feed.user_id == actor.pk, "That is not your calendar.")
    feed.token = _new_token()
    feed.reset_at = timezone.now()
    feed.save(update_fields=["token", "reset_at"])
    return feed


@transaction.atomic
def feed_delete(*, actor: User, feed: CalendarFeed) -> None:
    require(feed.user_id == actor.pk, "That is not your calendar.")
    feed.delete()


# --- The digest run -------------------------------------------------------------------------


@dataclass
class Line:
    name: str
    email: str
    items: int


@dataclass
class Summary:
    on: dt.date
    dry_run: bool
    period: str = ""
    with_items: int = 0  # people owning something that needs attention, with an address
    due: int = 0  # of those, whose frequency says today
    sent: int = 0
    not_due: int = 0
    no_email: int = 0
    items: int = 0  # items (actions' reasons and follow-ups) in the digests due today
    lines: list[Line] = field(default_factory=list)

    def __str__(self) -> str:
        verb = "would send" if self.dry_run else "sent"
        count = self.due if self.dry_run else self.sent
        return (
            f"{self.on:%Y-%m-%d}: {verb} {count} digest{'s' if count != 1 else ''} "
            f"({self.items} items); {self.not_due} not due today by their frequency; "
            f"{self.no_email} owner{'s' if self.no_email != 1 else ''} without an email address"
        )


def reminders_send(
    *, on: dt.date | None = None, dry_run: bool = False, connection: BaseEmailBackend | None = None
) -> Summary:
    """Send one digest to every owner due one today (see models.is_due) who has something
    needing attention: an update due, an overdue deadline, missing commentary, or an open
    engagement follow-up due within a week or overdue.

    Not one transaction: mail goes out in batches through one connection and each batch's
    ``last_sent_on`` is recorded as soon as it has gone, so the database is never locked while
    a mail server answers and a second run the same day sends nothing twice.
    ``connection``: a mail backend instance (tests, bench); by default the "default" mailer.
    """
    on = on or today()
    gathered = digest.gather(on)
    due, not_due = digest.due_today(gathered, on)
    summary = Summary(
        on=on,
        dry_run=dry_run,
        period=gathered.period,
        with_items=len(gathered.recipients),
        due=len(due),
        not_due=not_due,
        no_email=gathered.no_email,
        items=sum(r.item_count for r in due),
        lines=[Line(r.name, r.email, r.item_count) for r in due],
    )
    if dry_run or not due:
        return summary

    renderer = digest.Renderer(on, gathered.period)
    own_connection = connection is None
    connection = connection or mailers.default
    connection.open()
    try:
        for start in range(0, len(due), BATCH_SIZE):
            batch = due[start : start + BATCH_SIZE]
            sent = connection.send_messages([renderer.message(r) for r in batch])
            summary.sent += len(batch) if sent is None else sent
            _record_sent(batch, gathered, on)
    finally:
        if own_connection:
            connection.close()
    return summary


@transaction.atomic
def _record_sent(batch: list[digest.Recipient], gathered: digest.Gathered, on: dt.date) -> None:
    """Set last_sent_on for a batch: a few bulk statements, whatever the batch size."""
    user_ids = [r.user_id for r in batch if r.user_id is not None]
    known = [u for u in user_ids if u in gathered.prefs]
    if known:
        ReminderPreference.objects.filter(user_id__in=known).update(last_sent_on=on)
    new = [u for u in user_ids if u not in gathered.prefs]
    if new:
        # Users who never chose get the default written down, with the date of this digest.
        ReminderPreference.objects.bulk_create(
            [
                ReminderPreference(
                    user_id=u, frequency=DEFAULT_FREQUENCY, weekday=DEFAULT_WEEKDAY, last_sent_on=on
                )
                for u in new
            ],
            ignore_conflicts=True,
        )
    person_ids = [r.person_id for r in batch if r.user_id is None]
    known = [p for p in person_ids if p in gathered.person_last]
    if known:
        PersonDigest.objects.filter(person_id__in=known).update(last_sent_on=on)
    new = [p for p in person_ids if p not in gathered.person_last]
    if new:
        PersonDigest.objects.bulk_create(
            [PersonDigest(person_id=p, last_sent_on=on) for p in new], ignore_conflicts=True
        )
