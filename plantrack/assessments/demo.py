"""The demo's frameworks: seed 000's good-practice checklist as the importer saved it, made
ready and published by its keepers (the SPOC and the monthly contact with the central team
marked as every borough's must), and seed 002's "minimum standards of engagement" as a second
framework, drafted and out for consultation. Its standards are the ones the engagement
evaluation scores completed activities against (engagement/quality.py)."""

from __future__ import annotations

import datetime as dt

from plantrack.accounts.models import User
from plantrack.accounts.services import user_create
from plantrack.assessments import cycles, services
from plantrack.assessments.models import GAPS, Cycle, Framework, Unit
from plantrack.core.finyears import fy_label, fy_of
from plantrack.directory.models import Membership, Organisation, Person
from plantrack.directory.services import membership_add, organisation_create, person_create
from plantrack.engagement import quality
from plantrack.evidence.services import evidence_attach_link
from plantrack.plans.selectors import today

MANDATORY = ("Appointment of a SPOC", "Ensure minimum monthly contact")
# The words naming the recorded activity of recurring practices, for the check against the data.
CHECK_WORDS = {
    "Regular (3-weekly?) reminder slides": "reminder slides, MetBats",
    "Ensure minimum monthly contact": "Met-Track",
}
STANDARDS_TITLE = "Minimum standards of engagement"


def load_demo_frameworks(*, actor: User, checklist: Framework) -> list[Framework]:
    for item in checklist.items.all():
        if item.text.startswith(MANDATORY):
            services.item_update(actor=actor, item=item, mandatory=True)
        for start, words in CHECK_WORDS.items():
            if item.text.startswith(start):
                services.item_update(actor=actor, item=item, check_words=words)
    services.framework_status_set(actor=actor, framework=checklist, status="published")
    standards = services.framework_create(
        actor=actor,
        organisation=checklist.organisation,
        title=STANDARDS_TITLE,
        description=(
            "Drafted from the engagement strategy's commitment to agree minimum standards of "
            "engagement, consult on them, publish them and assess activity against them."
        ),
        source_document="002_40bb875f2fd57843.txt",
    )
    for standard in quality.STANDARDS:
        services.item_create(
            actor=actor,
            framework=standards,
            text=f"{standard.name}: {standard.meaning[0].upper()}{standard.meaning[1:]}.",
            mandatory=True,
        )
    services.framework_status_set(actor=actor, framework=standards, status="consultation")
    return [checklist, standards]


# --- Cycles: last year's, closed; this year's, open, each borough at another stage -----------

# Six of the boroughs the engagement register names (engagement/demo.py), as units of the force.
BOROUGHS = [
    ("SX", "Barnet"),
    ("QK", "Brent"),
    ("YR", "Haringey"),
    ("WW", "Wandsworth"),
    ("MD", "Southwark"),
    ("VK", "Kingston upon Thames"),
]
# This year's stage of each borough's return, in the order above.
YEAR = dt.timedelta(days=365)
STAGES = ["not_started", "draft", "submitted", "challenged", "final", "final"]
LEVELS = ["in_place", "embedded", "partly", "planned", "not_in_place", "in_place", "in_place"]


def _level(borough: int, item: int, year: int) -> str:
    """A spread of answers that differs by borough and improves a little from year to year."""
    return LEVELS[(borough * 3 + item * 5 + year) % len(LEVELS)]


def load_demo_cycles(*, actor: User, checklist: Framework, reviewer: User) -> list[Cycle]:
    force = checklist.organisation
    units, assessors = [], []
    for code, name in BOROUGHS:
        # Kept from an earlier load (load_demo --reset reloads the checklist and its cycles).
        borough = Organisation.objects.filter(
            name=f"{name} BOCU ({code})", parent=force
        ).first() or organisation_create(
            actor=actor, name=f"{name} BOCU ({code})", short_name=code, parent=force
        )
        username = f"{name.split()[0].lower()}-spoc"
        assessor = User.objects.filter(username=username).first() or user_create(
            actor=actor, username=username, first_name=name.split()[0], last_name="SPOC"
        )
        if not Membership.objects.filter(user=assessor, organisation=borough).exists():
            membership_add(actor=actor, user=assessor, organisation=borough)
        if code == "YR" and not Person.objects.filter(organisation=borough).exists():
            # The directory shows Haringey's SPOC and the Inspector overseeing.
            person_create(
                actor=actor,
                name="Priya Shah",
                rank="PC",
                post="Met-Track SPOC",
                organisation=borough,
                spoc=True,
            )
            person_create(actor=actor, name="Tom Reed", rank="Insp", organisation=borough)
        units.append(borough)
        assessors.append(assessor)
    items = list(checklist.items.order_by("position"))
    # This year's cycle opened a month ago and is due in two; last year's a year before.
    opens = today() - dt.timedelta(days=30)
    year = fy_of(opens)
    last_year = _cycle(
        actor, checklist, f"{fy_label(year - 1)} self-assessment", opens - YEAR, units, reviewer
    )
    for n, (unit, assessor) in enumerate(
        zip(last_year.units.order_by("pk"), assessors, strict=True)
    ):
        _answer(unit, assessor, items, n, 0)
        cycles.unit_submit(actor=assessor, unit=unit)
        _review(unit, reviewer)
        cycles.unit_finalise(actor=reviewer, unit=unit)
    # Two boroughs turned a gap each into an action of their improvement plan.
    for unit, assessor in list(zip(last_year.units.order_by("pk"), assessors, strict=True))[:2]:
        gap = unit.answers.filter(level__in=GAPS).order_by("item__position").first()
        if gap is not None:
            cycles.gap_to_action(
                actor=assessor,
                answer=gap,
                due_text="By Mar 26",
                help_offered="The Met-Track team will run a session for the borough's SNTs.",
            )
    cycles.cycle_close(actor=actor, cycle=last_year)
    this_year = _cycle(
        actor, checklist, f"{fy_label(year)} self-assessment", opens, units, reviewer
    )
    for n, (unit, assessor) in enumerate(
        zip(this_year.units.order_by("pk"), assessors, strict=True)
    ):
        stage = STAGES[n]
        if stage == "draft":  # the demo user may try answering, beside the borough's SPOC
            cycles.unit_assessors_set(actor=actor, unit=unit, assessors=[assessor, reviewer])
        if stage == "not_started":
            continue
        _answer(unit, assessor, items if stage != "draft" else items[:9], n, 1)
        if stage == "draft":
            continue
        cycles.unit_submit(actor=assessor, unit=unit)
        if stage == "challenged":
            answer = unit.answers.get(item=items[0])
            cycles.answer_review(
                actor=reviewer,
                answer=answer,
                decision="challenge",
                text="Which officer is the SPOC, and who oversees them at Inspector level?",
            )
        elif stage == "final":
            _review(unit, reviewer)
            cycles.unit_finalise(actor=reviewer, unit=unit)
    return [last_year, this_year]


def _cycle(actor, checklist, title, opens: dt.date, units, reviewer) -> Cycle:
    cycle = cycles.cycle_create(
        actor=actor,
        framework=checklist,
        title=title,
        opens_on=opens,
        due_on=opens + dt.timedelta(days=90),
        units=units,
        reviewers=[reviewer],
    )
    for unit in cycle.units.all():
        assessors = User.objects.filter(memberships__organisation=unit.organisation)
        cycles.unit_assessors_set(actor=actor, unit=unit, assessors=list(assessors))
    return cycle


def _answer(unit: Unit, assessor: User, items, borough: int, year: int) -> None:
    given = []
    for number, item in enumerate(items):
        level = _level(borough, number, year)
        reason = ""
        if "custody" in item.text and borough % 2:
            level, reason = "not_applicable", "The borough has no custody suite of its own."
        given.append(cycles.AnswerInput(item, level, reason))
    cycles.unit_return_save(actor=assessor, unit=unit, answers=given)
    first = unit.answers.filter(item=items[0]).first()
    if first is not None and first.level in ("in_place", "embedded"):
        evidence_attach_link(
            actor=assessor,
            target=first,
            url="https://intranet.example.org/met-track/spoc-rota",
            title="SPOC rota and oversight arrangements",
        )


def _review(unit: Unit, reviewer: User) -> None:
    for answer in unit.answers.all():
        cycles.answer_review(actor=reviewer, answer=answer, decision="accept")


def load_demo_consultation(*, actor: User, standards: Framework) -> None:
    """The six boroughs consulted on the minimum standards; two have commented."""
    boroughs = list(
        Organisation.objects.filter(
            parent=standards.organisation, short_name__in=[code for code, _ in BOROUGHS]
        )
    )
    services.framework_update(actor=actor, framework=standards, consulted=boroughs)
    items = list(standards.items.order_by("position"))
    comments = [
        ("haringey-spoc", 4, "Outputs: say which count — is a leaflet drop an output?"),
        ("wandsworth-spoc", 5, "For ward panels the feedback is the panel's minutes: count them."),
    ]
    for username, number, text in comments:
        author = User.objects.get(username=username)
        services.item_comment_add(actor=author, item=items[number], text=text)
