"""Every read of governance bodies, oversight, meetings, agenda items and decisions.

Everyone signed in may read the bodies, their members, meetings and the tree. What a body
says about a plan (oversight, agenda items and decisions pointing at the plan or its sections,
actions, measures or budget lines) is shown only to those who can see that plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from plantrack.accounts.models import User
from plantrack.budgets.models import BudgetLine
from plantrack.directory.models import Person
from plantrack.directory.selectors import organisation_ids_for, with_units
from plantrack.governance.models import AgendaItem, Body, BodyMember, Decision, Meeting, Oversight
from plantrack.measures.models import Measure
from plantrack.plans.models import Action, Plan, Section
from plantrack.plans.selectors import plans_visible_to

# The model of each kind of subject, by the name of its field on AgendaItem and Decision.
SUBJECT_MODELS: dict[str, type[Model]] = {
    "plan": Plan,
    "section": Section,
    "action": Action,
    "measure": Measure,
    "budget_line": BudgetLine,
}
# The action's section too: an action is named with it (Action.long_label).
SUBJECT_RELATED = ["plan", "section", "action__section", "measure", "budget_line"]


def subject_text(subject: Model | None) -> str:
    """What a decision is about, in words: "Plan: …", "Section: …", "Action 5 (Initiative
    2): …", "Measure: …", "Budget line: …"."""
    if isinstance(subject, Plan):
        return f"Plan: {subject.title}"
    if isinstance(subject, Section):
        return f"Section: {subject.title}"
    if isinstance(subject, Action):
        return subject.long_label()
    if isinstance(subject, Measure):
        return f"Measure: {subject.name}"
    if isinstance(subject, BudgetLine):
        return f"Budget line: {subject.name}"
    return ""


def subject_kind(subject: Model) -> str:
    for kind, model in SUBJECT_MODELS.items():
        if isinstance(subject, model):
            return kind
    raise TypeError(f"{type(subject).__name__} cannot be the subject of a decision")


def subject_plan_id(subject: Model) -> int:
    """The plan a subject is, or belongs to."""
    if isinstance(subject, Plan):
        return subject.pk
    if isinstance(subject, Section | Action | Measure | BudgetLine):
        return subject.plan_id
    raise TypeError(f"{type(subject).__name__} cannot be the subject of a decision")


# --- Bodies ---------------------------------------------------------------------------------


def bodies_visible_to(user: User) -> QuerySet[Body]:
    if not user.is_authenticated:
        return Body.objects.none()
    return Body.objects.select_related("chair", "organisation", "reports_to")


def body_get_for_user(user: User, pk: int) -> Body:
    try:
        return bodies_visible_to(user).get(pk=pk)
    except Body.DoesNotExist as exc:
        raise Http404("No such body") from exc


def body_can_manage(user: User, body: Body) -> bool:
    """Site admins, the user who is the body's chair, and members whose role names them its
    secretary keep a body: its details, members, meetings, agenda and decisions."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if body.chair_id is not None and body.chair_id in _person_ids(user):
        return True
    return BodyMember.objects.filter(
        body=body, person__user=user, role__icontains="secretary"
    ).exists()


def _person_ids(user: User) -> set[int]:
    return set(Person.objects.filter(user=user).values_list("pk", flat=True))


def bodies_managed_by(user: User) -> QuerySet[Body]:
    """The bodies the user keeps (see body_can_manage)."""
    if not user.is_authenticated:
        return Body.objects.none()
    if user.is_superuser:
        return Body.objects.all()
    secretary = BodyMember.objects.filter(person__user=user, role__icontains="secretary")
    return Body.objects.filter(Q(chair__user=user) | Q(pk__in=secretary.values("body_id")))


def bodies_kept_among(user: User, body_ids: set[int]) -> set[int]:
    """Which of these bodies the user keeps: whose decisions they may correct. One query."""
    if not body_ids:
        return set()
    kept = bodies_managed_by(user).filter(pk__in=body_ids)
    return set(kept.values_list("pk", flat=True))


@dataclass
class BodyNode:
    body: Body
    depth: int = 0
    children: list[BodyNode] = field(default_factory=list)
    oversights: list[Oversight] = field(default_factory=list)


def _oversights_visible_to(user: User) -> QuerySet[Oversight]:
    return Oversight.objects.filter(plan__in=plans_visible_to(user)).select_related(
        "body", "plan", "section", "lead"
    )


def bodies_tree(user: User) -> list[BodyNode]:
    """Every body as a tree (roots first, children by name), each with what it oversees among
    the plans the user can see. Two queries whatever the size of the tree."""
    bodies = list(bodies_visible_to(user).order_by("name"))
    nodes = {body.pk: BodyNode(body) for body in bodies}
    oversights = _oversights_visible_to(user).order_by("plan__title", "section__position", "pk")
    for oversight in oversights.filter(body_id__in=list(nodes)):
        nodes[oversight.body_id].oversights.append(oversight)
    roots: list[BodyNode] = []
    for body in bodies:
        parent = nodes.get(body.reports_to_id) if body.reports_to_id is not None else None
        (parent.children if parent else roots).append(nodes[body.pk])

    def set_depth(level: list[BodyNode], depth: int) -> None:
        for node in level:
            node.depth = depth
            set_depth(node.children, depth + 1)

    set_depth(roots, 0)
    return roots


def body_members(body: Body) -> QuerySet[BodyMember]:
    return (
        BodyMember.objects.filter(body=body)
        .select_related("person__organisation")
        .order_by("person__name", "person__post")
    )


def reporting_bodies(body: Body) -> QuerySet[Body]:
    return Body.objects.filter(reports_to=body).select_related("chair").order_by("name")


def body_chain(body: Body) -> list[Body]:
    """The bodies above this one, nearest first (a few queries: trees are shallow)."""
    chain, parent = [], body.reports_to
    while parent is not None and parent not in chain:
        chain.append(parent)
        parent = Body.objects.select_related("reports_to").get(pk=parent.pk).reports_to
    return chain


def oversights_for_body(user: User, body: Body) -> QuerySet[Oversight]:
    oversights = _oversights_visible_to(user).filter(body=body)
    return oversights.order_by("plan__title", "section__position")


def oversight_get_for_user(user: User, pk: int) -> Oversight:
    try:
        return _oversights_visible_to(user).get(pk=pk)
    except Oversight.DoesNotExist as exc:
        raise Http404("No such oversight") from exc


def oversights_for_plan(plan: Plan) -> QuerySet[Oversight]:
    """Who oversees the plan and each of its sections, the plan's own first."""
    return (
        Oversight.objects.filter(plan=plan)
        .select_related("body__chair", "section", "lead")
        .order_by("section__position", "section_id", "body__name")
    )


def people_to_choose_for_body(user: User, body: Body | None = None) -> QuerySet[Person]:
    """People offered as a body's chair or members: those of the user's organisations, of the
    body's and of its members' organisations (with their units), and anyone already on it. Not
    the whole national directory."""
    organisations = set(organisation_ids_for(user))
    organisations |= set(
        Person.objects.filter(user=user, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    on_body = Q(pk__in=[])
    if body is not None and body.pk:
        if body.organisation_id:
            organisations.add(body.organisation_id)
        organisations |= set(
            BodyMember.objects.filter(body=body, person__organisation__isnull=False).values_list(
                "person__organisation_id", flat=True
            )
        )
        on_body = Q(pk__in=BodyMember.objects.filter(body=body).values("person_id"))
        if body.chair_id:
            on_body |= Q(pk=body.chair_id)
    if user.is_superuser and not organisations:
        return Person.objects.select_related("organisation").order_by("name", "post")
    people = Person.objects.filter(Q(organisation_id__in=with_units(organisations)) | on_body)
    return people.select_related("organisation").order_by("name", "post")


# --- Meetings and agenda --------------------------------------------------------------------


def meetings_for_body(body: Body) -> QuerySet[Meeting]:
    return Meeting.objects.filter(body=body).order_by("-date", "-id")


def meeting_get_for_user(user: User, pk: int) -> Meeting:
    try:
        return Meeting.objects.select_related("body__chair").get(
            pk=pk, body__in=bodies_visible_to(user)
        )
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting") from exc


def _about_visible(user: User) -> Q:
    return Q(subject_plan__isnull=True) | Q(subject_plan__in=plans_visible_to(user))


def agenda_for_meeting(user: User, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda items, leaving out those about plans the user cannot see."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .filter(_about_visible(user))
        .select_related(*SUBJECT_RELATED)
        .order_by("position", "id")
    )


def agenda_item_get_for_user(user: User, pk: int) -> AgendaItem:
    try:
        return (
            AgendaItem.objects.filter(_about_visible(user))
            .select_related("meeting__body")
            .get(pk=pk)
        )
    except AgendaItem.DoesNotExist as exc:
        raise Http404("No such agenda item") from exc


def meetings_for_plan(plan: Plan) -> QuerySet[Meeting]:
    """Meetings that had the plan, or one of its things, on the agenda or decided about it."""
    agenda = AgendaItem.objects.filter(subject_plan=plan).values("meeting_id")
    decided = Decision.objects.filter(subject_plan=plan, meeting__isnull=False).values("meeting_id")
    return (
        Meeting.objects.filter(Q(pk__in=agenda) | Q(pk__in=decided))
        .select_related("body")
        .order_by("-date", "-id")
    )


# --- Decisions ------------------------------------------------------------------------------


def decisions_with_subjects() -> QuerySet[Decision]:
    """Decisions with what a list shows: the body, the meeting (whose name may be its body's)
    and the subject. Not scoped: callers filter to what the reader may see."""
    return Decision.objects.select_related("body", "meeting__body", *SUBJECT_RELATED)


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    if not user.is_authenticated:
        return Decision.objects.none()
    decisions = decisions_with_subjects()
    return decisions if user.is_superuser else decisions.filter(_about_visible(user))


def decisions_for_body(user: User, body: Body) -> QuerySet[Decision]:
    return decisions_visible_to(user).filter(body=body)


def decisions_for_meeting(user: User, meeting: Meeting) -> QuerySet[Decision]:
    return decisions_visible_to(user).filter(meeting=meeting)


def decisions_for_plan(plan: Plan) -> QuerySet[Decision]:
    """Decisions about the plan or any of its sections, actions, measures or budget lines, for
    a plan already fetched through plan_get_for_user."""
    return decisions_with_subjects().filter(subject_plan=plan)


def decisions_for_action(action: Action) -> QuerySet[Decision]:
    return decisions_with_subjects().filter(action=action)


def decisions_for(subject: Model) -> QuerySet[Decision]:
    """Decisions about one thing. For a plan: about the plan and everything in it."""
    if isinstance(subject, Plan):
        return decisions_for_plan(subject)
    return decisions_with_subjects().filter(**{subject_kind(subject): subject})


def decision_get_for_user(user: User, pk: int) -> Decision:
    try:
        return decisions_visible_to(user).get(pk=pk)
    except Decision.DoesNotExist as exc:
        raise Http404("No such decision") from exc


# --- Subjects offered in forms --------------------------------------------------------------


def subject_choices(user: User, body: Body) -> list[tuple[str, list[tuple[str, str]]]]:
    """What an agenda item or decision of this body may point at, grouped by plan: the plans
    it oversees (directly or through a section) that the user can see, and everything in them.
    Values are "<kind>:<id>", read back by subject_from_choice."""
    plan_ids = list(
        Oversight.objects.filter(body=body, plan__in=plans_visible_to(user))
        .values_list("plan_id", flat=True)
        .distinct()
    )
    groups: dict[int, list[tuple[str, str]]] = {pk: [] for pk in plan_ids}
    plans = Plan.objects.filter(pk__in=plan_ids).order_by("title")
    titles = {}
    for plan in plans:
        titles[plan.pk] = plan.title
        groups[plan.pk].append((f"plan:{plan.pk}", f"The plan: {plan.title[:80]}"))
    for s in Section.objects.filter(plan_id__in=plan_ids).order_by("position", "id"):
        groups[s.plan_id].append((f"section:{s.pk}", f"Section: {s.title[:80]}"))
    actions = Action.objects.filter(plan_id__in=plan_ids).select_related("section")
    for a in actions.order_by("position", "id"):
        groups[a.plan_id].append((f"action:{a.pk}", a.long_label(70)))
    for m in Measure.objects.filter(plan_id__in=plan_ids).order_by("name", "id"):
        groups[m.plan_id].append((f"measure:{m.pk}", f"Measure: {m.name[:80]}"))
    for line in BudgetLine.objects.filter(plan_id__in=plan_ids).order_by("id"):
        groups[line.plan_id].append((f"budget_line:{line.pk}", f"Budget line: {line.name[:80]}"))
    return [(titles[pk][:80], groups[pk]) for pk in sorted(titles, key=lambda pk: titles[pk])]


def subject_get_for_user(user: User, kind: str, pk: int) -> Model | None:
    """A plan, section, action, measure or budget line in a plan the user can see, or None."""
    model = SUBJECT_MODELS.get(kind)
    if model is None:
        return None
    visible = plans_visible_to(user)
    things = (
        model._default_manager.filter(pk__in=visible)
        if model is Plan
        else model._default_manager.filter(plan__in=visible)
    )
    return things.filter(pk=pk).first()


def subject_choice_value(subject: Model) -> str:
    """The "<kind>:<id>" a form offers for a subject (see subject_choices)."""
    return f"{subject_kind(subject)}:{subject.pk}"


def subject_from_choice(user: User, value: str) -> Model | None:
    kind, _, pk = (value or "").partition(":")
    return subject_get_for_user(user, kind, int(pk)) if pk.isdigit() else None


def meeting_of_body(body: Body, pk: int) -> Meeting | None:
    return Meeting.objects.filter(body=body, pk=pk).select_related("body").first()


def agenda_item_of_body(user: User, body: Body, pk: int) -> AgendaItem | None:
    return (
        AgendaItem.objects.filter(meeting__body=body, pk=pk)
        .filter(_about_visible(user))
        .select_related("meeting", *SUBJECT_RELATED)
        .first()
    )
