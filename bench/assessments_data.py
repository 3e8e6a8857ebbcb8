"""The self-assessment part of the benchmark (issue 13): 40 units (one per borough of the
engagement dataset) assessing themselves against 3 frameworks of 50 items, 8 cycles each (7
closed, the newest open), with every answer given and about one in ten reviewed.

Built with the ORM's bulk_create after the national dataset (``ensure``), and reused while the
frameworks are there: their services would write history for every row, which the benchmark
does not read. Organisation 1 (the force) keeps the frameworks, so the bench manager (its
member) runs the cycles and sees the heat maps; the bench owner is the assessor of the first
unit in every cycle, so that its return's form and the API's answer to it can be timed. A
cycle of framework 1 sent to 3 units only is the "same queries on less data" check.
"""

from __future__ import annotations

import datetime as dt
import random

UNITS = 40
FRAMEWORKS = 3
ITEMS = 50
CYCLES = 8
SMALL_UNITS = 3
TITLE = "Bench framework {n}: good practice for borough schemes"
SEED = 13

LEVELS = (
    ["not_in_place"] * 10 + ["planned"] * 15 + ["partly"] * 25 + ["in_place"] * 35
    + ["embedded"] * 10 + ["not_applicable"] * 5
)  # fmt: skip
PRACTICES = [
    "Appointment of a SPOC at PCSO/PC/PS level to run the scheme locally with minimum "
    "Inspector-level oversight",
    "Regular (3-weekly) reminder slides on MetBats for all officers and staff",
    "Publicity material in front offices and libraries",
    "Links with the YOT, PRUs, schools and Kickz projects",
    "Prompt renewal of funding once existing funding expires",
    "Minimum monthly contact with the central team",
    "Partnership agreement signed with the local authority",
    "Volunteers recruited, vetted and trained",
    "Young people consulted on the scheme's activities",
    "Results published each quarter",
]
KINDS = ["role", "recurring", "plain", "partner", "funding", "recurring", "plain", "plain",
         "plain", "plain"]  # fmt: skip


def _existing(manifest: dict) -> dict | None:
    from plantrack.assessments.models import Cycle, Framework

    first = Framework.objects.filter(title=TITLE.format(n=1)).first()
    if first is None:
        return None
    cycle = Cycle.objects.filter(framework=first, status="open").order_by("-opens_on").first()
    small = Cycle.objects.filter(framework=first, title__endswith="(3 units)").first()
    if cycle is None or small is None:
        return None
    unit = cycle.units.order_by("pk").first()
    item = first.items.order_by("position").first()
    # The answer page of the costliest item to check: a recurring practice (its activities).
    recurring = first.items.filter(kind="recurring").order_by("position").first()
    return {
        "assessment_cycle_id": cycle.pk,
        "assessment_small_cycle_id": small.pk,
        "assessment_unit_id": unit.pk,
        "assessment_small_unit_id": small.units.order_by("pk").first().pk,
        "assessment_item_id": item.pk,
        "assessment_small_item_id": item.pk,
        "assessment_form_item_id": recurring.pk,
    }


def ensure(manifest: dict) -> dict:
    """The ids the assessment cases use, building the data first if it is not there."""
    found = _existing(manifest)
    if found is None:
        build(manifest)
        found = _existing(manifest)
        assert found is not None
    return found


def build(manifest: dict) -> None:
    from django.db import transaction
    from django.utils import timezone

    from plantrack.accounts.models import User
    from plantrack.assessments.models import Cycle, Framework, Item
    from plantrack.directory.models import Area, Membership, Organisation

    rng = random.Random(SEED)
    owner = User.objects.get(username=manifest["owner_username"])
    manager = User.objects.get(username=manifest["manager_username"])
    force = Organisation.objects.get(pk=1)
    boroughs = list(Area.objects.filter(level="borough").order_by("pk")[:UNITS])
    today = timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        units = Organisation.objects.bulk_create(
            Organisation(name=f"{area.name} BOCU (bench)", kind="unit", parent=force)
            for area in boroughs
        )
        assessors = list(User.objects.exclude(pk__in=[owner.pk, manager.pk]).order_by("pk")[:UNITS])
        assessors[0] = owner
        Membership.objects.bulk_create(
            [
                Membership(user=user, organisation=unit)
                for user, unit in zip(assessors, units, strict=True)
            ],
            ignore_conflicts=True,
        )
        frameworks = Framework.objects.bulk_create(
            Framework(
                title=TITLE.format(n=n),
                organisation=force,
                status="published",
                target_percent=80,
            )
            for n in range(1, FRAMEWORKS + 1)
        )
        items: dict[int, list[Item]] = {}
        for framework in frameworks:
            items[framework.pk] = Item.objects.bulk_create(
                Item(
                    framework=framework,
                    position=i + 1,
                    text=f"{PRACTICES[i % len(PRACTICES)]} ({i // len(PRACTICES) + 1})",
                    kind=KINDS[i % len(KINDS)],
                    cadence_days=21 if KINDS[i % len(KINDS)] == "recurring" else None,
                    check_words="reminder, briefing"
                    if KINDS[i % len(KINDS)] == "recurring"
                    else "",
                    mandatory=i % 10 == 0,
                )
                for i in range(ITEMS)
            )
        for framework in frameworks:
            for c in range(CYCLES):
                opens = today - dt.timedelta(days=365 * (CYCLES - 1 - c) + 30)
                is_open = c == CYCLES - 1
                cycle = Cycle.objects.create(
                    framework=framework,
                    title=f"{opens.year} self-assessment",
                    opens_on=opens,
                    due_on=opens + dt.timedelta(days=90),
                    status="open" if is_open else "closed",
                    closed_at=None if is_open else now,
                )
                cycle.reviewers.add(manager)
                _returns(rng, cycle, units, boroughs, assessors, items[framework.pk], manager)
        small = Cycle.objects.create(
            framework=frameworks[0],
            title=f"{today.year} pilot (3 units)",
            opens_on=today - dt.timedelta(days=30),
            due_on=today + dt.timedelta(days=60),
        )
        _returns(
            rng,
            small,
            units[:SMALL_UNITS],
            boroughs[:SMALL_UNITS],
            assessors[:SMALL_UNITS],
            items[frameworks[0].pk],
            manager,
        )


def _returns(rng, cycle, units, areas, assessors, items, reviewer) -> None:
    from plantrack.assessments.models import Answer, ReviewNote, Unit

    is_open = cycle.status == "open"
    statuses = ["not_started", "draft", "draft", "submitted", "challenged", "final"]
    made = Unit.objects.bulk_create(
        Unit(
            cycle=cycle,
            organisation=unit,
            area=area,
            # The bench owner's return stays theirs to answer (draft) in the open cycles.
            status=("draft" if i == 0 else rng.choice(statuses)) if is_open else "final",
        )
        for i, (unit, area) in enumerate(zip(units, areas, strict=True))
    )
    Unit.assessors.through.objects.bulk_create(
        Unit.assessors.through(unit_id=unit.pk, user_id=user.pk)
        for unit, user in zip(made, assessors, strict=True)
    )
    answers = []
    for unit in made:
        if unit.status == "not_started":
            continue
        for item in items:
            level = rng.choice(LEVELS)
            answers.append(
                Answer(
                    unit=unit,
                    item=item,
                    level=level,
                    reason="No schools in the ward" if level == "not_applicable" else "",
                    comment="See the minutes of the last meeting." if rng.random() < 0.2 else "",
                    review=rng.choice(["", "", "accepted", "accepted", "challenged"])
                    if unit.status != "draft"
                    else "",
                )
            )
    answers = Answer.objects.bulk_create(answers, batch_size=2000)
    ReviewNote.objects.bulk_create(
        (
            ReviewNote(
                answer=answer,
                author=reviewer,
                kind="challenge" if answer.review == "challenged" else "accept",
                text="What evidence is there of this?" if answer.review == "challenged" else "",
            )
            for answer in answers
            if answer.review and rng.random() < 0.3
        ),
        batch_size=2000,
    )
