"""Reads for the reminders settings page and the calendar feeds, scoped to the user."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Q, QuerySet
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.governance.models import Body, BodyMember, Oversight
from plantrack.plans.models import ActionOwner, Plan, PlanRole
from plantrack.plans.selectors import plans_visible_to
from plantrack.reminders.models import (
    DEFAULT_FREQUENCY,
    DEFAULT_WEEKDAY,
    CalendarFeed,
    ReminderPreference,
)


def preference_for(user: User) -> ReminderPreference:
    """The user's preference, or an unsaved default one (weekly on Monday)."""
    found = ReminderPreference.objects.filter(user=user).first()
    return found or ReminderPreference(
        user=user, frequency=DEFAULT_FREQUENCY, weekday=DEFAULT_WEEKDAY
    )


def bodies_visible_to(user: User) -> QuerySet[Body]:
    """Bodies whose calendar the user may follow: those they sit on, and those overseeing a
    plan they can see (site admins: all)."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    return Body.objects.filter(
        Q(memberships__person__user=user)
        | Q(chair__user=user)
        | Q(oversights__plan__in=plans_visible_to(user))
    ).distinct()


def may_follow_body(
    user: User, body: Body, members: Iterable[BodyMember], visible_oversights: Sequence[Oversight]
) -> bool:
    """bodies_visible_to's rule for one body whose page has already loaded its members and
    the oversights the user can see: no query of its own."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser or visible_oversights:
        return True
    if body.chair_id is not None and body.chair is not None and body.chair.user_id == user.pk:
        return True
    return any(m.person.user_id == user.pk for m in members)


def plans_to_follow(user: User) -> QuerySet[Plan]:
    """The plans offered on the settings page: those the user has a role on or owns actions
    in. Any other visible plan can still be followed by posting its id (a button on its page)."""
    owned = ActionOwner.objects.filter(person__user=user).values("action__plan_id")
    roles = PlanRole.objects.filter(user=user).values("plan_id")
    return (
        plans_visible_to(user)
        .filter(Q(pk__in=owned) | Q(pk__in=roles))
        .exclude(status__in=[Plan.Status.CLOSED, Plan.Status.ARCHIVED])
        .order_by("title")
    )


def feeds_for(user: User) -> list[CalendarFeed]:
    return list(
        CalendarFeed.objects.filter(user=user)
        .select_related("plan", "body")
        .order_by("scope", "plan__title", "body__name", "id")
    )


def feed_get_for_user(user: User, pk: int) -> CalendarFeed:
    try:
        return CalendarFeed.objects.select_related("plan", "body").get(pk=pk, user=user)
    except CalendarFeed.DoesNotExist as exc:
        raise Http404("No such calendar") from exc


def feed_plan_id(feed: CalendarFeed) -> int:
    """The plan of a plan feed (the table's check constraint gives every plan feed one)."""
    if feed.plan_id is None:
        raise ValueError(f"Calendar feed {feed.pk} is not a plan's")
    return feed.plan_id


def feed_body_id(feed: CalendarFeed) -> int:
    """The body of a body feed (the table's check constraint gives every body feed one)."""
    if feed.body_id is None:
        raise ValueError(f"Calendar feed {feed.pk} is not a body's")
    return feed.body_id


def feed_get_by_token(token: str) -> CalendarFeed:
    """The feed a secret URL serves, checked again on every request: 404 when the token was
    reset, the owner's account is disabled, or the owner can no longer see the plan or body."""
    feed = (
        CalendarFeed.objects.select_related("user", "plan", "body")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None:
        raise Http404("No such calendar")
    if feed.scope == CalendarFeed.Scope.PLAN and not (
        plans_visible_to(feed.user).filter(pk=feed_plan_id(feed)).exists()
    ):
        raise Http404("No such calendar")
    if feed.scope == CalendarFeed.Scope.BODY and not (
        bodies_visible_to(feed.user).filter(pk=feed_body_id(feed)).exists()
    ):
        raise Http404("No such calendar")
    return feed
