"""The demo's engagement register: seed 002's Table 2 as the importer saved it, given what a
register's keepers add afterwards — the boroughs and a few wards it names, methods and IAP2
levels, the counts its text gives (96 wards, 221 pupils, 52 volunteers) confirmed as outputs, a
completed activity with its "you said, we did", a follow-up due next month, an evidence file, and
the volunteers' activities linked to the workplan action they deliver.

Ward lists are a few real wards per borough, without ONS codes (a real deployment imports the
ONS list: docs/engagement.md)."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from plantrack.accounts.models import User
from plantrack.directory import services as directory
from plantrack.directory.models import Area, Organisation, Person
from plantrack.engagement import services
from plantrack.engagement.models import Activity, Community, Method, Register
from plantrack.evidence.services import evidence_attach_file
from plantrack.plans.models import Plan

FORCE_AREA = "Metropolitan Police District"
BOROUGHS = {
    "SX": ("Barnet", ["Burnt Oak", "Colindale", "Hendon", "West Hendon"]),
    "QK": ("Brent", ["Harlesden", "Kilburn", "Wembley Central"]),
    "YR": ("Haringey", ["Bruce Grove", "Northumberland Park", "Tottenham Green"]),
    "WW": ("Wandsworth", ["Balham", "Bedford", "Tooting"]),
    "MD": ("Southwark", ["Camberwell Green", "Faraday", "Peckham"]),
    "VK": ("Kingston upon Thames", ["Chessington North & Hook", "Chessington South"]),
    "GD": ("Hackney", ["Dalston"]),
    "YE": ("Enfield", ["Edmonton Green"]),
    "NI": ("Islington", ["Finsbury Park"]),
    "ZD": ("Croydon", ["Fairfield"]),
}
# Words in an activity's method cell, and the method each names.
METHOD_WORDS = [
    (r"public meeting|open meeting", "Public meeting"),
    (r"leaflet street|street briefing", "Street briefing"),
    (r"survey|questionnaire|interview", "Survey"),
    (r"powerpoint|presentation", "Presentation"),
    (r"q&a", "Q&A session"),
    (r"radio drama|cd/film|cameras|music", "Youth media project"),
    (r"volunteer|conduits", "Volunteer scheme"),
    (r"sites|3 ?rd party", "Third-party reporting site"),
    (r"working groups|regular meetings", "Advisory group"),
    (r"online facility", "Online consultation"),
    (r"community events|cultural display|attends .* events", "Community event"),
    (r"training|one day courses", "Training course"),
    (r"literature|briefing sheet|information in a suitable format", "Literature and leaflets"),
    (r"pupil|school", "Scheme for schools"),
]
# Words in the communities cell → the group descriptor (engagement migration 0004).
COMMUNITY_WORDS = [
    (r"young|youth|juvenile|age group|14-25|11 ?yr", "Young people"),
    (r"deaf", "Deaf, deafened and hard of hearing people"),
    (r"faith|temple", "Faith communities"),
    (
        r"turkish|kurdish|south asian|tamil|pakistani|latin american|bme|black community",
        "Black, Asian and minority ethnic communities",
    ),
    (r"lgbt", "LGBT+ communities"),
    (r"school|pupil|student|college", "Schools and students"),
    (r"business", "Businesses"),
    (r"hard to reach|hidden community|not engaging", "Hard-to-reach groups"),
    (r"victim", "Victims of crime"),
    (r"refugee|immigration", "Refugees and asylum seekers"),
    (r"all who live", "Residents of a neighbourhood"),
]
# Title words → IAP2 level, as the register's keepers judged them.
LEVELS = [
    ("Consultation", "consult"),
    ("Youth Advisory", "involve"),
    ("Key Individual", "consult"),
    ("Street briefings", "involve"),
    ("Deaf link", "consult"),
    ("3 rd party", "empower"),
    ("Volunteer", "collaborate"),
    ("Community Association", "collaborate"),
    ("Junior Citizens", "inform"),
    ("COP Cards", "inform"),
    ("good, the bad", "involve"),
    ("Latin American", "inform"),
    ("Get Scene", "involve"),
    ("Quadrant", "empower"),
    ("Safer college", "inform"),
    ("Switched On", "involve"),
    ("AIKO", "consult"),
]
WHOLE_FORCE = ("Consultation", "Youth Advisory", "Key Individual", "Street briefings")


def _areas(actor: User, organisation: Organisation) -> tuple[Area, dict[str, Area]]:
    force = Area.objects.filter(name=FORCE_AREA, parent=None).first() or directory.area_create(
        actor=actor, name=FORCE_AREA, level="force", organisation=organisation
    )
    boroughs = {}
    for code, (name, wards) in BOROUGHS.items():
        borough = Area.objects.filter(parent=force, name=name).first()
        if borough is None:
            borough = directory.area_create(
                actor=actor, name=name, level="borough", code=code, parent=force
            )
            for ward in wards:
                directory.area_create(actor=actor, name=ward, level="ward", parent=borough)
        boroughs[code] = borough
    return force, boroughs


def _areas_of(activity: Activity, force: Area, boroughs: dict[str, Area]) -> list[Area]:
    if any(word in activity.title for word in WHOLE_FORCE):
        return [force]
    if "Chessington" in activity.owner_text:
        return list(Area.objects.filter(name__startswith="Chessington"))
    text = f"{activity.owner_text} {activity.business_plan_link} {activity.communities_text}"
    codes = re.findall(r"\(([A-Z]{2})\)", text) + re.findall(
        r"\b(GD|YR|YE|NI)\b", activity.communities_text
    )
    found = [boroughs[c] for c in dict.fromkeys(codes) if c in boroughs]
    if "Croydon" in activity.title:
        found.append(boroughs["ZD"])
    # Central units' work (SCD) reaches across the force.
    return found or [force]


def _methods(activity: Activity) -> list[Method]:
    text = activity.method_text.lower()
    names = [name for pattern, name in METHOD_WORDS if re.search(pattern, text)]
    return list(Method.objects.filter(name__in=names))


def _communities(activity: Activity) -> list[Community]:
    text = f"{activity.title} {activity.communities_text}".lower()
    names = [name for pattern, name in COMMUNITY_WORDS if re.search(pattern, text)]
    return list(Community.objects.filter(name__in=names))


def _level(activity: Activity) -> str:
    return next((level for words, level in LEVELS if words in activity.title), "")


def _find(register: Register, words: str) -> Activity | None:
    return Activity.objects.filter(register=register, title__icontains=words).first()


def load_demo_engagement(*, actor: User, manager: User, plan: Plan) -> Register | None:
    """Complete the register imported with seed 002's workplan ``plan``."""
    register = Register.objects.filter(
        organisation=plan.owner_organisation, source_document=plan.source_document
    ).first()
    if register is None or register.activities.filter(areas__isnull=False).exists():
        return register
    services.register_manager_add(actor=actor, register=register, user=manager)
    force, boroughs = _areas(actor, plan.owner_organisation)
    for activity in register.activities.all():
        services.activity_update(
            actor=actor,
            activity=activity,
            areas=_areas_of(activity, force, boroughs),
            methods=_methods(activity),
            communities=_communities(activity),
            level=_level(activity),
            status="running",
        )
    _what_happened(actor, register, plan, boroughs)
    return register


def _what_happened(actor: User, register: Register, plan: Plan, boroughs) -> None:
    today = timezone.localdate()
    kin = _find(register, "Key Individual Network")
    if kin:
        services.output_record(
            actor=actor, activity=kin, kind="wards", count=96, source_text="Took place on 96 wards"
        )
    cop = _find(register, "COP Cards")
    if cop:
        services.output_record(
            actor=actor,
            activity=cop,
            kind="people_reached",
            count=221,
            source_text="Target every year 6 pupil in Chessington (221 in total)",
        )
        evidence_attach_file(
            actor=actor,
            target=cop,
            title="COP Card scheme: pupils by school",
            upload=SimpleUploadedFile(
                "cop-cards-pupils.csv",
                b"School,Year 6 pupils,Cards signed\r\nSouthborough Primary,58,51\r\n"
                b"St Paul's Junior,54,49\r\nMoor Lane Junior,55,47\r\nLovelace Primary,54,50\r\n",
            ),
        )
    haringey = Activity.objects.filter(
        register=register, title__icontains="Volunteer", owner_text__icontains="Haringey"
    ).first()
    if haringey:
        services.output_record(
            actor=actor,
            activity=haringey,
            kind="volunteers",
            count=52,
            area=boroughs["YR"],
            source_text="Haringey has 52 (4 couples)",
        )
    _completed(actor, register, today)
    _follow_up(actor, register, today)
    volunteering = plan.actions.filter(title__icontains="volunteering").first()
    if volunteering:
        for activity in Activity.objects.filter(register=register, title__icontains="Volunteer"):
            services.activity_update(actor=actor, activity=activity, actions=[volunteering])


def _completed(actor: User, register: Register, today: dt.date) -> None:
    photos = _find(register, "good, the bad")
    if photos is None:
        return
    services.outcome_record(
        actor=actor,
        activity=photos,
        date=today - dt.timedelta(days=40),
        you_said="The underpass by the station and the unlit path to the recreation ground "
        "feel unsafe after dark, and nobody asks young people what they think.",
        we_did="The council repaired the lighting on the path; the underpass is a ward panel "
        "priority with patrols at school closing time; the young people now sit on the panel "
        "twice a year.",
    )
    services.activity_update_post(
        actor=actor,
        activity=photos,
        date=today - dt.timedelta(days=35),
        rag="green",
        narrative="Photographs presented to the ward panel and councillors; all three "
        "problem areas taken on.",
    )
    services.activity_update(actor=actor, activity=photos, status="completed")


def _follow_up(actor: User, register: Register, today: dt.date) -> None:
    briefings = _find(register, "Street briefings")
    if briefings is None:
        return
    owner = Person.objects.filter(user__username="demo").first()
    services.follow_up_create(
        actor=actor,
        activity=briefings,
        title="Follow-up meeting with those at the Sikh temple street briefing",
        due_on=today + dt.timedelta(days=30),
        owner=owner,
    )
