"""What the phone pages read: the signed-in user's open actions (with the update each was
last seen at, for conflict detection), their activities, and where they may record one."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import OuterRef, Q, QuerySet, Subquery

from plantrack.accounts.models import User
from plantrack.directory.models import Area
from plantrack.engagement.models import Activity, ActivityOwner, Method, Register, RegisterRole
from plantrack.engagement.selectors import registers_visible_to
from plantrack.plans.models import Action, Update
from plantrack.plans.selectors import action_get_light, my_actions

RECENT_ACTIVITIES = 20


def _with_latest_update(actions: QuerySet[Action]) -> QuerySet[Action]:
    """Each action with ``latest_update_id``: the update its RAG and status follow (the first
    in the updates' order), which an update written on the phone is based on."""
    latest = Update.objects.filter(action=OuterRef("pk")).values("pk")[:1]
    return actions.annotate(latest_update_id=Subquery(latest))


def actions_to_hand(user: User) -> QuerySet[Action]:
    """The user's open actions, most urgent first (as on *My actions*)."""
    return _with_latest_update(my_actions(user))


def action_for_update(user: User, pk: int) -> Action:
    """An action the user can see (404 otherwise), with its latest update's id."""
    action = action_get_light(user, pk)
    action.latest_update_id = (  # type: ignore[attr-defined]
        Update.objects.filter(action=action).values_list("pk", flat=True).first()
    )
    return action


def latest_update(action: Action) -> Update | None:
    return Update.objects.filter(action=action).select_related("author").first()


def activities_to_hand(user: User) -> QuerySet[Activity]:
    """Activities the user owns, newest first."""
    owned = ActivityOwner.objects.filter(person__user=user).values("activity_id")
    return (
        Activity.objects.filter(pk__in=owned, register__in=registers_visible_to(user))
        .exclude(status=Activity.Status.CANCELLED)
        .select_related("register__organisation")
        .order_by("-created_at", "-id")[:RECENT_ACTIVITIES]
    )


def registers_to_record_in(user: User) -> QuerySet[Register]:
    """The registers the user may add activities to (their managers; a site admin: all)."""
    registers = Register.objects.select_related("organisation").order_by("title", "id")
    if user.is_superuser:
        return registers
    managed = RegisterRole.objects.filter(user=user, role=RegisterRole.Role.MANAGER)
    return registers.filter(pk__in=managed.values("register_id"))


def wards_for(registers: QuerySet[Register]) -> QuerySet[Area]:
    """The wards within the areas the registers' organisations keep, by borough then name."""
    paths = list(
        Area.objects.filter(organisation__in=registers.values("organisation_id")).values_list(
            "path", flat=True
        )
    )
    if not paths:
        return Area.objects.none()
    within = reduce(or_, (Q(path__startswith=path) for path in paths))
    return (
        Area.objects.filter(within, level=Area.Level.WARD)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def methods() -> QuerySet[Method]:
    return Method.objects.filter(active=True)
