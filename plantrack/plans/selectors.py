"""Every read of plans, sections, actions and updates, scoped to the user who asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.core import fuzzydates
from plantrack.core.models import Rag
from plantrack.directory.models import Organisation, Person
from plantrack.directory.selectors import organisation_ids_for, with_units
from plantrack.plans.models import (
    Action,
    ActionOrganisation,
    ActionOwner,
    Plan,
    PlanRole,
    Section,
    Update,
)

CLOSED = list(Action.CLOSED_STATUSES)


def today() -> dt.date:
    return timezone.localdate()


# --- Flags. Each has a Q for filtering and a Python twin for a row already loaded. ----------


def overdue_q(on: dt.date) -> Q:
    return Q(due_latest__lt=on) & ~Q(status__in=CLOSED)


def update_due_q(on: dt.date) -> Q:
    return Q(update_due_on__lte=on) & ~Q(status__in=CLOSED)


def review_due_q(on: dt.date) -> Q:
    reached = Q(review_earliest__lte=on) & ~Q(status__in=CLOSED)
    not_since = Q(last_update_on__isnull=True) | Q(last_update_on__lt=F("review_earliest"))
    return reached & not_since


def due_soon_q(on: dt.date) -> Q:
    horizon = on + dt.timedelta(days=settings.PLANTRACK_DUE_SOON_DAYS)
    return Q(due_latest__gte=on, due_latest__lte=horizon) & ~Q(status__in=CLOSED)


def action_flags(action: Action, on: dt.date) -> dict[str, bool]:
    open_ = action.status not in CLOSED
    return {
        "overdue": open_ and action.due_latest is not None and action.due_latest < on,
        "update_due": open_ and action.update_due_on is not None and action.update_due_on <= on,
        "review_due": open_
        and action.review_earliest is not None
        and action.review_earliest <= on
        and (action.last_update_on is None or action.last_update_on < action.review_earliest),
    }


# --- Access ---------------------------------------------------------------------------------


@dataclass
class PlanAccess:
    """What one user may do on one plan."""

    plan: Plan
    role: str | None
    is_site_admin: bool = False
    person_id: int | None = None
    owned_action_ids: set[int] = field(default_factory=set)

    @property
    def can_manage(self) -> bool:
        return self.is_site_admin or self.role == PlanRole.Role.MANAGER

    def can_post_update(self, action: Action) -> bool:
        if self.can_manage:
            return True
        return self.role == PlanRole.Role.CONTRIBUTOR and action.pk in self.owned_action_ids


def plans_visible_to(user: User) -> QuerySet[Plan]:
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(
        Q(visibility=Plan.Visibility.PUBLIC)
        | Q(pk__in=PlanRole.objects.filter(user=user).values("plan_id"))
        | Q(
            visibility=Plan.Visibility.ORGANISATION,
            owner_organisation_id__in=organisation_ids_for(user),
        )
    )


def plan_get_for_user(user: User, pk: int) -> Plan:
    """A plan the user may see, or 404: never 403, so a restricted plan's existence is hidden."""
    try:
        return plans_visible_to(user).select_related("owner_organisation").get(pk=pk)
    except Plan.DoesNotExist as exc:
        raise Http404("No such plan") from exc


def plan_access(user: User, plan: Plan) -> PlanAccess:
    role = PlanRole.objects.filter(plan=plan, user=user).values_list("role", flat=True).first()
    access = PlanAccess(plan=plan, role=role, is_site_admin=user.is_superuser)
    if role == PlanRole.Role.CONTRIBUTOR:
        access.owned_action_ids = set(
            ActionOwner.objects.filter(action__plan=plan, person__user=user).values_list(
                "action_id", flat=True
            )
        )
    return access


def plan_roles(plan: Plan) -> QuerySet[PlanRole]:
    return PlanRole.objects.filter(plan=plan).select_related("user").order_by("user__username")


def _counts(prefix: str) -> dict[str, Count]:
    """RAG, completion, overdue and update-due counts, over ``prefix`` + action fields."""
    on = today()
    p = prefix
    open_ = ~Q(**{f"{p}status__in": CLOSED})
    pk = f"{p}pk" if p else "pk"
    return {
        "action_count": Count(pk),
        "red_count": Count(pk, filter=Q(**{f"{p}rag": Rag.RED}) & open_),
        "amber_count": Count(pk, filter=Q(**{f"{p}rag": Rag.AMBER}) & open_),
        "green_count": Count(pk, filter=Q(**{f"{p}rag": Rag.GREEN}) & open_),
        "blue_count": Count(pk, filter=Q(**{f"{p}rag": Rag.BLUE})),
        "complete_count": Count(pk, filter=Q(**{f"{p}status": Action.Status.COMPLETE})),
        "overdue_count": Count(pk, filter=Q(**{f"{p}due_latest__lt": on}) & open_),
        "update_due_count": Count(pk, filter=Q(**{f"{p}update_due_on__lte": on}) & open_),
    }


def plans_with_counts(user: User, plan_ids: list[int] | None = None) -> QuerySet[Plan]:
    """Plans with their counts from one aggregate query. Give ``plan_ids`` (a page of plans)
    so that the database counts only those, not every plan the user can see."""
    plans = plans_visible_to(user) if plan_ids is None else Plan.objects.filter(pk__in=plan_ids)
    return plans.select_related("owner_organisation").annotate(**_counts("actions__"))


def plan_summary(plan: Plan) -> dict[str, int]:
    return Action.objects.filter(plan=plan).aggregate(**_counts(""))


def action_counts() -> dict[str, Count]:
    """The count aggregates of plan_summary, to annotate any grouping of actions with."""
    return _counts("")


def plan_versions_page(user: User, limit: int, **filters: Any) -> list[tuple[int, int]]:
    """(id, version) of the first plans the user can see, by title: the ids to count and,
    with the versions, a cache key that changes whenever any of them does."""
    plans = plans_visible_to(user).filter(**filters).order_by("title")
    return list(plans.values_list("pk", "version")[:limit])


def my_plan_versions(user: User) -> list[tuple[int, int]]:
    """(id, version) of the visible plans holding actions the user owns. Any change to those
    actions, to who owns them or to who may see the plans changes this list."""
    owned = ActionOwner.objects.filter(person__user=user).values("action__plan_id")
    plans = plans_visible_to(user).filter(pk__in=owned).order_by("pk")
    return list(plans.values_list("pk", "version"))


def section_get_for_user(user: User, pk: int) -> Section:
    """A section of a plan the user can see, with its plan; 404 otherwise."""
    return get_object_or_404(
        Section.objects.select_related("plan__owner_organisation").filter(
            plan__in=plans_visible_to(user)
        ),
        pk=pk,
    )


def deleted_section_get(user: User, pk: int) -> Section:
    """A deleted section of a plan the user can see (to restore it); 404 otherwise."""
    return get_object_or_404(
        Section.all_objects.select_related("plan__owner_organisation").filter(
            plan__in=plans_visible_to(user), deleted_at__isnull=False
        ),
        pk=pk,
    )


def deleted_action_get(user: User, pk: int) -> Action:
    """A deleted action of a plan the user can see (to restore it); 404 otherwise."""
    return get_object_or_404(
        Action.all_objects.select_related("plan__owner_organisation", "section").filter(
            plan__in=plans_visible_to(user), deleted_at__isnull=False
        ),
        pk=pk,
    )


def deleted_of_plan(plan: Plan) -> tuple[list[Section], list[Action]]:
    """A plan's deleted sections and actions, latest first, with who deleted them. Two
    queries."""
    sections = list(
        Section.all_objects.filter(plan=plan, deleted_at__isnull=False)
        .select_related("deleted_by")
        .order_by("-deleted_at", "-id")
    )
    actions = list(
        Action.all_objects.filter(plan=plan, deleted_at__isnull=False)
        .select_related("deleted_by", "section")
        .order_by("-deleted_at", "-id")
    )
    return sections, actions


def sections_for_plan(plan: Plan) -> QuerySet[Section]:
    return Section.objects.filter(plan=plan).order_by("position", "id")


# --- Actions --------------------------------------------------------------------------------

RAG_ORDER = Case(
    When(rag=Rag.RED, then=Value(0)),
    When(rag=Rag.AMBER, then=Value(1)),
    When(rag=Rag.GREEN, then=Value(2)),
    When(rag=Rag.BLUE, then=Value(3)),
    default=Value(4),
    output_field=IntegerField(),
)

SORTS: dict[str, tuple[str, list[Any]]] = {
    "position": ("Plan order", ["section__position", "section_id", "position", "id"]),
    "ref": ("Reference", ["ref", "id"]),
    # Start-only texts ("Commence Nov 22") have no deadline but still sort by their month.
    "due": (
        "Due date",
        [Coalesce("due_latest", "due_earliest").asc(nulls_last=True), "position", "id"],
    ),
    "rag": ("RAG (red first)", ["rag_order", "position", "id"]),
    "status": ("Status", ["status", "position", "id"]),
    "updated": (
        "Last update (oldest first)",
        [F("last_update_on").asc(nulls_first=True), "position", "id"],
    ),
}


@dataclass
class ActionFilters:
    rag: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    owner: int | None = None
    organisation: int | None = None
    overdue: bool = False
    update_due: bool = False
    review_due: bool = False
    q: str = ""
    sort: str = "position"

    @property
    def active(self) -> bool:
        return bool(
            self.rag
            or self.status
            or self.owner
            or self.organisation
            or self.overdue
            or self.update_due
            or self.review_due
            or self.q
        )


def _with_list_relations(qs: QuerySet[Action], with_plan: bool = True) -> QuerySet[Action]:
    qs = qs.select_related("section", "plan") if with_plan else qs.select_related("section")
    return qs.prefetch_related(
        Prefetch("ownerships", queryset=ActionOwner.objects.select_related("person")),
        Prefetch(
            "agencies",
            queryset=ActionOrganisation.objects.select_related("organisation"),
        ),
    )


def apply_action_filters(qs: QuerySet[Action], filters: ActionFilters) -> QuerySet[Action]:
    on = today()
    if filters.rag:
        rags = [r for r in filters.rag if r != "none"]
        cond = Q(rag__in=rags)
        if "none" in filters.rag:
            cond |= Q(rag="")
        qs = qs.filter(cond)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.owner:
        qs = qs.filter(
            pk__in=ActionOwner.objects.filter(person_id=filters.owner).values("action_id")
        )
    if filters.organisation:
        qs = qs.filter(
            pk__in=ActionOrganisation.objects.filter(organisation_id=filters.organisation).values(
                "action_id"
            )
        )
    if filters.overdue:
        qs = qs.filter(overdue_q(on))
    if filters.update_due:
        qs = qs.filter(update_due_q(on))
    if filters.review_due:
        qs = qs.filter(review_due_q(on))
    if filters.q:
        qs = qs.filter(Q(title__icontains=filters.q) | Q(ref__icontains=filters.q))
    order = SORTS.get(filters.sort, SORTS["position"])[1]
    return qs.annotate(rag_order=RAG_ORDER).order_by(*order)


def actions_visible_to(user: User) -> QuerySet[Action]:
    return Action.objects.filter(plan__in=plans_visible_to(user))


def plan_actions(plan: Plan, filters: ActionFilters) -> QuerySet[Action]:
    """The actions of a plan already fetched through plan_get_for_user."""
    actions = _with_list_relations(Action.objects.filter(plan=plan), with_plan=False)
    return apply_action_filters(actions, filters)


API_ACTION_FIELDS = (
    "id",
    "plan_id",
    "section_id",
    "ref",
    "title",
    "description",
    "strategy_refs",
    "owner_text",
    "status",
    "rag",
    "last_update_on",
    "update_due_on",
)
FUZZY_PREFIXES = ("start", "review", "due")


def action_list_rows(actions: QuerySet[Action], offset: int, limit: int) -> dict[str, Any]:
    """A page of actions as plain dicts in the API's shape, from three flat queries.

    Lists of a hundred actions are read far more than anything else in the API; building
    model instances and validating them costs several times more than the queries."""
    fuzzy = [
        f"{p}_{part}" for p in FUZZY_PREFIXES for part in ("text", "earliest", "latest", "kind")
    ]
    rows = list(actions.values(*API_ACTION_FIELDS, *fuzzy)[offset : offset + limit])
    ids = [row["id"] for row in rows]
    owners: dict[int, list[dict[str, Any]]] = {pk: [] for pk in ids}
    for o in (
        ActionOwner.objects.filter(action_id__in=ids)
        .order_by("position", "id")
        .values("action_id", "person_id", "post", "person__name", "person__rank", "person__post")
    ):
        name = Person.format_name(o["person__name"], o["person__rank"], o["person__post"])
        owners[o["action_id"]].append(
            {"id": o["person_id"], "display_name": name, "post": o["post"]}
        )
    agencies: dict[int, dict[str, list[dict[str, Any]]]] = {
        pk: {"lead": [], "supporting": []} for pk in ids
    }
    for a in (
        ActionOrganisation.objects.filter(action_id__in=ids)
        .order_by("position", "id")
        .values("action_id", "role", "organisation_id", "organisation__name")
    ):
        agencies[a["action_id"]][a["role"]].append(
            {"id": a["organisation_id"], "name": a["organisation__name"]}
        )
    on = today()
    items = []
    for row in rows:
        item = {name: row[name] for name in API_ACTION_FIELDS}
        for prefix in FUZZY_PREFIXES:
            item[prefix] = {
                part: row[f"{prefix}_{part}"] for part in ("text", "earliest", "latest", "kind")
            }
        item["owners"] = owners[row["id"]]
        item["lead_organisations"] = agencies[row["id"]]["lead"]
        item["supporting_organisations"] = agencies[row["id"]]["supporting"]
        item["flags"] = action_flags(Action(**{k: row[k] for k in FLAG_FIELDS}), on)
        items.append(item)
    return {"items": items, "count": actions.count()}


FLAG_FIELDS = ("status", "due_latest", "update_due_on", "review_earliest", "last_update_on")


def action_get_light(user: User, pk: int) -> Action:
    """An action the user may see, with its plan and nothing else: enough to check access."""
    try:
        return actions_visible_to(user).select_related("plan").get(pk=pk)
    except Action.DoesNotExist as exc:
        raise Http404("No such action") from exc


def action_get_for_user(user: User, pk: int) -> Action:
    try:
        return (
            _with_list_relations(actions_visible_to(user))
            .select_related("plan__owner_organisation")
            .prefetch_related("milestones", "depends_on", "dependents")
            .get(pk=pk)
        )
    except Action.DoesNotExist as exc:
        raise Http404("No such action") from exc


def my_action_count(user: User) -> int:
    owned = ActionOwner.objects.filter(person__user=user).values("action_id")
    return actions_visible_to(user).filter(pk__in=owned).exclude(status__in=CLOSED).count()


def my_actions(user: User) -> QuerySet[Action]:
    """Open actions the user owns, most urgent first: overdue, update due, due soon, the rest."""
    on = today()
    attention = Case(
        When(overdue_q(on), then=Value(0)),
        When(update_due_q(on), then=Value(1)),
        When(due_soon_q(on), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )
    owned = ActionOwner.objects.filter(person__user=user).values("action_id")
    return (
        _with_list_relations(actions_visible_to(user).filter(pk__in=owned))
        .exclude(status__in=CLOSED)
        .annotate(attention=attention)
        .order_by("attention", F("due_latest").asc(nulls_last=True), "id")
    )


def _actions_linked_by(user: User, links: QuerySet[Any, Any]) -> QuerySet[Action]:
    return (
        actions_visible_to(user)
        .filter(pk__in=links.values("action_id"))
        .select_related("plan")
        .order_by("plan__title", "position")
    )


def actions_involving_organisation(user: User, organisation: Organisation) -> QuerySet[Action]:
    return _actions_linked_by(user, ActionOrganisation.objects.filter(organisation=organisation))


def actions_owned_by(user: User, person: Person) -> QuerySet[Action]:
    return _actions_linked_by(user, ActionOwner.objects.filter(person=person))


def people_to_choose_for(plan: Plan) -> QuerySet[Person]:
    """Who may be made an owner in this plan's forms: people of the owning organisation and
    its units, of organisations already involved in the plan, and anyone owning one of its
    actions. The whole national directory would be tens of thousands of options."""
    involved = ActionOrganisation.objects.filter(action__plan=plan).values_list(
        "organisation_id", flat=True
    )
    organisations = with_units([plan.owner_organisation_id, *involved])
    owning = ActionOwner.objects.filter(action__plan=plan).values("person_id")
    return (
        Person.objects.filter(Q(organisation_id__in=organisations) | Q(pk__in=owning))
        .select_related("organisation")
        .order_by("name", "post")
    )


def owners_in_plan(plan: Plan) -> QuerySet[Person]:
    return Person.objects.filter(ownerships__action__plan=plan).distinct().order_by("name", "post")


def organisations_in_plan(plan: Plan) -> QuerySet[Organisation]:
    return Organisation.objects.filter(action_roles__action__plan=plan).distinct().order_by("name")


def action_updates(action: Action) -> QuerySet[Update]:
    return Update.objects.filter(action=action).select_related("author")


# --- Evidence on updates (registered with the evidence app in plans/hooks.py) ---------------


def update_readable(user: User, update: Update) -> bool:
    """Evidence on an update is read by whoever may see its plan (the action page's rule)."""
    return plans_visible_to(user).filter(pk=update.action.plan_id).exists()


def update_evidence_attachable(user: User, update: Update) -> bool:
    """Evidence is added to an update (or removed from it) by the plan's managers, and by the
    update's author while they may still post updates on its action."""
    if not user.is_authenticated:
        return False
    access = plan_access(user, update.action.plan)
    if access.can_manage:
        return True
    return update.author_id == user.pk and access.can_post_update(update.action)


RECENT_BATCH = 500
RECENT_SCAN_LIMIT = 10
RECENT_MANY_PLANS = 200


def visible_plan_ids(user: User) -> list[int]:
    return list(plans_visible_to(user).order_by("pk").values_list("pk", flat=True))


def newest_update_id() -> int:
    return Update.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def recent_updates(user: User, limit: int = 10, visible: list[int] | None = None) -> list[Update]:
    """The newest updates on plans the user can see.

    Sorting every update of every visible plan to keep ten is slow on a national database, so
    when the user sees many plans we walk the newest updates in batches and keep the visible
    ones; when they see few, the database goes through those plans' actions instead.
    """
    newest = Update.objects.order_by("-created_at", "-id")
    full = newest.select_related("action", "action__plan", "author")
    if user.is_superuser:
        return list(full[:limit])
    seen = set(visible_plan_ids(user) if visible is None else visible)
    if len(seen) > RECENT_MANY_PLANS:
        found: list[int] = []
        for batch in range(RECENT_SCAN_LIMIT):
            start = batch * RECENT_BATCH
            rows = newest.values_list("pk", "action__plan_id")[start : start + RECENT_BATCH]
            found += [pk for pk, plan_id in rows if plan_id in seen]
            if len(found) >= limit or len(rows) < RECENT_BATCH:
                return list(full.filter(pk__in=found[:limit]))
    return list(full.filter(action__plan_id__in=seen)[:limit])


# --- Dates PlanTrack cannot read ----------------------------------------------------------------


def deadline_unreadable(action: Action) -> bool:
    """A deadline written but not understood ("31 June 2027", "when funding allows"): the
    action can never be overdue. "TBC" and the like are understood: no date yet."""
    return (
        bool(action.due_text)
        and action.due_kind == "unknown"
        and not fuzzydates.parse(action.due_text).parsed
    )


UNREADABLE_MESSAGE = (
    "PlanTrack cannot read the deadline “{}” as a date, so this action can never show as "
    "overdue. Write it as, for example, “March 2027”, “Q3 2026/27” or “30/06/2027”."
)


def unreadable_deadlines(plan: Plan) -> list[dict[str, object]]:
    """The plan's actions whose deadline is written but cannot be read, for its page."""
    rows = Action.objects.filter(plan=plan, due_kind="unknown").exclude(due_text="")
    return [
        {"pk": a.pk, "ref": a.ref, "title": a.title, "due_text": a.due_text}
        for a in rows.only("id", "ref", "title", "due_text", "due_kind").order_by("position", "id")
        if deadline_unreadable(a)
    ]
