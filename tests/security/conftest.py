"""The world the permission matrix runs against: one restricted plan with something of every
kind beneath it (so that every URL parameter names a real object), and the personas.

The world is built once per module inside a transaction that is rolled back at the end; each
test runs in a savepoint inside it (pytest-django's ``db``), so a write that a test lets through
disappears before the next test. This keeps ~2,000 requests within a few minutes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

# Tables a request may write to whatever the outcome, or that only the sign-in machinery
# writes: sessions (force_login, the idle clock), axes (throttling records).
# Sign-in machinery, and the search app's full-text indexes (SQLite FTS5 tables kept in step
# by triggers: derived from the tables fingerprinted, which say whether anything changed).
UNFINGERPRINTED_PREFIXES = ("django_session", "axes_", "search_")


# What only those who may see the restricted plan may read: its title, its actions' refs and
# titles, and the names given below to what hangs on it.
RESTRICTED_TEXT = (
    "Youth Strategy",
    "YC/INT/1",
    "Create a policy",
    "Track PYOs",
    "Restricted milestone",
    "Restricted narrative",
    "Restricted measure",
    "Restricted benefit",
    "Restricted budget line",
    "Restricted funding bid",
    "Restricted evidence",
)


@dataclass
class MatrixWorld:
    users: dict  # persona -> User (anonymous: None)
    tokens: dict  # persona -> API secret (anonymous: None)
    objects: dict = field(default_factory=dict)  # name -> model instance or value


def build_matrix_world() -> MatrixWorld:
    from plantrack.accounts import services as accounts
    from plantrack.budgets import services as budgets
    from plantrack.core.tests.factories import build_world, make_person, make_user
    from plantrack.directory import services as directory
    from plantrack.evidence import services as evidence
    from plantrack.evidence.tests import samples
    from plantrack.governance import services as governance
    from plantrack.imports import services as imports
    from plantrack.measures import services as measures
    from plantrack.packs import services as packs
    from plantrack.packs.selectors import current_period
    from plantrack.plans import services as plans
    from plantrack.plans.selectors import today
    from plantrack.reminders import services as reminders

    admin = make_user("admin", is_superuser=True)
    w = build_world()
    contributor = make_user("contributor")
    plans.plan_role_set(actor=w.manager, plan=w.plan, user=contributor, role="contributor")
    norole = make_user("norole")
    manager_person = make_person(w.manager, name="Mary Manager", organisation=w.force)
    contributor_person = make_person(contributor, name="Connie Contributor", organisation=w.force)
    # The owner's own user gives his address (confirmed, so chases can go to it); a colleague
    # gives the contributor's, which waits for its holder to confirm it by the link that
    # email_verify serves.
    directory.person_update(actor=w.owner, person=w.owner_person, email="owen@example.org")
    directory.person_update(actor=w.manager, person=contributor_person, email="connie@example.org")

    on = today()
    milestone = plans.milestone_create(
        actor=w.manager, action=w.action, title="Restricted milestone", due_text="June 2099"
    )
    update = plans.update_post(
        actor=w.manager,
        action=w.action,
        narrative="Restricted narrative",
        rag="amber",
        status="in_progress",
    )
    # A file on the manager's update: its author and the plan's managers may add and remove.
    evidence_file = evidence.evidence_attach_file(
        actor=w.manager,
        target=update,
        upload=samples.upload("restricted.pdf", samples.pdf_bytes()),
        title="Restricted evidence",
    )
    measure = measures.measure_create(
        actor=w.manager,
        plan=w.plan,
        action=w.action,
        name="Restricted measure",
        direction="increase",
        unit="count",
        baseline_value=Decimal(0),
        baseline_date=on - dt.timedelta(days=200),
        targets=[(Decimal(100), on + dt.timedelta(days=100), "")],
    )
    measures.reading_record(
        actor=w.manager, measure=measure, value=Decimal(40), date=on - dt.timedelta(days=10)
    )
    benefit = measures.benefit_create(actor=w.manager, plan=w.plan, title="Restricted benefit")
    line = budgets.budget_line_create(
        actor=w.manager,
        plan=w.plan,
        name="Restricted budget line",
        category="operating",
        section=w.section,
        amounts={on.year if on.month >= 4 else on.year - 1: Decimal("12000.00")},
    )
    funding = budgets.funding_create(
        actor=w.manager,
        plan=w.plan,
        funder=w.force,
        title="Restricted funding bid",
        amount=Decimal(5000),
    )

    # A board overseeing the plan, kept by the plan manager as its secretary; the owner sits on
    # it (the member a keeper may remove).
    body = governance.body_create(actor=admin, name="Youth Board")
    governance.body_member_add(actor=admin, body=body, person=manager_person, role="Secretary")
    governance.body_member_add(actor=admin, body=body, person=w.owner_person, role="Member")
    oversight = governance.oversight_set(actor=w.manager, body=body, plan=w.plan)
    meeting = governance.meeting_create(
        actor=w.manager, body=body, date=on - dt.timedelta(days=7), title="Youth Board"
    )
    agenda_item = governance.agenda_item_add(
        actor=w.manager, meeting=meeting, title="Progress", subject=w.plan
    )
    decision = governance.decision_record(
        actor=w.manager, body=body, text="Agree the delivery model.", meeting=meeting
    )
    pack = packs.pack_prepare(actor=w.manager, body=body, period=current_period(), meeting=meeting)
    pack.refresh_from_db()

    job = imports.import_job_create(
        actor=w.manager,
        file_name="pasted table.txt",
        data=b"Ref\tAction\tLead\nA1\tDo a thing\tPolice\n",
        is_text=True,
        owner_organisation=w.force,
        plan_title="Imported plan",
    )
    feed = reminders.feed_create(actor=w.manager, scope="plan", plan=w.plan)
    # An invitation into the force, waiting for the link mailed to be opened.
    invitation = directory.invitation_create(
        actor=admin, email="invitee@example.org", organisation=w.force, role="member"
    )
    engagement = _engagement_world(admin, w)

    users = {
        "admin": admin,
        "manager": w.manager,
        "owner": w.owner,
        "contributor": contributor,
        "viewer": w.viewer,
        "outsider": w.outsider,
        "norole": norole,
        "anonymous": None,
    }
    tokens = {"anonymous": None}
    token_objects = {}
    for persona, user in users.items():
        if user is not None:
            token_objects[persona], tokens[persona] = accounts.api_token_create(
                actor=user, name="matrix"
            )

    # Stamped as used in the future: authenticating writes last_used_at at most once a
    # minute, and that bookkeeping write would otherwise show in the fingerprint of a refused
    # API write.
    from plantrack.accounts.models import ApiToken

    ApiToken.objects.update(last_used_at=timezone.now() + dt.timedelta(days=1))

    from plantrack.directory.services import email_verification_token

    # Deleted (soft) and restorable by the plan's managers.
    gone_section = plans.section_create(actor=w.manager, plan=w.plan, title="Gone section")
    plans.section_delete(actor=w.manager, section=gone_section)
    gone_action = plans.action_create(actor=w.manager, plan=w.plan, title="Gone action")
    plans.action_delete(actor=w.manager, action=gone_action)
    w.owner_person.refresh_from_db()
    objects = {
        "gone_section": gone_section,
        "gone_action": gone_action,
        "plan": w.plan,
        "section": w.section,
        "action": w.action,
        "other_action": w.other_action,
        "milestone": milestone,
        "manager_update": update,
        "evidence": evidence_file,
        "force": w.force,
        "other_force": w.other_force,
        "owner_person": w.owner_person,
        "viewer_user": w.viewer,
        "measure": measure,
        "target": measure.targets.first(),
        "benefit": benefit,
        "line": line,
        "funding": funding,
        "body": body,
        "meeting": meeting,
        "agenda_item": agenda_item,
        "decision": decision,
        "oversight": oversight,
        "pack": pack,
        "import_job": job,
        "feed": feed,
        "feed_token": feed.token,
        "contributor_person": contributor_person,
        "email_token": email_verification_token(contributor_person),
        "invitation": invitation,
        "invitation_token": directory.invitation_token(invitation),
        # The manager's token: yours to revoke only if you are the manager.
        "manager_token": token_objects["manager"],
        **engagement,
        **_frameworks_world(w),
        **_stakeholders_world(admin, w),
        **_cleanup_world(w),
        **_public_world(w, engagement),
    }
    return MatrixWorld(users=users, tokens=tokens, objects=objects)


def _public_world(w, engagement: dict) -> dict:
    """A publication of the restricted plan, made behind the service's back (which refuses
    it), and a withheld action: no public page may show the plan all the same. A public event
    of the force in its borough. A completed activity of the register linked to the plan, with
    a "you said, we did" waiting for its publishers' decision."""
    from plantrack.engagement import services as engagement_services
    from plantrack.public import services as public
    from plantrack.public.models import Publication, Withholding

    now = timezone.now()
    Publication.objects.create(
        plan=w.plan, slug="matrix-restricted", published_at=now, first_published_at=now
    )
    withholding = Withholding.objects.create(
        plan=w.plan, action=w.other_action, reason="Matrix reason", withheld_at=now
    )
    event = public.event_publish(
        actor=w.manager,
        organisation=w.force,
        area=engagement["borough"],
        title="Matrix van",
        purpose="Meet the team",
        place="The high street",
        starts_at=now + dt.timedelta(days=20),
    )
    consulted = engagement_services.activity_create(
        actor=w.manager,
        register=engagement["register"],
        title="Matrix consultation",
        plans=[w.plan],
    )
    plan_outcome = engagement_services.outcome_record(
        actor=w.manager, activity=consulted, you_said="Matrix said", we_did="Matrix did"
    )
    engagement_services.activity_update(actor=w.manager, activity=consulted, status="completed")
    return {
        "withholding": withholding,
        "public_slug": "matrix-restricted",
        "event": event,
        "plan_activity": consulted,
        "plan_outcome": plan_outcome,
    }


def _cleanup_world(w) -> dict:
    """Directory clean-up: two entries of the force to merge, and a merge done, to undo."""
    from plantrack.core.tests.factories import make_person
    from plantrack.directory import services as directory

    merged = make_person(name="PS Matrix Merged", organisation=w.force)
    kept = make_person(name="Matrix Merged", organisation=w.force)
    record = directory.person_merge(actor=w.manager, keep=kept, merged=merged)
    return {
        "merge_record": record,
        "merge_keep": make_person(name="Matrix Keep", organisation=w.force),
        "merge_other": make_person(name="Sgt M Keep", organisation=w.force),
    }


def _engagement_world(admin, w) -> dict:
    """The force's engagement register, managed by the manager (and a deputy, the manager one
    may remove), with an activity the owner owns and what it produced; the force's areas."""
    from plantrack.core.tests.factories import make_user
    from plantrack.directory import services as directory
    from plantrack.engagement import services as engagement

    area = directory.area_create(
        actor=admin, name="Matrix force area", level="force", organisation=w.force
    )
    ward_parent = directory.area_create(
        actor=admin, name="Matrix borough", level="borough", parent=area, code="MX"
    )
    register = engagement.register_create(
        actor=w.manager, organisation=w.force, title="Matrix register"
    )
    deputy = make_user("deputy")
    engagement.register_manager_add(actor=w.manager, register=register, user=deputy)
    group = engagement.group_create(actor=w.manager, register=register, name="Matrix group")
    activity = engagement.activity_create(
        actor=w.manager,
        register=register,
        group=group,
        title="Matrix activity: 52 volunteers recruited",
        owners=[w.owner_person],
        areas=[ward_parent],
        status="running",
    )
    output = engagement.output_record(
        actor=w.manager, activity=activity, kind="volunteers", count=52
    )
    outcome = engagement.outcome_record(
        actor=w.manager, activity=activity, you_said="More patrols", we_did="Patrols added"
    )
    follow_up = engagement.follow_up_create(
        actor=w.manager,
        activity=activity,
        title="Matrix follow-up",
        due_on=timezone.localdate() + dt.timedelta(days=30),
        owner=w.owner_person,
    )
    return {
        "area": area,
        "borough": ward_parent,
        "register": register,
        "deputy_user": deputy,
        "group": group,
        "activity": activity,
        "output": output,
        "outcome": outcome,
        "follow_up": follow_up,
    }


def _frameworks_world(w) -> dict:
    """The force's published checklist (every signed-in user reads it) and its draft (the
    force's members only), each with an item."""
    from plantrack.assessments import cycles
    from plantrack.assessments import services as assessments
    from plantrack.directory.models import Organisation

    published = assessments.framework_import(
        actor=w.manager,
        organisation=w.force,
        title="Matrix checklist",
        items=[assessments.ImportedItem("Appointment of a SPOC")],
    )
    assessments.framework_status_set(actor=w.manager, framework=published, status="published")
    draft = assessments.framework_create(
        actor=w.manager, organisation=w.force, title="Matrix draft standards"
    )
    item = assessments.item_create(actor=w.manager, framework=draft, text="An aim is recorded")
    # Sent to one unit beneath the force: the owner is its assessor, the viewer its reviewer.
    unit_org = Organisation.objects.create(name="Matrix BOCU", parent=w.force)
    cycle = cycles.cycle_create(
        actor=w.manager,
        framework=published,
        title="Matrix cycle",
        opens_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 6, 30),
        units=[unit_org],
        reviewers=[w.viewer],
    )
    unit = cycle.units.get()
    cycles.unit_assessors_set(actor=w.manager, unit=unit, assessors=[w.owner])
    answer = cycles.answer_save(
        actor=w.owner, unit=unit, item=published.items.get(), level="partly"
    )
    return {
        "published_framework": published,
        "draft_framework": draft,
        "draft_item": item,
        "cycle": cycle,
        "unit": unit,
        "answer": answer,
        "published_item": published.items.get(),
    }


def _stakeholders_world(admin, w) -> dict:
    """The force's stakeholder database, opened by the manager (its data steward and contact
    manager); a partner organisation whose relationship the owner keeps, with a chair holding
    a role there, an interaction and a follow-up."""
    from plantrack.directory.models import Organisation
    from plantrack.stakeholders import services as stakeholders

    database = stakeholders.database_create(actor=w.manager, organisation=w.force)
    partner = Organisation.objects.create(name="Matrix residents' association")
    stakeholder = stakeholders.stakeholder_create(
        actor=w.manager, database=database, organisation=partner, owner=w.owner_person
    )
    contact = stakeholders.contact_create(
        actor=w.manager, database=database, name="Matrix Chair", email="chair@example.org"
    )
    role = stakeholders.stakeholder_role_create(
        actor=w.manager, stakeholder=stakeholder, title="Chair", contact=contact
    )
    interaction = stakeholders.interaction_log(
        actor=w.manager,
        database=database,
        stakeholder=stakeholder,
        date=dt.date(2026, 5, 1),
        summary="Matrix meeting",
        contacts=[contact],
    )
    follow_up = stakeholders.interaction_follow_up_add(
        actor=w.manager,
        interaction=interaction,
        title="Matrix follow-up to send minutes",
        due_on=dt.date(2026, 6, 1),
        contact=contact,
    )
    from plantrack.stakeholders import merges, privacy

    old_record = stakeholders.contact_create(
        actor=w.manager, database=database, name="Matrix Chair", phone="020 7946 0000"
    )
    merge = merges.contact_merge(actor=w.manager, kept=contact, other=old_record)
    mailing = stakeholders.contact_list_create(actor=w.manager, database=database, name="News")
    stakeholders.contact_list_add(actor=w.manager, list_=mailing, contact=contact)
    case = privacy.subject_access_request_open(
        actor=w.manager, contact=contact, received_on=dt.date(2026, 5, 2)
    )
    return {
        "database": database,
        "subject_access_case": case,
        "merge": merge,
        "mailing_list": mailing,
        "steward_role": database.roles.get(user=w.manager, role="contact_manager"),
        "stakeholder": stakeholder,
        "contact": contact,
        "stakeholder_role": role,
        "interaction": interaction,
        "stakeholder_follow_up": follow_up,
    }


@pytest.fixture(scope="module")
def matrix_world(django_db_setup, django_db_blocker):
    """Built once; rolled back when the module is done, so other test modules start empty."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_matrix_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def fingerprint(db):
    """The database's fingerprint, taken when called (see ``database_fingerprint``)."""
    return database_fingerprint


def fingerprint_tables() -> list[str]:
    return sorted(
        name
        for name in connection.introspection.table_names()
        if not name.startswith(UNFINGERPRINTED_PREFIXES)
    )


def database_fingerprint() -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows (in primary key order), except the
    sign-in machinery's: one raw query per table, a few milliseconds for the whole database."""
    result = {}
    with connection.cursor() as cursor:
        for table in fingerprint_tables():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY 1")
            rows = cursor.fetchall()
            result[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return result
