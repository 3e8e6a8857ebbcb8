"""Builds the demo database from the seed plans, transcribed into JSON in ``data/``.

Everything is written through the services, exactly as the web pages would write it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction

from plantrack.accounts.models import User
from plantrack.accounts.services import user_create
from plantrack.directory.models import Membership, Organisation, Person
from plantrack.directory.services import organisation_create, person_create
from plantrack.plans import services
from plantrack.plans.models import Plan

DATA_DIR = Path(__file__).parent / "data"
DEMO_FILES = [
    "youth_strategy_2003.json",
    "community_charter_2022.json",
    "safer_communities_2013.json",
]
DEMO_USERNAME = "demo"
# Writes the demo data, so the audit history says where it came from. It cannot sign in.
LOADER_USERNAME = "demo-loader"
# The demo account stands in for this person, so that "My actions" has something in it.
DEMO_PERSON = ("Sophie Paley", "CiP Manager")


def demo_user() -> User:
    user = User.objects.filter(username=DEMO_USERNAME).first()
    if user is None:
        user = user_create(
            actor=None,
            username=DEMO_USERNAME,
            password=DEMO_USERNAME,
            first_name="Sophie",
            last_name="Paley (demo)",
        )
    return user


def loader_user() -> User:
    user = User.objects.filter(username=LOADER_USERNAME).first()
    if user is None:
        user = user_create(
            actor=None,
            username=LOADER_USERNAME,
            first_name="Demo data loader",
            is_superuser=True,
        )
    return user


def _organisations(rows: list[dict], actor: User) -> dict[str, Organisation]:
    by_name: dict[str, Organisation] = {}
    pending = list(rows)
    # Parents first: keep passing over the list until every row has found its parent.
    while pending:
        progress = False
        for row in list(pending):
            parent = by_name.get(row["parent"]) if row["parent"] else None
            if row["parent"] and parent is None:
                continue
            found = Organisation.objects.filter(name=row["name"], parent=parent).first()
            if found is None:
                found = organisation_create(
                    actor=actor,
                    name=row["name"],
                    short_name=row["short_name"] or "",
                    kind=row["kind"],
                    parent=parent,
                )
            by_name[row["name"]] = found
            pending.remove(row)
            progress = True
        if not progress:
            raise ValueError(f"Unknown parent organisations: {[r['parent'] for r in pending]}")
    return by_name


def _people(rows: list[dict], organisations: dict, actor: User) -> dict[str, Person]:
    people = {}
    for row in rows:
        fields = {
            "name": row["name"],
            "rank": row["rank"],
            "job_title": row["job_title"],
            "post": row["post"],
            "staff_number": row["staff_number"],
            "organisation": organisations.get(row["organisation"]),
            "email": row.get("email") or "",
            "spoc": bool(row.get("spoc")),
        }
        existing = Person.objects.filter(**fields).first()
        people[row["key"]] = existing or person_create(actor=actor, **fields)
    return people


@transaction.atomic
def load_file(path: Path, actor: User, manager: User) -> Plan:
    data = json.loads(path.read_text(encoding="utf-8"))
    organisations = _organisations(data["organisations"], actor)
    people = _people(data["people"], organisations, actor)
    spec = data["plan"]
    plan = services.plan_create(
        actor=actor,
        title=spec["title"],
        owner_organisation=organisations[spec["owner_organisation"]],
        kind=spec["kind"],
        summary=spec["summary"] or "",
        period_text=spec["period_text"] or "",
        reports_to=spec["reports_to"] or "",
        visibility=spec["visibility"],
        source_document=data["source"],
    )
    services.plan_role_set(actor=actor, plan=plan, user=manager, role="manager")
    for section_spec in data["sections"]:
        section = services.section_create(actor=actor, plan=plan, title=section_spec["title"])
        for row in section_spec["actions"]:
            action = services.action_create(
                actor=actor,
                plan=plan,
                section=section,
                ref=row["ref"] or "",
                title=row["title"],
                strategy_refs=row["strategy_refs"] or "",
                owner_text=row["owner_text"] or "",
                status=row["status"],
                rag=row["rag"] or "",
                start_text=row["start_text"] or "",
                review_text=row["review_text"] or "",
                due_text=row["due_text"] or "",
                owners=[people[key] for key in row["owners"]],
                lead_organisations=[organisations[n] for n in row["lead_organisations"]],
                supporting_organisations=[
                    organisations[n] for n in row["supporting_organisations"]
                ],
                milestones=row["milestones"],
            )
            for update in row["updates"]:
                services.update_post(
                    actor=actor,
                    action=action,
                    narrative=update["text"],
                    rag=update["rag"] or "",
                    date=dt.date.fromisoformat(update["date"]) if update["date"] else None,
                    author_name=f"Recorded in {data['source']}",
                    imported=True,
                )
    return plan


def load_demo(*, reset: bool = False, stdout=None) -> list[Plan]:
    """Load the seed plans. Plans already loaded are kept unless ``reset`` is given."""
    user, loader = demo_user(), loader_user()
    plans = []
    for name in DEMO_FILES:
        path = DATA_DIR / name
        source = json.loads(path.read_text(encoding="utf-8"))["source"]
        existing = Plan.objects.filter(source_document=source)
        if existing.exists() and not reset:
            plans.extend(existing)
            continue
        existing.delete()
        plan = load_file(path, loader, user)
        plans.append(plan)
        if stdout:
            stdout.write(f"Loaded {plan.title}: {plan.actions.count()} actions")
    for plan in plans:
        Membership.objects.get_or_create(user=user, organisation=plan.owner_organisation)
    name, post = DEMO_PERSON
    Person.objects.filter(name=name, post=post, user__isnull=True).update(user=user)
    return plans
