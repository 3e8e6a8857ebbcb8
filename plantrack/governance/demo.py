"""The governance proposed in seed 004 (section 4, "Partnership/ project governance").

Each initiative has a strategic lead and a senior steering group that signs off its target
groups, delivery model, policies and processes and reports progress to the Safer Communities
Partnership Board: BASBAG for Neighbourhood Justice Panels and Community Coaches, the IOM
Steering Group for Enhanced IOM, and a new group, chaired by the police, for Conditional
Cautions. A new Strategy Implementation Group replaces the Project Board as programme board for
the four initiatives. The document says the steering groups report to the Board, so they sit
beneath it beside the programme board (its diagram did not survive the text extraction).
"""

from __future__ import annotations

from django.db import transaction

from plantrack.accounts.models import User
from plantrack.directory.models import Organisation, Person
from plantrack.directory.services import organisation_create, person_create
from plantrack.governance import services
from plantrack.governance.models import Body, Oversight
from plantrack.plans.models import Plan

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


@transaction.atomic
def load_demo_governance(*, actor: User, plan: Plan) -> dict[str, Body]:
    """Seed 004's bodies, reporting lines, strategic leads and oversight of ``plan`` (the plan
    imported from it). Anything already there is left as it is, so loading twice changes
    nothing."""
    bodies = _bodies(actor, plan.owner_organisation)
    sections = {s.title: s for s in plan.sections.all()}
    for title, body_name, lead_name, lead_text in INITIATIVES:
        section = sections.get(title)
        if section is not None:
            lead = _person(actor, lead_name)
            _oversee(actor, bodies[body_name], plan, section, lead, lead_text)
    for body_name in PLAN_OVERSIGHT:
        _oversee(actor, bodies[body_name], plan)
    return bodies
