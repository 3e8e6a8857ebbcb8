"""Every read of the engagement register, scoped to the user who asks.

Who sees what: a register is read by members of its organisation (and of the organisations
above it: a force reads its boroughs' registers), by those given a role on it, and by the
owners of its activities and of its follow-ups; site admins read everything. Anyone else
gets 404, so a register's existence is hidden. Managers (and site admins) edit all of it; an
activity's owners edit that activity and record what it produced."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.directory.models import Area, Organisation, Person
from plantrack.directory.selectors import areas_stamp, organisation_ids_for, with_units
from plantrack.engagement.models import (
    Activity,
    ActivityOwner,
    ActivityUpdate,
    Community,
    FollowUp,
    Group,
    Method,
    OrganisationCommunity,
    Outcome,
    Output,
    Register,
    RegisterRole,
)
from plantrack.plans.models import Action
from plantrack.plans.selectors import plans_visible_to

PAGE_SIZE = 50


# --- Access ---------------------------------------------------------------------------------


def _organisations_reading(user: User) -> set[int]:
    """The user's organisations and the units beneath them (organisation_ids_for)."""
    return organisation_ids_for(user)


def registers_visible_to(user: User) -> QuerySet[Register]:
    if not user.is_authenticated:
        return Register.objects.none()
    if user.is_superuser:
        return Register.objects.all()
    return Register.objects.filter(
        Q(organisation_id__in=_organisations_reading(user))
        | Q(pk__in=RegisterRole.objects.filter(user=user).values("register_id"))
        | Q(pk__in=ActivityOwner.objects.filter(person__user=user).values("activity__register_id"))
        # A follow-up's owner is sent to its activity by their digest and calendar.
        | Q(pk__in=FollowUp.objects.filter(owner__user=user).values("activity__register_id"))
    )


def register_get_for_user(user: User, pk: int) -> Register:
    """A register the user may read, or 404: never 403, so its existence stays hidden."""
    try:
        return registers_visible_to(user).select_related("organisation").get(pk=pk)
    except Register.DoesNotExist as exc:
        raise Http404("No such register") from exc


@dataclass
class RegisterAccess:
    """What one user may do in one register."""

    register: Register
    is_manager: bool
    owned_activity_ids: set[int] = field(default_factory=set)

    @property
    def can_manage(self) -> bool:
        return self.is_manager

    def can_edit(self, activity: Activity) -> bool:
        return self.is_manager or activity.pk in self.owned_activity_ids


def register_access(user: User, register: Register) -> RegisterAccess:
    is_manager = user.is_superuser or (
        user.is_authenticated
        and RegisterRole.objects.filter(
            register=register, user=user, role=RegisterRole.Role.MANAGER
        ).exists()
    )
    owned: set[int] = set()
    if user.is_authenticated and not is_manager:
        owned = set(
            ActivityOwner.objects.filter(
                activity__register=register, person__user=user
            ).values_list("activity_id", flat=True)
        )
    return RegisterAccess(register=register, is_manager=is_manager, owned_activity_ids=owned)


def can_edit_activity(user: User, activity: Activity) -> bool:
    if user.is_superuser:
        return True
    if not user.is_authenticated:
        return False
    return (
        RegisterRole.objects.filter(register_id=activity.register_id, user=user).exists()
        or ActivityOwner.objects.filter(activity=activity, person__user=user).exists()
    )


def can_create_register(user: User, organisation: Organisation | None = None) -> bool:
    """Site admins, and members of an organisation for that organisation's registers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    ids = _organisations_reading(user)
    return bool(ids) if organisation is None else organisation.pk in ids


def organisations_for_new_register(user: User) -> QuerySet[Organisation]:
    if user.is_superuser:
        return Organisation.objects.order_by("name")
    return Organisation.objects.filter(pk__in=_organisations_reading(user)).order_by("name")


# --- Registers and activities ---------------------------------------------------------------


def registers_for_list(user: User) -> QuerySet[Register]:
    return (
        registers_visible_to(user)
        .select_related("organisation")
        .annotate(
            activity_count=Count("activities", distinct=True),
            running_count=Count(
                "activities",
                filter=Q(activities__status=Activity.Status.RUNNING),
                distinct=True,
            ),
        )
        .order_by("organisation__name", "title")
    )


def activities_visible_to(user: User) -> QuerySet[Activity]:
    return Activity.objects.filter(register__in=registers_visible_to(user))


def activity_get_for_user(user: User, pk: int) -> Activity:
    try:
        return (
            activities_visible_to(user)
            .select_related("register__organisation", "group", "budget_line")
            .get(pk=pk)
        )
    except Activity.DoesNotExist as exc:
        raise Http404("No such activity") from exc


def area_subtree_q(area: Area, prefix: str = "") -> Q:
    """Rows (through ``prefix``) in ``area`` or beneath it."""
    return Q(**{f"{prefix}path__startswith": area.path})


@dataclass
class ActivityFilter:
    """The register page's filters, also taken by the API list."""

    q: str = ""
    group: int | None = None
    area: Area | None = None
    status: str = ""
    level: str = ""
    method: int | None = None
    owner: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None

    def apply(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        if self.q:
            activities = activities.filter(
                Q(title__icontains=self.q)
                | Q(owner_text__icontains=self.q)
                | Q(communities_text__icontains=self.q)
                | Q(aim__icontains=self.q)
            )
        exact = {
            "group_id": self.group,
            "status": self.status,
            "level": self.level,
        }
        activities = activities.filter(**{k: v for k, v in exact.items() if v})
        if self.method:
            activities = activities.filter(
                Exists(
                    Activity.methods.through.objects.filter(
                        activity_id=OuterRef("pk"), method_id=self.method
                    )
                )
            )
        if self.owner:
            activities = activities.filter(
                Exists(ActivityOwner.objects.filter(activity=OuterRef("pk"), person=self.owner))
            )
        if self.area is not None:
            activities = activities.filter(in_area(self.area))
        return self._in_period(activities)

    def _in_period(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        return activities.filter(self.in_period())

    def in_period(self, prefix: str = "") -> Q:
        """Activities (through ``prefix``) running at some time in the period: begun by its
        end, not ended before its start. Undated activities count as running throughout."""
        found = Q()
        if self.period_end is not None:
            found &= Q(**{f"{prefix}start_earliest__isnull": True}) | Q(
                **{f"{prefix}start_earliest__lte": self.period_end}
            )
        if self.period_start is not None:
            found &= Q(**{f"{prefix}end_latest__isnull": True}) | Q(
                **{f"{prefix}end_latest__gte": self.period_start}
            )
        return found


def in_area(area: Area) -> Q:
    """Activities covering ``area`` or any place beneath it, each counted once.

    The places are found first (one pass over the areas), then their activities through the
    link table's area index: testing each activity's places against the path instead (an
    ``Exists`` per activity, or a join) reads every link of the register, 46,000 activities'
    for a borough's 1,300 in the benchmark."""
    places = Area.objects.filter(path__startswith=area.path).values("pk")
    covering = Activity.areas.through.objects.filter(area_id__in=places)
    return Q(pk__in=covering.values("activity_id"))


def activities_for_register(
    register: Register, flt: ActivityFilter | None = None
) -> QuerySet[Activity]:
    """The register's activities for a list: a fixed number of queries however many."""
    activities = Activity.objects.filter(register=register)
    if flt is not None:
        activities = flt.apply(activities)
    return (
        activities.select_related("group")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.only("id", "name", "code", "level")),
            Prefetch("methods", queryset=Method.objects.only("id", "name")),
        )
        .order_by("group__position", "group__id", "position", "id")
    )


def activities_for_api(user: User, flt: ActivityFilter) -> QuerySet[Activity]:
    return (
        flt.apply(activities_visible_to(user))
        .select_related("group", "register")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.only("id")),
            Prefetch("methods", queryset=Method.objects.only("id", "name")),
            Prefetch(
                "ownerships", queryset=ActivityOwner.objects.only("id", "activity_id", "person_id")
            ),
            Prefetch("actions", queryset=Action.objects.only("id")),
        )
        .order_by("register_id", "group__position", "position", "id")
    )


def register_cache_key(register: Register) -> tuple[Any, ...]:
    """What every rendering of a register's lists depends on besides the query: its version,
    moved by every engagement write to it (and by the admin's changes to the methods and
    communities lists), and the areas (names, codes and places under each)."""
    return (register.pk, register.version, *areas_stamp())


# The API's activity fields read straight from the row (schemas.ActivityOut).
API_ACTIVITY_FIELDS = (
    "id",
    "register_id",
    "group_id",
    "title",
    "owner_text",
    "cost_text",
    "cost_amount",
    "cost_period",
    "cost_financial_year",
    "business_plan_link",
    "communities_text",
    "aim",
    "method_text",
    "level",
    "start_text",
    "end_text",
    "recurrence",
    "status",
    "rag",
    "last_update_on",
)


def _linked(through: Any, ids: list[int], value: str, order: tuple[str, ...]) -> dict[int, Any]:
    found: dict[int, list[Any]] = {pk: [] for pk in ids}
    links = through.objects.filter(activity_id__in=ids).order_by(*order)
    for activity_id, linked in links.values_list("activity_id", value):
        found[activity_id].append(linked)
    return found


def activity_list_rows(activities: QuerySet[Activity], offset: int, limit: int) -> dict[str, Any]:
    """A page of activities as plain dicts in the API's shape (schemas.ActivityOut): one query
    for the rows and one for each list on them. A hundred model instances with four
    prefetches, validated by the schema, cost ten times as much (docs/benchmarks.md)."""
    rows = list(
        activities.order_by("register_id", "group__position", "position", "id").values(
            *API_ACTIVITY_FIELDS, "group__name"
        )[offset : offset + limit]
    )
    ids = [row["id"] for row in rows]
    # Each list in the order of its model (as the related managers give it).
    owners = _linked(ActivityOwner, ids, "person_id", ("position", "id"))
    actions = _linked(Activity.actions.through, ids, "action_id", ("action",))
    methods = _linked(Activity.methods.through, ids, "method__name", ("method",))
    areas = _linked(Activity.areas.through, ids, "area_id", ("area",))
    items = []
    for row in rows:
        item = {name: row[name] for name in API_ACTIVITY_FIELDS}
        pk = row["id"]
        item.update(
            group=row["group__name"],
            owner_ids=owners[pk],
            action_ids=actions[pk],
            methods=methods[pk],
            area_ids=areas[pk],
        )
        items.append(item)
    return {"items": items, "count": activities.count()}


def groups_for(register: Register) -> QuerySet[Group]:
    return Group.objects.filter(register=register).order_by("position", "id")


def register_managers(register: Register) -> QuerySet[RegisterRole]:
    return (
        RegisterRole.objects.filter(register=register)
        .select_related("user")
        .order_by("user__username")
    )


def activity_detail(activity: Activity) -> dict[str, list[Any]]:
    """Everything the activity page shows, each in one query."""
    return {
        "owners": list(
            ActivityOwner.objects.filter(activity=activity).select_related("person__organisation")
        ),
        "partners": list(activity.partners.order_by("name")),
        "areas": list(activity.areas.order_by("path")),
        "methods": list(activity.methods.all()),
        "communities": list(activity.communities.all()),
        "outputs": list(Output.objects.filter(activity=activity).select_related("area")),
        "outcomes": list(Outcome.objects.filter(activity=activity)),
        "follow_ups": list(FollowUp.objects.filter(activity=activity).select_related("owner")),
        "updates": list(ActivityUpdate.objects.filter(activity=activity).select_related("author")),
    }


def linked_actions(user: User, activity: Activity) -> QuerySet[Action]:
    """The plan actions the activity delivers, among those the user may see."""
    return (
        activity.actions.filter(plan__in=plans_visible_to(user))
        .select_related("plan")
        .order_by("plan__title", "position")
    )


def activities_delivering(user: User, action: Action) -> QuerySet[Activity]:
    """The activities shown on an action's page as its delivery evidence."""
    return (
        activities_visible_to(user)
        .filter(actions=action)
        .select_related("register")
        .order_by("title")
    )


def people_to_choose_for(register: Register) -> QuerySet[Person]:
    """Owners offered in the register's forms: people of its organisation and the units
    beneath it, and people already owning one of its activities."""
    owning = ActivityOwner.objects.filter(activity__register=register).values("person_id")
    return (
        Person.objects.filter(
            Q(organisation_id__in=with_units([register.organisation_id])) | Q(pk__in=owning)
        )
        .select_related("organisation")
        .order_by("name", "post")
    )


def actions_to_choose_for(user: User) -> QuerySet[Action]:
    return (
        Action.objects.filter(plan__in=plans_visible_to(user))
        .select_related("plan")
        .order_by("plan__title", "position", "id")
    )


def follow_ups_due_for(person: Person, *, until: dt.date) -> QuerySet[FollowUp]:
    """Open follow-ups a person owns, due by ``until`` (reminder digests, calendars)."""
    return (
        FollowUp.objects.filter(owner=person, done=False, due_on__lte=until)
        .select_related("activity__register")
        .order_by("due_on")
    )


def activity_get_for_api(user: User, pk: int) -> Activity:
    """An activity with what the API shows of it prefetched, or 404."""
    found = activities_for_api(user, ActivityFilter()).filter(pk=pk).first()
    if found is None:
        raise Http404("No such activity")
    return found


def _child_get_for_user[T: (Output, FollowUp, Outcome)](model: type[T], user: User, pk: int) -> T:
    found = (
        model.objects.filter(pk=pk, activity__in=activities_visible_to(user))
        .select_related("activity__register")
        .first()
    )
    if found is None:
        raise Http404(f"No such {model._meta.verbose_name}")
    return found


def output_get_for_user(user: User, pk: int) -> Output:
    return _child_get_for_user(Output, user, pk)


def outcome_get_for_user(user: User, pk: int) -> Outcome:
    return _child_get_for_user(Outcome, user, pk)


def follow_up_get_for_user(user: User, pk: int) -> FollowUp:
    return _child_get_for_user(FollowUp, user, pk)


def communities_served(organisation: Organisation) -> QuerySet[Community]:
    return Community.objects.filter(
        pk__in=OrganisationCommunity.objects.filter(organisation=organisation).values(
            "community_id"
        )
    ).order_by("name")


def group_get_for_user(user: User, pk: int) -> Group:
    found = (
        Group.objects.filter(pk=pk, register__in=registers_visible_to(user))
        .select_related("register")
        .first()
    )
    if found is None:
        raise Http404("No such group")
    return found
