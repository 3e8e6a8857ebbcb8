"""Builds the demo database by importing the seed plans, as a user would import them.

The seed documents (text extracted from real action plans) go through the import pipeline and
its save stage; the hand transcription in ``data/`` stays as the importer's answer key in tests.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from plantrack.accounts.models import User
from plantrack.accounts.services import user_create
from plantrack.assessments.demo import (
    STANDARDS_TITLE,
    load_demo_consultation,
    load_demo_cycles,
    load_demo_frameworks,
)
from plantrack.assessments.models import Answer, Cycle, Framework
from plantrack.budgets.demo import load_demo_funding
from plantrack.demo.publishing import load_demo_events, load_demo_publication
from plantrack.directory.models import Membership, Organisation, Person
from plantrack.directory.services import organisation_create, person_update
from plantrack.engagement.demo import load_demo_engagement
from plantrack.governance.demo import BOARD, load_demo_governance
from plantrack.governance.models import Body
from plantrack.governance.services import body_member_add
from plantrack.imports.pipeline import parse_bytes
from plantrack.imports.saving import import_parsed
from plantrack.measures.demo import load_demo_measures
from plantrack.plans import services
from plantrack.plans.models import Action, Plan
from plantrack.stakeholders.demo import load_demo_stakeholders

SEEDS_DIR = Path(__file__).parent / "seeds"
# Each seed document and the organisation that owns its plan (the documents name them).
DEMO_SEEDS = [
    ("001_f3fac51bb240287a.txt", "Metropolitan Police Service", Organisation.Kind.POLICE_FORCE),
    # The engagement workplan (a plan) and the register of engagement activity beside it.
    ("002_40bb875f2fd57843.txt", "Metropolitan Police Service", Organisation.Kind.POLICE_FORCE),
    ("003_c7fe91e708482392.txt", "West Mercia Police", Organisation.Kind.POLICE_FORCE),
    ("004_9c707c14883fcd10.txt", "Safer Communities Partnership", Organisation.Kind.PARTNERSHIP),
]
# Seed 000, a good-practice checklist with no plan in it: a framework of the force's.
FRAMEWORK_SEED = ("000_f44a1f62eb0eb8c0.txt", "Metropolitan Police Service")
DEMO_USERNAME = "demo"
# Writes the demo data, so the audit history says where it came from. It cannot sign in.
LOADER_USERNAME = "demo-loader"
# The demo account stands in for this person, so that "My actions" has something in it.
DEMO_PERSON = "Sophie Paley"


def _user(username: str, **fields) -> User:
    return User.objects.filter(username=username).first() or user_create(
        actor=None, username=username, **fields
    )


def _organisation(name: str, kind: str, actor: User) -> Organisation:
    return Organisation.objects.filter(name=name, parent=None).first() or organisation_create(
        actor=actor, name=name, kind=kind
    )


@transaction.atomic
def load_seed(file_name: str, organisation: Organisation, actor: User, manager: User) -> Plan:
    parsed = parse_bytes(file_name, (SEEDS_DIR / file_name).read_bytes(), is_text=True)
    (plan,) = import_parsed(
        actor=actor, parsed=parsed, owner_organisation=organisation, source_document=file_name
    )
    services.plan_role_set(actor=actor, plan=plan, user=manager, role="manager")
    return plan


def load_demo(*, reset: bool = False, stdout=None) -> list[Plan]:
    """Import the seed plans (and the engagement register beside seed 002's workplan, and seed
    000's checklist). Plans already loaded are kept unless ``reset`` is given."""
    demo = _user(
        DEMO_USERNAME, password=DEMO_USERNAME, first_name="Sophie", last_name="Paley (demo)"
    )
    loader = _user(LOADER_USERNAME, first_name="Demo data loader", is_superuser=True)
    plans: list[Plan] = []
    for file_name, name, kind in DEMO_SEEDS:
        existing = Plan.objects.filter(source_document=file_name)
        if existing.exists() and not reset:
            plans.extend(existing)
            continue
        existing.delete()
        organisation = _organisation(name, kind, loader)
        plan = load_seed(file_name, organisation, loader, demo)
        plans.append(plan)
        if stdout:
            stdout.write(f"Imported {plan.title}: {plan.actions.count()} actions")
    for plan in plans:
        load_demo_measures(actor=loader, plan=plan)
        load_demo_funding(actor=loader, plan=plan)
        # A manager of each, so the demo can invite people (docs/accounts.md).
        Membership.objects.update_or_create(
            user=demo,
            organisation=plan.owner_organisation,
            defaults={"role": Membership.Role.MANAGER},
        )
        if plan.source_document.startswith("003_"):
            load_demo_publication(actor=loader, plan=plan)
        if plan.source_document.startswith("004_"):
            load_demo_governance(actor=loader, plan=plan)
    Person.objects.filter(name=DEMO_PERSON, user__isnull=True).update(user=demo)
    _demo_secretary(loader, demo)
    for plan in plans:
        if plan.source_document.startswith("002_"):
            register = load_demo_engagement(actor=loader, manager=demo, plan=plan)
            if register is not None:
                load_demo_stakeholders(actor=loader, manager=demo, register=register)
    load_seed_framework(loader, demo, reset=reset)
    # After the register's areas, the Board's meetings and the boroughs' command units.
    load_demo_events(actor=loader)
    _demo_addresses(loader)
    return plans


def _demo_secretary(loader: User, demo: User) -> None:
    """The demo account keeps the demo board as its secretary, so meetings, agendas and
    decisions can be edited as ``demo``."""
    board = Body.objects.filter(name=BOARD).first()
    person = Person.objects.filter(user=demo).first()
    if board is not None and person is not None:
        body_member_add(actor=loader, body=board, person=person, role="Secretary")


# RFC 2606's reserved domain: the addresses are fictional and mail to them goes nowhere (the
# demo prints its mail to the console).
DEMO_EMAIL_DOMAIN = "example.org"


def _demo_addresses(loader: User) -> None:
    """A fictional address for every named person in the demo, so that chasing and reminders
    reach someone. Set by a site admin (the loader), so taken as confirmed."""
    for person in Person.objects.filter(email="").exclude(name="").order_by("pk"):
        local = slugify(person.name).replace("-", ".") or f"person.{person.pk}"
        person_update(actor=loader, person=person, email=f"{local}@{DEMO_EMAIL_DOMAIN}")


@transaction.atomic
def load_seed_framework(actor: User, reviewer: User, *, reset: bool = False) -> None:
    """Seed 000 through the importer, then published and sent to six boroughs twice (the demo
    user reviews); the minimum standards beside it."""
    file_name, owner = FRAMEWORK_SEED
    mine = Framework.objects.filter(source_document=file_name) | Framework.objects.filter(
        title=STANDARDS_TITLE, organisation__name=owner
    )
    if mine.exists() and not reset:
        return
    # Their cycles first (with the units' answers): a cycle keeps its framework, and an answer
    # its item, from being deleted under it. Then the newest version first, which keeps the
    # one before it.
    # The actions their gaps became (in the boroughs' improvement plans) go with them, or a
    # reload would add them again.
    answers = Answer.objects.filter(unit__cycle__framework__in=mine, action__isnull=False)
    Action.all_objects.filter(pk__in=answers.values("action_id")).delete()
    Cycle.objects.filter(framework__in=mine).delete()
    for framework in mine.order_by("-version_number"):
        framework.delete()
    parsed = parse_bytes(file_name, (SEEDS_DIR / file_name).read_bytes(), is_text=True)
    organisation = Organisation.objects.get(name=owner, parent=None)
    saved = import_parsed(
        actor=actor, parsed=parsed, owner_organisation=organisation, source_document=file_name
    )
    checklist = saved.frameworks[0]
    _, standards = load_demo_frameworks(actor=actor, checklist=checklist)
    load_demo_cycles(actor=actor, checklist=checklist, reviewer=reviewer)
    load_demo_consultation(actor=actor, standards=standards)
