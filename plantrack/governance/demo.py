"""The governance proposed in seed 004 (section 4, "Partnership/ project governance").

Each initiative has a strategic lead and a senior steering group that signs off its target
groups, delivery model, policies and processes and reports progress to the Safer Communities
Partnership Board: BASBAG for Neighbourhood Justice Panels and Community Coaches, the IOM
Steering Group for Enhanced IOM, and a new group, chaired by the police, for Conditional
Cautions. A new Strategy Implementation Group replaces the Project Board as programme board for
the four initiatives. The document says the steering groups report to the Board, so they sit
beneath it beside the programme board (its diagram did not survive the text extraction).

On top of that, a reporting cycle dated from today so the demo always looks current: the
steering groups' decisions and sign-offs that the plan's action tables give them, a meeting
of the programme board and of the Board in the last financial quarter (taking the decisions
the document proposes) and one of each next month, with agenda items about the plan, its
initiatives, actions and measures. The wording is the document's; it gives no figures beyond
those already in the plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.db.models import Model

from plantrack.accounts.models import User
from plantrack.core.finyears import fy_quarter, quarter_bounds
from plantrack.directory.models import Organisation, Person
from plantrack.directory.services import organisation_create, person_create
from plantrack.governance import services
from plantrack.governance.models import AgendaItem, Body, Decision, Meeting, Oversight
from plantrack.governance.selectors import SUBJECT_MODELS, subject_kind
from plantrack.plans.models import Plan
from plantrack.plans.selectors import today

BOARD = "Safer Communities Partnership Board"
SIG = "Strategy Implementation Group"
BASBAG = "Barnet Anti-Social Behaviour Action Group"
IOM = "IOM Steering Group"
CAUTIONS = "Conditional Cautions Steering Group"

STEERING_DUTIES = (
    "Sign off for detailed target groups and delivery models. Sign off for policies and "
    "processes. Ensuring alignment with wider partnership priorities. Reporting progress to the "
    "Safer Communities Partnership Board."
)
# (name, short name, kind, reports to, chair as written, host organisation, terms of reference)
BODIES = [
    (
        BOARD,
        "",
        Body.Kind.BOARD,
        None,
        "",
        None,
        "The partnership board the governance and reporting of the four initiatives feed into.",
    ),
    (
        SIG,
        "SIG",
        Body.Kind.PROGRAMME_BOARD,
        BOARD,
        "Local Authority Assistant Director for Community Wellbeing",
        "London Borough of Barnet",
        "Replaces the Safer Communities Project Board. Programme board for the delivery of the "
        "four initiatives, with a wider focus on implementing the cross-cutting priorities of "
        "the safer communities strategy: reducing fear of crime, early intervention and "
        "prevention, repeat victimisation, joint resources and hotspots.",
    ),
    (
        BASBAG,
        "BASBAG",
        Body.Kind.STEERING_GROUP,
        BOARD,
        "",
        None,
        "The existing group acts as the steering group for the Neighbourhood Justice Panels and "
        "Community Coaches initiatives. " + STEERING_DUTIES,
    ),
    (
        IOM,
        "",
        Body.Kind.STEERING_GROUP,
        BOARD,
        "",
        None,
        "The existing group oversees the enhanced Integrated Offender Management initiative. "
        + STEERING_DUTIES,
    ),
    (
        CAUTIONS,
        "",
        Body.Kind.STEERING_GROUP,
        BOARD,
        "The police",
        "Barnet Police",
        "A new steering group to oversee the implementation of the Conditional Cautions strand, "
        "including representation from the local authority and public health. " + STEERING_DUTIES,
    ),
]
ORGANISATIONS = {
    "Barnet Police": ("", Organisation.Kind.POLICE_FORCE),
    "London Borough of Barnet": ("LBB", Organisation.Kind.COUNCIL),
    "Barnet and Enfield Probation Trust": ("", Organisation.Kind.PROBATION),
}
# The strategic leads as the document writes them: name, post, organisation.
LEADS = {
    "Andy Mariner": ("Chief Inspector", "Barnet Police"),
    "Michael Kelly": ("Interim Community Protection Group Manager", "London Borough of Barnet"),
    "Douglas Charlton": ("", "Barnet and Enfield Probation Trust"),
}
# Initiative (section title), its steering group, its lead and the lead as written.
INITIATIVES = [
    (
        "Neighbourhood Justice Panels",
        BASBAG,
        "Andy Mariner",
        "Andy Mariner, Chief Inspector, Barnet Police",
    ),
    (
        "Community Coaches",
        BASBAG,
        "Michael Kelly",
        "Michael Kelly, Interim Community Protection Group Manager, LBB",
    ),
    (
        "Conditional Cautions",
        CAUTIONS,
        "Andy Mariner",
        "Andy Mariner, Chief Inspector, Barnet Police",
    ),
    (
        "Enhanced Integrated Offender Management",
        IOM,
        "Douglas Charlton",
        "Douglas Charlton, Barnet and Enfield Probation Trust",
    ),
]
# The plan as a whole: the programme board delivers it, the Board receives its reporting.
PLAN_OVERSIGHT = [SIG, BOARD]


def _organisation(actor: User, name: str) -> Organisation:
    short_name, kind = ORGANISATIONS[name]
    return Organisation.objects.filter(name=name, parent=None).first() or organisation_create(
        actor=actor, name=name, short_name=short_name, kind=kind
    )


def _person(actor: User, name: str) -> Person:
    # Someone already in the directory (an imported owner, say) is the same person.
    existing = Person.objects.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return existing
    post, organisation = LEADS[name]
    return person_create(
        actor=actor, name=name, post=post, organisation=_organisation(actor, organisation)
    )


def _bodies(actor: User, partnership: Organisation) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for name, short, kind, parent, chair_text, host, terms in BODIES:
        body = Body.objects.filter(name=name).first()
        if body is None:
            body = services.body_create(
                actor=actor,
                name=name,
                short_name=short,
                kind=kind,
                reports_to=bodies[parent] if parent else None,
                chair_text=chair_text,
                cadence=Body.Cadence.NOT_STATED,  # the plan does not say how often they meet
                organisation=_organisation(actor, host) if host else partnership,
                terms_of_reference=terms,
            )
        bodies[name] = body
    return bodies


def _oversee(actor: User, body: Body, plan: Plan, section=None, lead=None, text="") -> None:
    if not Oversight.objects.filter(body=body, plan=plan, section=section).exists():
        services.oversight_set(
            actor=actor, body=body, plan=plan, section=section, lead=lead, lead_text=text
        )


# --- The reporting cycle --------------------------------------------------------------------

# What an agenda item or decision is about, found in the imported plan: the plan itself, an
# initiative (section) by title, an action by its section and the start of its title (the
# numbers repeat: "13." twice in one table), or a measure by name.
PLAN = ("plan",)
NJP, COACHES, CAUTIONS_S, IOM_S = (
    "Neighbourhood Justice Panels",
    "Community Coaches",
    "Conditional Cautions",
    "Enhanced Integrated Offender Management",
)


def _section(title: str) -> tuple:
    return ("section", title)


def _action(section: str, title: str) -> tuple:
    return ("action", section, title)


def _measure(name: str) -> tuple:
    return ("measure", name)


@dataclass(frozen=True)
class DemoDecision:
    body: str
    kind: str
    text: str
    about: tuple | None
    # Taken again at each meeting ("progress noted"), not once.
    each_meeting: bool = False


@dataclass(frozen=True)
class DemoItem:
    title: str
    about: tuple | None
    decision: DemoDecision | None = None


# Taken by the steering groups between meetings, as the action tables give them.
STEERING_DECISIONS = [
    DemoDecision(
        BASBAG,
        Decision.Kind.DECISION,
        "BASBAG agree delivery model",
        _action(NJP, "BASBAG agree delivery model"),
    ),
    DemoDecision(
        BASBAG,
        Decision.Kind.DECISION,
        "BASBAG agree delivery model",
        _action(COACHES, "BASBAG agree delivery model"),
    ),
    DemoDecision(
        BASBAG,
        Decision.Kind.SIGN_OFF,
        "Sign off process/ policies/ evaluation/scorecard",
        _action(NJP, "Sign off process/ policies/ evaluation/scorecard"),
    ),
    DemoDecision(
        BASBAG,
        Decision.Kind.SIGN_OFF,
        "Approve contract specification",
        _action(COACHES, "Approve contract specification"),
    ),
    DemoDecision(
        IOM,
        Decision.Kind.DECISION,
        "Preferred options for expansion selected and pathway developments agreed",
        _action(IOM_S, "IOM Steering Group to meet to select preferred options"),
    ),
    DemoDecision(
        CAUTIONS,
        Decision.Kind.SIGN_OFF,
        "Sign off for detailed target groups and delivery models",
        _section(CAUTIONS_S),
    ),
]
PROGRESS_NOTED = "Progress reports on the four initiatives noted"
PLANS_NOTED = "Implementation plans for the four initiatives noted"
GOVERNANCE_AGREED = (
    "Proposed governance agreed: each initiative has a nominated strategic lead and a senior "
    "steering group reporting progress to the Safer Communities Partnership Board; a new "
    "Strategy Implementation Group replaces the Safer Communities Project Board as programme "
    "board for the delivery of the four initiatives."
)
EVALUATION_AGREED = (
    "Agreed: to establish a robust framework for evaluation of the suite of initiatives with a "
    "view to identifying the financial and non-financial benefits accruing across the "
    "partnership."
)
# body: (meeting title, agenda last quarter, agenda next month)
MEETINGS = {
    SIG: (
        "Progress of the four initiatives",
        [
            DemoItem(
                "Progress reports from the four initiatives",
                PLAN,
                DemoDecision(SIG, Decision.Kind.NOTED, PROGRESS_NOTED, PLAN, each_meeting=True),
            ),
            DemoItem(
                "Neighbourhood Justice Panels: delivery model agreed by BASBAG",
                _action(NJP, "BASBAG agree delivery model"),
            ),
            DemoItem(
                "Enhanced IOM: cohort expansion options paper",
                _action(IOM_S, "Produce cohort expansion options paper"),
            ),
            DemoItem(
                "Evaluation of the suite of initiatives",
                PLAN,
                DemoDecision(SIG, Decision.Kind.DECISION, EVALUATION_AGREED, PLAN),
            ),
        ],
        [
            DemoItem("Progress reports from the four initiatives", PLAN),
            DemoItem(
                "Neighbourhood Justice Panels: recruitment and training of volunteers",
                _measure("Volunteers"),
            ),
            DemoItem(
                "Community Coaches: market engagement, contract and letting",
                _action(COACHES, "Market engagement, contract and letting"),
            ),
            DemoItem(
                "Conditional Cautions: police processes and policy for the new conditions",
                _action(CAUTIONS_S, "Devise and agree police processes/ policy"),
            ),
            DemoItem("Enhanced IOM: stepped cohort expansion", _measure("Cohort")),
        ],
    ),
    BOARD: (
        "Safer Communities enhancements",
        [
            DemoItem(
                "Partnership/ project governance of the four initiatives",
                PLAN,
                DemoDecision(BOARD, Decision.Kind.DECISION, GOVERNANCE_AGREED, PLAN),
            ),
            DemoItem(
                "Implementation plans for the four initiatives",
                PLAN,
                DemoDecision(BOARD, Decision.Kind.NOTED, PLANS_NOTED, PLAN),
            ),
            DemoItem(
                "Conditional Cautions: new steering group, chaired by the police",
                _section(CAUTIONS_S),
            ),
        ],
        [
            DemoItem("Progress report from the Strategy Implementation Group", PLAN),
            DemoItem("Evaluation and benefits realisation", PLAN),
            DemoItem("Future sustainability of the four initiatives", PLAN),
        ],
    ),
}


def _weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth Monday (0), Tuesday (1)… of a month."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def _month_after(day: dt.date, months: int = 1) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


TUESDAY, WEDNESDAY, THURSDAY = 1, 2, 3


@dataclass(frozen=True)
class Cycle:
    """When things happen. In the financial quarter before ``on``'s, the Board agrees the
    governance in the first month, the steering groups decide early in the second and the
    programme board meets in the middle of it. Next month the programme board meets, then
    the Board receives its report."""

    on: dt.date

    @property
    def _last_quarter(self) -> tuple[int, int]:
        start, _ = quarter_bounds(*fy_quarter(self.on))
        return fy_quarter(start - dt.timedelta(days=1))

    def _month(self, index: int) -> tuple[int, int]:
        start, _ = quarter_bounds(*self._last_quarter)
        return _month_after(start, index)

    def steering(self, body: str) -> dt.date:
        weekday = {BASBAG: TUESDAY, IOM: WEDNESDAY}.get(body, THURSDAY)
        return _weekday(*self._month(1), weekday, 1)

    def past(self, body: str) -> dt.date:
        if body == SIG:
            return _weekday(*self._month(1), TUESDAY, 3)
        return _weekday(*self._month(0), TUESDAY, 2)

    def upcoming(self, body: str) -> dt.date:
        return _weekday(*_month_after(self.on), TUESDAY, 2 if body == SIG else 4)


def _find(plan: Plan, about: tuple | None) -> Model | Literal[False] | None:
    """The thing in the plan, None for the body's own business, False if the import has no
    such thing (then the item or decision is left out)."""
    if about is None:
        return None
    kind, *key = about
    found: Model | None
    if kind == "plan":
        found = plan
    elif kind == "section":
        found = plan.sections.filter(title=key[0]).first()
    elif kind == "action":
        found = (
            plan.actions.filter(section__title=key[0], title__startswith=key[1])
            .order_by("position", "pk")
            .first()
        )
    else:
        found = plan.measures.filter(name=key[0]).order_by("pk").first()
    return found if found is not None else False


def _subject_filter(subject: Model | None) -> dict:
    """Lookups matching a decision or agenda item about exactly this subject."""
    kind = subject_kind(subject) if subject is not None else None
    return {name: subject if name == kind else None for name in SUBJECT_MODELS}


def _decide(
    actor: User, bodies: dict[str, Body], plan: Plan, wanted: DemoDecision, **where
) -> None:
    subject = _find(plan, wanted.about)
    if subject is False:
        return
    body = bodies[wanted.body]
    # The same words of the same body about the same thing are the same decision.
    same = Decision.objects.filter(body=body, text=wanted.text, **_subject_filter(subject))
    if wanted.each_meeting:
        same = same.filter(meeting=where["agenda_item"].meeting)
    if not same.exists():
        services.decision_record(
            actor=actor, body=body, text=wanted.text, kind=wanted.kind, subject=subject, **where
        )


def _meeting(actor: User, body: Body, date: dt.date, title: str, agenda: list[DemoItem], plan):
    meeting = Meeting.objects.filter(body=body, date=date).order_by("pk").first()
    if meeting is None:
        meeting = services.meeting_create(actor=actor, body=body, date=date, title=title)
    items = []
    for wanted in agenda:
        subject = _find(plan, wanted.about)
        if subject is False:
            continue
        item = AgendaItem.objects.filter(meeting=meeting, title=wanted.title).first()
        if item is None:
            item = services.agenda_item_add(
                actor=actor, meeting=meeting, title=wanted.title, subject=subject
            )
        items.append((item, wanted.decision))
    return meeting, items


def load_demo_cycle(
    *, actor: User, plan: Plan, bodies: dict[str, Body], on: dt.date | None = None
) -> list[Meeting]:
    """The decisions, meetings and agendas of a reporting cycle around ``on`` (today). Loading
    again on a day of the same month changes nothing; in a later month the new meetings are
    added beside the earlier ones, as a real cycle would add them."""
    cycle = Cycle(on or today())
    for wanted in STEERING_DECISIONS:
        _decide(actor, bodies, plan, wanted, decided_on=cycle.steering(wanted.body))
    meetings = []
    for name, (title, past, upcoming) in MEETINGS.items():
        body = bodies[name]
        meeting, items = _meeting(actor, body, cycle.past(name), title, past, plan)
        for item, wanted in items:
            if wanted is not None:
                _decide(actor, bodies, plan, wanted, agenda_item=item)
        meetings.append(meeting)
        meetings.append(_meeting(actor, body, cycle.upcoming(name), title, upcoming, plan)[0])
    return meetings


@transaction.atomic
def load_demo_governance(*, actor: User, plan: Plan, on: dt.date | None = None) -> dict[str, Body]:
    """Seed 004's bodies, reporting lines, strategic leads and oversight of ``plan`` (the plan
    imported from it), and a reporting cycle around ``on`` (today). Anything already there is
    left as it is, so loading twice in a month changes nothing (see load_demo_cycle)."""
    bodies = _bodies(actor, plan.owner_organisation)
    sections = {s.title: s for s in plan.sections.all()}
    for title, body_name, lead_name, lead_text in INITIATIVES:
        section = sections.get(title)
        if section is not None:
            lead = _person(actor, lead_name)
            _oversee(actor, bodies[body_name], plan, section, lead, lead_text)
    for body_name in PLAN_OVERSIGHT:
        _oversee(actor, bodies[body_name], plan)
    load_demo_cycle(actor=actor, plan=plan, bodies=bodies, on=on)
    return bodies
