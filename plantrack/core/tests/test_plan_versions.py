"""Every service that changes what a plan's pages show moves the plan's version.

Plan pages are cached under the plan's ``version`` (core/cache.py), which the write helpers
move for every model declared in core/changes.py. This proves it against the code as it is:

1. the services are found, not listed (plan_versions_world.enumerated_services), and each has
   a recipe below or a reason why it changes nothing a plan page shows;
2. each recipe runs against a rich world, and every row of a declared model that it adds,
   changes or removes must have moved the versions of the plans showing it;
3. every model pointing at a plan (directly or through one hop) is declared or exempted;
4. with a real cache, a change of each kind shows on the page that shows it
   (test_plan_versions_cache.py: the world built here for the module would collide with the
   ``world`` fixture those tests use).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.test import override_settings

from plantrack.core import changes
from plantrack.core.tests.plan_versions_world import (
    Objects,
    build_versions_world,
    declared_tables,
    difference,
    enumerated_services,
    plans_showing,
    rows_fingerprint,
)
from plantrack.plans.models import Plan

PLAN = "the world's plan"  # the recipe changes the world's plan: its version must move
NEW_PLAN = "a new plan"  # the recipe makes a plan: there is no cached page of it yet


@dataclass(frozen=True)
class Recipe:
    run: Callable[[Objects], object]
    shows: str | None  # PLAN, NEW_PLAN, or None with a reason in ``why``
    prepare: Callable[[Objects], object] | None = None  # run before the fingerprint
    why: str = ""
    defect: str = ""  # a strict xfail, reported: the service forgets the version
    on: str = "plan"  # the world's object naming the plan of PLAN


def _s(name):
    """A service by name, found at call time wherever it now lives."""
    return SERVICES[name]


def _parse(text: str):
    from plantrack.imports.pipeline import parse_bytes

    return parse_bytes("plan.txt", text.encode(), is_text=True)


def _budget_tables(text: str):
    from plantrack.imports.pipeline import parse_budget_bytes

    return parse_budget_bytes("budget.txt", text.encode(), is_text=True).budgets


def _pdf(name: str):
    from plantrack.evidence.tests import samples

    return samples.upload(name, samples.pdf_bytes())


def _period():
    from plantrack.packs.selectors import current_period

    return current_period()


def _budget_rows(o):
    from plantrack.budgets.services import BudgetLineRow, BudgetTableRows

    year = o.today.year if o.today.month >= 4 else o.today.year - 1
    return [
        BudgetTableRows(
            "Imported",
            [BudgetLineRow("Imported line", "operating", {year: Decimal(700)})],
            o.section,
        )
    ]


def _reading_rows(o):
    from plantrack.measures.services import ReadingRow

    return [ReadingRow(2, o.past.isoformat(), "55", "uploaded")]


def _job(o, kind: str):
    """An import job of the world's manager, read and waiting in its preview."""
    if kind == "plan":
        return o.import_job
    if kind == "into":
        return _s("import_job_create")(
            actor=o.manager,
            file_name="again.txt",
            data=b"Ref\tAction\tLead\nYC/INT/9\tA new action\tPolice\n",
            is_text=True,
            owner_organisation=o.force,
            into_plan=o.plan,
        )
    if kind == "budget":
        return _s("budget_import_job_create")(
            actor=o.manager,
            plan=o.plan,
            file_name="budget.txt",
            data=_BUDGET.encode(),
            is_text=True,
        )
    return _s("readings_job_create")(
        actor=o.manager,
        measure=o.measure,
        file_name="r.csv",
        data=f"Date,Value,Note\n{o.past.isoformat()},12,first\n".encode(),
    )


_BUDGET = "Line\tCategory\t2013/14\nCoordinator\tOther\t1000\n"


def _confirm(kind: str) -> Recipe:
    def prepare(o):
        o.values["job"] = _job(o, kind)

    def run(o):
        sections = [None] if kind == "budget" else None
        job = _s("import_job_confirm")(actor=o.manager, job=o.job, budget_sections=sections)
        assert job.status == job.Status.SAVED, job.error

    return Recipe(run, NEW_PLAN if kind == "plan" else PLAN, prepare)


def _published_outcome(o):
    """The world's "you said, we did" approved for the plan's public page."""
    return _s("outcome_publish")(
        actor=o.manager, plan=o.plan, outcome=o.plan_outcome, you_said="Said", we_did="Did"
    )


def _public_outcome(o):
    from plantrack.public.models import PublicOutcome

    return PublicOutcome.objects.get(plan=o.plan, outcome=o.plan_outcome)


def _with_suggestion(o):
    """An action whose text asks for a measure, and a section whose description does."""
    _s("action_update")(actor=o.manager, action=o.other_action, title="Recruit 15 volunteers")
    _s("section_update")(
        actor=o.manager, section=o.section, description="Recruit 5 coordinators by June 2099."
    )


def _budgeted_plan(o):
    """A plan with a budget and no funding bid yet (the world's plan has one)."""
    plan = _s("plan_create")(actor=o.manager, title="Budgeted", owner_organisation=o.force)
    _s("budget_line_create")(actor=o.manager, plan=plan, name="Post", amounts={2030: Decimal(5)})
    o.values["budgeted_plan"] = plan


def _demo_bodies(o):
    o.values["bodies"] = _s("load_demo_governance")(actor=o.admin, plan=o.plan, on=o.today)


# The world: tests/security/conftest.py build_matrix_world, plus plan_versions_world's extras.
RECIPES: dict[str, Recipe] = {
    # accounts
    "user_create": Recipe(
        lambda o: _s("user_create")(actor=o.admin, username="newcomer"),
        None,
        why="a user is no one's name on a plan until a person is linked",
    ),
    "api_token_create": Recipe(
        lambda o: _s("api_token_create")(actor=o.viewer, name="script"),
        None,
        why="tokens are a user's own",
    ),
    "api_token_revoke": Recipe(
        lambda o: _s("api_token_revoke")(actor=o.manager, token=o.manager_token),
        None,
        why="tokens are a user's own",
    ),
    "user_profile_update": Recipe(
        lambda o: _s("user_profile_update")(
            actor=o.owner, user=o.owner, first_name="Owain", email="owain@example.org"
        ),
        None,
        why="a user's own name shows nowhere on a plan: owners are directory people",
    ),
    "user_create_inactive": Recipe(
        lambda o: _s("user_create_inactive")(actor=o.admin, email="new@example.org"),
        None,
        why="an invited user is no one's name on a plan",
    ),
    "user_activate": Recipe(
        lambda o: _s("user_activate")(actor=o.invitation.user, password="A long new pass 42"),
        None,
        why="an invited user is no one's name on a plan",
    ),
    "user_session_record": Recipe(
        lambda o: _s("user_session_record")(actor=o.viewer, session_key="k" * 32),
        None,
        why="sessions are a user's own",
    ),
    "user_sessions_end_others": Recipe(
        lambda o: _s("user_sessions_end_others")(actor=o.viewer, keep_session_key=None),
        None,
        why="sessions are a user's own",
    ),
    # directory
    "organisation_create": Recipe(
        lambda o: _s("organisation_create")(actor=o.manager, name="New Unit", parent=o.force),
        None,
        why="a new organisation leads nothing yet",
    ),
    "organisation_update": Recipe(
        lambda o: _s("organisation_update")(
            actor=o.manager, organisation=o.force, name="Barnet Constabulary"
        ),
        PLAN,  # the force leads the world's action
    ),
    "person_create": Recipe(
        lambda o: _s("person_create")(actor=o.manager, name="Nina New", organisation=o.force),
        None,
        why="a new person owns nothing yet",
    ),
    "person_update": Recipe(
        lambda o: _s("person_update")(actor=o.manager, person=o.owner_person, name="Owen Newname"),
        PLAN,  # the owner of the world's action
    ),
    "person_email_verification_send": Recipe(
        lambda o: _s("person_email_verification_send")(
            actor=o.manager, person=o.contributor_person
        ),
        None,
        why="an email, and a person who owns nothing",
    ),
    "person_email_verify": Recipe(
        lambda o: _s("person_email_verify")(token=o.email_token),
        None,
        why="the confirmation of an address no plan page shows, of a person who owns nothing",
    ),
    "membership_add": Recipe(
        lambda o: _s("membership_add")(actor=o.admin, user=o.norole, organisation=o.force),
        None,
        why="memberships decide what a user may see: access is checked on every request",
    ),
    "membership_from_sign_in": Recipe(
        lambda o: _s("membership_from_sign_in")(actor=o.norole, organisation=o.force),
        None,
        why="memberships decide what a user may see: access is checked on every request",
    ),
    "invitation_create": Recipe(
        lambda o: _s("invitation_create")(
            actor=o.admin, email="joiner@example.org", organisation=o.force, role="manager"
        ),
        None,
        why="an invitation shows on no plan; its membership waits for acceptance",
    ),
    "invitation_accept": Recipe(
        lambda o: _s("invitation_accept")(token=o.invitation_token, password="A long new pass 42"),
        None,
        why="memberships decide what a user may see: access is checked on every request",
    ),
    # plans
    "plan_create": Recipe(
        lambda o: _s("plan_create")(
            actor=o.manager, title="Another plan", owner_organisation=o.force
        ),
        NEW_PLAN,
    ),
    "plan_update": Recipe(
        lambda o: _s("plan_update")(actor=o.manager, plan=o.plan, summary="Now summarised."),
        PLAN,
    ),
    "plan_role_set": Recipe(
        lambda o: _s("plan_role_set")(actor=o.manager, plan=o.plan, user=o.norole, role="viewer"),
        None,
        why="roles are in the cache key as what the viewer may do, not in the plan's version",
    ),
    "plan_role_remove": Recipe(
        lambda o: _s("plan_role_remove")(actor=o.manager, plan=o.plan, user=o.viewer),
        None,
        why="roles are in the cache key as what the viewer may do, not in the plan's version",
    ),
    "section_create": Recipe(
        lambda o: _s("section_create")(actor=o.manager, plan=o.plan, title="Diversion"), PLAN
    ),
    "section_update": Recipe(
        lambda o: _s("section_update")(actor=o.manager, section=o.section, title="Intel"), PLAN
    ),
    "action_create": Recipe(
        lambda o: _s("action_create")(
            actor=o.manager, plan=o.plan, title="A third action", section=o.section
        ),
        PLAN,
    ),
    "action_update": Recipe(
        lambda o: _s("action_update")(
            actor=o.manager, action=o.action, depends_on=[o.other_action]
        ),
        PLAN,  # only the dependency: a many-to-many row the action's page shows
    ),
    "actions_import": Recipe(
        lambda o: _s("actions_import")(
            actor=o.manager,
            plan=o.plan,
            actions=[_action_import("Imported action", o)],
            author_name="Importer",
        ),
        PLAN,
    ),
    "milestone_create": Recipe(
        lambda o: _s("milestone_create")(actor=o.manager, action=o.action, title="Phase two"),
        PLAN,
    ),
    "milestone_update": Recipe(
        lambda o: _s("milestone_update")(actor=o.manager, milestone=o.milestone, done=True), PLAN
    ),
    "milestone_delete": Recipe(
        lambda o: _s("milestone_delete")(actor=o.manager, milestone=o.milestone), PLAN
    ),
    "update_post": Recipe(
        lambda o: _s("update_post")(actor=o.owner, action=o.action, narrative="Going well."),
        PLAN,
    ),
    # deleting and restoring, and many actions at once (issue 15)
    # --- The public side (public/services.py): the world's restricted plan has a publication
    # made behind the service's back (tests/security/conftest.py) and a withheld action.
    "plan_publish": Recipe(
        lambda o: _s("plan_publish")(actor=o.manager, plan=o.plan, introduction="For all"),
        PLAN,
        prepare=lambda o: _s("plan_update")(actor=o.manager, plan=o.plan, visibility="public"),
    ),
    "plan_unpublish": Recipe(
        lambda o: _s("plan_unpublish")(actor=o.manager, plan=o.plan, reason="Review"), PLAN
    ),
    "publication_set_publishers": Recipe(
        lambda o: _s("publication_set_publishers")(
            actor=o.manager, publication=o.plan.publication, publishers=[o.owner]
        ),
        PLAN,
    ),
    "update_publish": Recipe(
        lambda o: _s("update_publish")(actor=o.manager, update=o.manager_update, text="Done."),
        PLAN,
    ),
    "update_keep_internal": Recipe(
        lambda o: _s("update_keep_internal")(actor=o.manager, update=o.manager_update), PLAN
    ),
    "update_withdraw": Recipe(
        lambda o: _s("update_withdraw")(actor=o.manager, update=o.manager_update, reason="No"),
        PLAN,
        prepare=lambda o: _s("update_publish")(
            actor=o.manager, update=o.manager_update, text="Done."
        ),
    ),
    # "You said, we did" of the world's completed activity linked to the plan.
    "outcome_publish": Recipe(
        lambda o: _s("outcome_publish")(
            actor=o.manager, plan=o.plan, outcome=o.plan_outcome, you_said="Said", we_did="Did"
        ),
        PLAN,
    ),
    "outcome_keep_internal": Recipe(
        lambda o: _s("outcome_keep_internal")(
            actor=o.manager, plan=o.plan, outcome=o.plan_outcome, reason="Names a resident"
        ),
        PLAN,
    ),
    "outcome_withdraw": Recipe(
        lambda o: _s("outcome_withdraw")(
            actor=o.manager, public_outcome=_public_outcome(o), reason="Names a resident"
        ),
        PLAN,
        prepare=lambda o: _published_outcome(o),
    ),
    "action_withhold": Recipe(
        lambda o: _s("action_withhold")(actor=o.manager, action=o.action, reason="Sensitive"),
        PLAN,
    ),
    "section_withhold": Recipe(
        lambda o: _s("section_withhold")(actor=o.manager, section=o.section, reason="Sensitive"),
        PLAN,
    ),
    "withholding_release": Recipe(
        lambda o: _s("withholding_release")(actor=o.manager, withholding=o.withholding), PLAN
    ),
    "action_delete": Recipe(
        lambda o: _s("action_delete")(actor=o.manager, action=o.action, reason="Duplicate"), PLAN
    ),
    "action_restore": Recipe(
        lambda o: _s("action_restore")(actor=o.manager, action=o.action),
        PLAN,
        prepare=lambda o: _s("action_delete")(actor=o.manager, action=o.action),
    ),
    "section_delete": Recipe(
        lambda o: _s("section_delete")(actor=o.manager, section=o.section), PLAN
    ),
    "section_restore": Recipe(
        lambda o: _s("section_restore")(actor=o.manager, section=o.section),
        PLAN,
        prepare=lambda o: _s("section_delete")(actor=o.manager, section=o.section),
    ),
    "actions_bulk_update": Recipe(
        lambda o: _s("actions_bulk_update")(
            actor=o.manager, plan=o.plan, actions=[o.action, o.other_action], status="complete"
        ),
        PLAN,
    ),
    "updates_bulk_post": Recipe(
        lambda o: _s("updates_bulk_post")(
            actor=o.manager, plan=o.plan, actions=[o.action, o.other_action], narrative="Done."
        ),
        PLAN,
    ),
    # evidence (on the manager's update of the world's action)
    "evidence_attach_file": Recipe(
        lambda o: _s("evidence_attach_file")(
            actor=o.manager, target=o.manager_update, upload=_pdf("minutes.pdf")
        ),
        PLAN,
    ),
    "evidence_attach_link": Recipe(
        lambda o: _s("evidence_attach_link")(
            actor=o.manager,
            target=o.manager_update,
            url="https://example.org/minutes",
            title="Minutes",
        ),
        PLAN,
    ),
    "evidence_remove": Recipe(
        lambda o: _s("evidence_remove")(actor=o.manager, evidence=o.evidence), PLAN
    ),
    "evidence_orphans_prune": Recipe(
        lambda o: _s("evidence_orphans_prune")(),
        None,
        why="it deletes stored files no evidence names: nothing any page shows",
    ),
    # measures
    "measure_create": Recipe(
        lambda o: _s("measure_create")(
            actor=o.manager, plan=o.plan, name="Referrals", direction="increase", unit="count"
        ),
        PLAN,
    ),
    "measure_update": Recipe(
        lambda o: _s("measure_update")(actor=o.manager, measure=o.measure, name="Renamed"), PLAN
    ),
    "target_add": Recipe(
        lambda o: _s("target_add")(
            actor=o.manager, measure=o.measure, value=Decimal(150), date=dt.date(2099, 1, 1)
        ),
        PLAN,
    ),
    "target_remove": Recipe(lambda o: _s("target_remove")(actor=o.manager, target=o.target), PLAN),
    "reading_record": Recipe(
        lambda o: _s("reading_record")(
            actor=o.manager, measure=o.measure, value=Decimal(60), date=o.past
        ),
        PLAN,
    ),
    "readings_import": Recipe(
        lambda o: _s("readings_import")(actor=o.manager, measure=o.measure, rows=_reading_rows(o)),
        PLAN,
    ),
    "readings_check": Recipe(
        lambda o: _s("readings_check")(measure=o.measure, rows=_reading_rows(o)),
        None,
        why="it writes nothing: the importer's preview asks it",
    ),
    "measure_create_from_suggestion": Recipe(
        lambda o: _s("measure_create_from_suggestion")(
            actor=o.manager, action=o.other_action, suggestion_index=0
        ),
        PLAN,
        prepare=_with_suggestion,
    ),
    "suggestion_dismiss": Recipe(
        lambda o: _s("suggestion_dismiss")(
            actor=o.manager, action=o.other_action, suggestion_index=0
        ),
        PLAN,
        prepare=_with_suggestion,
    ),
    "measure_create_from_section_suggestion": Recipe(
        lambda o: _s("measure_create_from_section_suggestion")(
            actor=o.manager, section=o.section, suggestion_index=0
        ),
        PLAN,
        prepare=_with_suggestion,
    ),
    "section_suggestion_dismiss": Recipe(
        lambda o: _s("section_suggestion_dismiss")(
            actor=o.manager, section=o.section, suggestion_index=0
        ),
        PLAN,
        prepare=_with_suggestion,
    ),
    "benefit_create": Recipe(
        lambda o: _s("benefit_create")(actor=o.manager, plan=o.plan, title="Fewer victims"), PLAN
    ),
    "benefit_update": Recipe(
        lambda o: _s("benefit_update")(actor=o.manager, benefit=o.benefit, title="Renamed"), PLAN
    ),
    "benefit_record_realised": Recipe(
        lambda o: _s("benefit_record_realised")(
            actor=o.manager, benefit=o.benefit, realised_value=Decimal(10), realised_on=o.past
        ),
        PLAN,
    ),
    # budgets
    "budget_line_create": Recipe(
        lambda o: _s("budget_line_create")(
            actor=o.manager, plan=o.plan, name="Training", amounts={2030: Decimal(900)}
        ),
        PLAN,
    ),
    "budget_line_update": Recipe(
        lambda o: _s("budget_line_update")(
            actor=o.manager, line=o.line, amounts={2031: Decimal(800)}
        ),
        PLAN,  # only its amounts: one removed, one added
    ),
    "budget_line_delete": Recipe(
        lambda o: _s("budget_line_delete")(actor=o.manager, line=o.spare_line),
        PLAN,
        prepare=lambda o: o.values.update(
            spare_line=_s("budget_line_create")(
                actor=o.manager, plan=o.plan, name="Spare", amounts={2030: Decimal(1)}
            )
        ),
    ),
    "spend_record": Recipe(
        lambda o: _s("spend_record")(actor=o.manager, line=o.line, amount=Decimal(250)), PLAN
    ),
    "funding_create": Recipe(
        lambda o: _s("funding_create")(
            actor=o.manager, plan=o.plan, funder=o.force, title="A second bid", amount=Decimal(9)
        ),
        PLAN,
    ),
    "funding_move": Recipe(
        lambda o: _s("funding_move")(actor=o.manager, funding=o.funding, status="submitted"),
        PLAN,
    ),
    "budgets_import": Recipe(
        lambda o: _s("budgets_import")(actor=o.manager, plan=o.plan, tables=_budget_rows(o)), PLAN
    ),
    "load_demo_funding": Recipe(
        lambda o: _s("load_demo_funding")(actor=o.admin, plan=o.budgeted_plan),
        PLAN,
        prepare=_budgeted_plan,
        on="budgeted_plan",
    ),
    # governance
    "body_create": Recipe(
        lambda o: _s("body_create")(actor=o.admin, name="New Board"),
        None,
        why="a new body oversees and decides nothing yet",
    ),
    "body_update": Recipe(
        lambda o: _s("body_update")(actor=o.admin, body=o.body, name="Youth Partnership Board"),
        PLAN,  # it oversees the world's plan
    ),
    "body_member_add": Recipe(
        lambda o: _s("body_member_add")(actor=o.admin, body=o.body, person=o.contributor_person),
        None,
        why="a body's members show on its own pages, not on the plans it oversees",
    ),
    "body_member_remove": Recipe(
        lambda o: _s("body_member_remove")(actor=o.admin, body=o.body, person=o.owner_person),
        None,
        why="a body's members show on its own pages, not on the plans it oversees",
    ),
    "oversight_set": Recipe(
        lambda o: _s("oversight_set")(actor=o.admin, body=o.spare_body, plan=o.plan), PLAN
    ),
    "oversight_remove": Recipe(
        lambda o: _s("oversight_remove")(actor=o.manager, oversight=o.oversight), PLAN
    ),
    "meeting_create": Recipe(
        lambda o: _s("meeting_create")(actor=o.manager, body=o.body, date=o.today),
        None,
        why="a new meeting has decided nothing yet",
    ),
    "meeting_update": Recipe(
        lambda o: _s("meeting_update")(actor=o.manager, meeting=o.meeting, title="Youth Board II"),
        PLAN,  # its decision about the world's action names it
    ),
    "agenda_item_add": Recipe(
        lambda o: _s("agenda_item_add")(
            actor=o.manager, meeting=o.meeting, title="Budget", subject=o.line
        ),
        PLAN,
    ),
    "agenda_item_remove": Recipe(
        lambda o: _s("agenda_item_remove")(actor=o.manager, item=o.agenda_item), PLAN
    ),
    "decision_record": Recipe(
        lambda o: _s("decision_record")(
            actor=o.manager, body=o.body, text="Fund it.", subject=o.measure, decided_on=o.past
        ),
        PLAN,
    ),
    "decision_update": Recipe(
        lambda o: _s("decision_update")(
            actor=o.manager, decision=o.action_decision, text="Approve the policy, amended."
        ),
        PLAN,
    ),
    "decision_delete": Recipe(
        lambda o: _s("decision_delete")(actor=o.manager, decision=o.action_decision), PLAN
    ),
    "load_demo_governance": Recipe(
        lambda o: _s("load_demo_governance")(actor=o.admin, plan=o.plan, on=o.today), PLAN
    ),
    "load_demo_cycle": Recipe(
        lambda o: _s("load_demo_cycle")(
            actor=o.admin, plan=o.plan, bodies=o.bodies, on=o.today + dt.timedelta(days=62)
        ),
        PLAN,
        prepare=_demo_bodies,
    ),
    "load_demo_measures": Recipe(
        lambda o: _s("load_demo_measures")(actor=o.manager, plan=o.plan),
        PLAN,
        prepare=_with_suggestion,
    ),
    # packs
    "commentary_save": Recipe(
        lambda o: _s("commentary_save")(
            actor=o.owner, action=o.action, period=_period(), text="On course."
        ),
        PLAN,
    ),
    "chase_send": Recipe(
        lambda o: _s("chase_send")(
            actor=o.manager, plan=o.plan, person=o.owner_person, period=_period()
        ),
        None,
        why="a chase is an email and its record, shown on the commentary page only",
    ),
    "pack_prepare": Recipe(
        lambda o: _s("pack_prepare")(actor=o.manager, body=o.body, period=_period()),
        None,
        why="packs are frozen snapshots with their own pages",
    ),
    "pack_rebuild": Recipe(
        lambda o: _s("pack_rebuild")(actor=o.manager, pack=o.pack),
        None,
        why="packs are frozen snapshots with their own pages",
    ),
    "pack_publish": Recipe(
        lambda o: _s("pack_publish")(actor=o.manager, pack=o.pack, allow_missing=True),
        None,
        why="packs are frozen snapshots with their own pages",
    ),
    # reminders
    "preference_set": Recipe(
        lambda o: _s("preference_set")(actor=o.owner, frequency="weekly", weekday=2),
        None,
        why="a user's own reminder settings",
    ),
    "feed_create": Recipe(
        lambda o: _s("feed_create")(actor=o.viewer, scope="plan", plan=o.plan),
        None,
        why="a calendar feed is keyed by its own token and its plans' versions",
    ),
    "feed_reset": Recipe(
        lambda o: _s("feed_reset")(actor=o.manager, feed=o.feed),
        None,
        why="a calendar feed is keyed by its own token and its plans' versions",
    ),
    "feed_delete": Recipe(
        lambda o: _s("feed_delete")(actor=o.manager, feed=o.feed),
        None,
        why="a calendar feed is keyed by its own token and its plans' versions",
    ),
    "reminders_send": Recipe(
        lambda o: _s("reminders_send")(on=o.today),
        None,
        why="digests are emails and the record of what was sent",
    ),
    # imports
    "import_job_create": Recipe(
        lambda o: _job(o, "into"),
        None,
        why="a job read into its preview saves nothing until it is confirmed",
    ),
    "budget_import_job_create": Recipe(
        lambda o: _job(o, "budget"),
        None,
        why="a job read into its preview saves nothing until it is confirmed",
    ),
    "readings_job_create": Recipe(
        lambda o: _job(o, "readings"),
        None,
        why="a job read into its preview saves nothing until it is confirmed",
    ),
    "import_job_set_columns": Recipe(
        lambda o: _s("import_job_set_columns")(
            actor=o.manager, job=o.import_job, overrides={"Lead": "ignore"}
        ),
        None,
        why="a job read into its preview saves nothing until it is confirmed",
    ),
    "import_job_retry": Recipe(
        lambda o: _s("import_job_retry")(
            actor=o.manager, job=type(o.import_job).objects.get(pk=o.import_job.pk), lines=True
        ),
        None,
        prepare=lambda o: (
            type(o.import_job).objects.filter(pk=o.import_job.pk).update(status="failed")
        ),
        why="a job read again into its preview saves nothing until it is confirmed",
    ),
    "import_job_confirm": _confirm("plan"),
    "import_job_confirm[into plan]": _confirm("into"),
    "import_job_confirm[budget]": _confirm("budget"),
    "import_job_confirm[readings]": _confirm("readings"),
    "import_jobs_prune": Recipe(
        lambda o: _s("import_jobs_prune")(keep_days=0, now=o.today_aware),
        None,
        why="housekeeping of jobs; what they made stays",
    ),
    "import_parsed": Recipe(
        lambda o: _s("import_parsed")(
            actor=o.manager,
            parsed=_parse("Ref\tAction\tOwner\n1\tRecruit staff\tInsp. Bob Jones\n"),
            owner_organisation=o.force,
        ),
        NEW_PLAN,
    ),
    "import_parsed[into plan]": Recipe(
        lambda o: _s("import_parsed")(
            actor=o.manager,
            parsed=_parse("Ref\tAction\tLead\nYC/INT/1\tCreate a new policy\tPolice\n"),
            owner_organisation=o.force,
            into_plan=o.plan,
        ),
        PLAN,
    ),
    "budget_tables_save": Recipe(
        lambda o: _s("budget_tables_save")(
            actor=o.manager,
            plan=o.plan,
            budgets=_budget_tables(_BUDGET),
            section_ids=[o.section.pk],
        ),
        PLAN,
    ),
}


def _new_person(o, name: str):
    from plantrack.core.tests.factories import make_person

    return make_person(name=name, organisation=o.force)


def _new_org(name: str):
    from plantrack.core.tests.factories import make_org

    return make_org(name)


def _merged_duplicate_owner(o) -> None:
    """A second entry for the owner, owning the world's action beside him, merged into him
    (so the duplicate ownership was dropped; the undo restores it)."""
    from plantrack.plans.services import action_update

    twin = _new_person(o, "PS Owen Owner")
    action_update(actor=o.manager, action=o.action, owners=[o.owner_person, twin])
    o.values["merge_record"] = _s("person_merge")(actor=o.manager, keep=o.owner_person, merged=twin)


def _communities(n: int) -> list:
    from plantrack.engagement.models import Community

    return list(Community.objects.order_by("name")[:n])


_REGISTER_ONLY = (
    "the engagement register's own pages; no plan shows it until linked to an action (or, for "
    "an outcome, until approved for a plan's public page)"
)
_WAITS_FOR_APPROVAL = "an outcome shows on a plan's public page only once approved for it"
_AREA = "areas show on no plan page"
RECIPES.update(
    {
        # directory: areas
        "area_create": Recipe(
            lambda o: _s("area_create")(
                actor=o.manager, name="New ward", level="ward", parent=o.borough
            ),
            None,
            why=_AREA,
        ),
        "area_update": Recipe(
            lambda o: _s("area_update")(actor=o.manager, area=o.borough, code="ZZ"),
            None,
            why=_AREA,
        ),
        "areas_import": Recipe(
            lambda o: _s("areas_import")(
                actor=o.admin,
                rows=[{"name": "Imported ward", "level": "ward", "parent": "MX"}],
            ),
            None,
            why=_AREA,
        ),
        # directory: clean-up
        "person_merge": Recipe(
            lambda o: _s("person_merge")(
                actor=o.admin, keep=_new_person(o, "Owen O"), merged=o.owner_person
            ),
            PLAN,  # the owner of the world's action: his ownership moves
        ),
        "organisation_merge": Recipe(
            lambda o: _s("organisation_merge")(
                actor=o.admin, keep=_new_org("Barnet Police Service"), merged=o.force
            ),
            PLAN,  # the force owns the plan and leads its action
        ),
        "merge_undo": Recipe(
            lambda o: _s("merge_undo")(actor=o.manager, record=o.merge_record),
            PLAN,  # the duplicate ownership of the world's action comes back
            prepare=_merged_duplicate_owner,
        ),
        "duplicate_dismiss": Recipe(
            lambda o: _s("duplicate_dismiss")(
                actor=o.manager,
                kind="person",
                first_id=o.owner_person.pk,
                second_id=o.contributor_person.pk,
            ),
            None,
            why="which entries are not the same shows on the directory's clean-up page only",
        ),
        "organisation_parent_set": Recipe(
            lambda o: _s("organisation_parent_set")(
                actor=o.admin, organisation=o.force, parent=o.other_force
            ),
            PLAN,  # the force leads the world's action
        ),
        # engagement
        "register_create": Recipe(
            lambda o: _s("register_create")(actor=o.manager, organisation=o.force, title="R2"),
            None,
            why=_REGISTER_ONLY,
        ),
        "register_update": Recipe(
            lambda o: _s("register_update")(actor=o.manager, register=o.register, title="R3"),
            None,
            why=_REGISTER_ONLY,
        ),
        "register_manager_add": Recipe(
            lambda o: _s("register_manager_add")(
                actor=o.manager, register=o.register, user=o.viewer
            ),
            None,
            why=_REGISTER_ONLY,
        ),
        "register_manager_remove": Recipe(
            lambda o: _s("register_manager_remove")(
                actor=o.manager, register=o.register, user=o.deputy_user
            ),
            None,
            why=_REGISTER_ONLY,
        ),
        "group_create": Recipe(
            lambda o: _s("group_create")(actor=o.manager, register=o.register, name="G2"),
            None,
            why=_REGISTER_ONLY,
        ),
        "group_update": Recipe(
            lambda o: _s("group_update")(actor=o.manager, group=o.group, name="G3"),
            None,
            why=_REGISTER_ONLY,
        ),
        "group_delete": Recipe(
            lambda o: _s("group_delete")(actor=o.manager, group=o.group),
            None,
            why=_REGISTER_ONLY,
        ),
        "activity_create": Recipe(
            lambda o: _s("activity_create")(
                actor=o.manager, register=o.register, title="A2", actions=[o.action]
            ),
            PLAN,  # listed on the action's page from the start
        ),
        "activity_update": Recipe(
            lambda o: _s("activity_update")(actor=o.manager, activity=o.activity, title="A3"),
            None,
            why=_REGISTER_ONLY,
        ),
        "activity_update[link action]": Recipe(
            lambda o: _s("activity_update")(
                actor=o.manager, activity=o.activity, actions=[o.action]
            ),
            PLAN,
        ),
        "activity_update[reopen, outcome published]": Recipe(
            lambda o: _s("activity_update")(
                actor=o.manager, activity=o.plan_activity, status="running"
            ),
            PLAN,  # its "you said, we did" leaves the public page
            prepare=_published_outcome,
        ),
        "activity_update[unlink, outcome published]": Recipe(
            lambda o: _s("activity_update")(actor=o.manager, activity=o.plan_activity, plans=[]),
            PLAN,
            prepare=_published_outcome,
        ),
        "activity_delete": Recipe(
            lambda o: _s("activity_delete")(actor=o.manager, activity=o.activity),
            PLAN,  # it was listed on the action's page
            prepare=lambda o: o.activity.actions.add(o.action),
        ),
        "output_record": Recipe(
            lambda o: _s("output_record")(
                actor=o.owner, activity=o.activity, kind="sessions", count=2
            ),
            None,
            why=_REGISTER_ONLY,
        ),
        "output_update": Recipe(
            lambda o: _s("output_update")(actor=o.owner, output=o.output, count=53),
            None,
            why=_REGISTER_ONLY,
        ),
        "output_delete": Recipe(
            lambda o: _s("output_delete")(actor=o.owner, output=o.output),
            None,
            why=_REGISTER_ONLY,
        ),
        "outcome_record": Recipe(
            lambda o: _s("outcome_record")(
                actor=o.manager, activity=o.plan_activity, you_said="a", we_did="b"
            ),
            None,
            why=_WAITS_FOR_APPROVAL,
        ),
        "outcome_update": Recipe(
            lambda o: _s("outcome_update")(actor=o.owner, outcome=o.outcome, we_did="c"),
            None,
            why=_WAITS_FOR_APPROVAL,
        ),
        # Published: the page shows its date (its text only as approved, but a change of
        # the register's is a change of a row the page reads).
        "outcome_update[published]": Recipe(
            lambda o: _s("outcome_update")(
                actor=o.manager, outcome=o.plan_outcome, date=o.today, we_did="c"
            ),
            PLAN,
            prepare=_published_outcome,
        ),
        # Deleting one takes its approval with it. (Deleting one never approved removes a row
        # of a model plan pages show, so the check below wants a version moved: run on a
        # published one.)
        "outcome_delete": Recipe(
            lambda o: _s("outcome_delete")(actor=o.manager, outcome=o.plan_outcome),
            PLAN,
            prepare=_published_outcome,
        ),
        "follow_up_create": Recipe(
            lambda o: _s("follow_up_create")(
                actor=o.owner, activity=o.activity, title="Call", due_on=o.today
            ),
            None,
            why=_REGISTER_ONLY,
        ),
        "follow_up_update": Recipe(
            lambda o: _s("follow_up_update")(actor=o.owner, follow_up=o.follow_up, done=True),
            None,
            why=_REGISTER_ONLY,
        ),
        "follow_up_delete": Recipe(
            lambda o: _s("follow_up_delete")(actor=o.owner, follow_up=o.follow_up),
            None,
            why=_REGISTER_ONLY,
        ),
        "organisation_communities_set": Recipe(
            lambda o: _s("organisation_communities_set")(
                actor=o.manager, organisation=o.force, communities=_communities(2)
            ),
            None,
            why="the communities an organisation serves show on its directory page only",
        ),
        "list_entry_save": Recipe(
            lambda o: _s("list_entry_save")(actor=o.admin, entry=_communities(1)[0]),
            None,
            why="method and community names show on engagement pages only",
        ),
        "load_demo_engagement": Recipe(
            lambda o: _s("load_demo_engagement")(actor=o.admin, manager=o.manager, plan=o.plan),
            None,
            why="it links activities to actions only by seed 002's titles, absent here",
            prepare=lambda o: o.activity.areas.clear(),
        ),
        "activity_update_post": Recipe(
            lambda o: _s("activity_update_post")(
                actor=o.owner, activity=o.activity, narrative="Going well", rag="green"
            ),
            None,
            why=_REGISTER_ONLY,
        ),
    }
)

# Services that cannot be run here, each with why it changes nothing a plan page shows.
NOT_ON_PLAN_PAGES: dict[str, str] = {
    # Not run here: it needs the charter of seed 003 (its action refs). It only calls the
    # public services, each with its recipe above; test_demo_safety.py runs it on the demo.
    "load_demo_publication": "the demo charter's decisions, through services with recipes",
    "load_demo_events": "the demo's public events, through event services with recipes",
    # The phone's form (plantrack/mobile) offers no plan or action to link: the activity it
    # records, its output and photo are on the register's pages only.
    "activity_capture": "an activity linked to no plan or action, on its register only",
    # Two-factor sign-in (accounts/twofactor.py): a user's own devices and recovery codes.
    "second_factor_start": "a user's authenticator app, shown on no plan",
    "second_factor_confirm": "a user's authenticator app, shown on no plan",
    "second_factor_remove": "a user's authenticator app, shown on no plan",
    "recovery_codes_renew": "a user's recovery codes, shown on no plan",
}


# --- public events: on the public calendar only --------------------------------------------------
_EVENTS = "public events show on the public calendar and an activity's page, not on a plan's"


def _event(o):
    import datetime as dt

    from django.utils import timezone

    return _s("event_publish")(
        actor=o.manager,
        organisation=o.force,
        area=o.borough,
        title="Van",
        purpose="Meet the team",
        place="High street",
        starts_at=timezone.now() + dt.timedelta(days=3),
        activity=o.activity,
    )


RECIPES.update(
    {
        "event_publish": Recipe(_event, None, why=_EVENTS),
        "event_update": Recipe(
            lambda o: _s("event_update")(actor=o.manager, event=o.event, title="Moved"),
            None,
            why=_EVENTS,
        ),
        "event_cancel": Recipe(
            lambda o: _s("event_cancel")(actor=o.manager, event=o.event, reason="Rain"),
            None,
            why=_EVENTS,
        ),
    }
)


# --- assessments: frameworks show on no plan page ----------------------------------------------
_FRAMEWORK = "frameworks and their items show on their own pages only"


def _framework(o, *, published: bool = False):
    from plantrack.assessments import services as a

    framework = a.framework_import(
        actor=o.manager,
        organisation=o.force,
        title=f"Checklist {published}",
        items=[a.ImportedItem("Appointment of a SPOC"), a.ImportedItem("Monthly contact")],
    )
    if published:
        a.framework_status_set(actor=o.manager, framework=framework, status="published")
    return framework


def _cycle(o, *, answered: bool = False, submitted: bool = False, level: str = "in_place"):
    """A published checklist sent to one unit beneath the force, the manager its assessor and
    reviewer; answered (and submitted) if asked."""
    import datetime as dt

    from plantrack.assessments import cycles
    from plantrack.directory.models import Membership, Organisation

    unit_org = Organisation.objects.create(name="Matrix BOCU", parent=o.force)
    Membership.objects.create(user=o.manager, organisation=unit_org)
    cycle = cycles.cycle_create(
        actor=o.manager,
        framework=_framework(o, published=True),
        title="Cycle",
        opens_on=dt.date(2026, 4, 1),
        due_on=dt.date(2026, 6, 1),
        units=[unit_org],
        reviewers=[o.manager],
    )
    unit = cycle.units.get()
    cycles.unit_assessors_set(actor=o.manager, unit=unit, assessors=[o.manager])
    if answered or submitted:
        for item in cycle.framework.items.all():
            cycles.answer_save(actor=o.manager, unit=unit, item=item, level=level)
    if submitted:
        cycles.unit_submit(actor=o.manager, unit=unit)
    return unit


def _consulted(o):
    from plantrack.assessments.demo import STANDARDS_TITLE

    checklist = _framework(o, published=True)
    _s("load_demo_cycles")(actor=o.admin, checklist=checklist, reviewer=o.manager)
    standards = _s("framework_create")(actor=o.manager, organisation=o.force, title=STANDARDS_TITLE)
    for text in ("Aim", "Communities", "Method", "Level", "Outputs", "Feedback"):
        _s("item_create")(actor=o.manager, framework=standards, text=text)
    _s("framework_status_set")(actor=o.manager, framework=standards, status="consultation")
    return _s("load_demo_consultation")(actor=o.manager, standards=standards)


def _chased(o):
    type(o.manager).objects.filter(pk=o.manager.pk).update(email="manager@example.org")
    return _s("unit_chase")(actor=o.manager, unit=_cycle(o))


def _return_saved(o):
    from plantrack.assessments.cycles import AnswerInput

    unit = _cycle(o)
    answers = [AnswerInput(item, "planned") for item in unit.cycle.framework.items.all()]
    return _s("unit_return_save")(actor=o.manager, unit=unit, answers=answers, submit=True)


def _challenged(o):
    from plantrack.assessments import cycles

    unit = _cycle(o, submitted=True)
    answer = unit.answers.first()
    cycles.answer_review(actor=o.admin, answer=answer, decision="challenge", text="Why?")
    return answer


def _accepted_all(o):
    from plantrack.assessments import cycles

    unit = _cycle(o, submitted=True)
    for answer in unit.answers.all():
        cycles.answer_review(actor=o.admin, answer=answer, decision="accept")
    return unit


RECIPES.update(
    {
        name: Recipe(run, None, why=_FRAMEWORK)
        for name, run in {
            "cycle_create": lambda o: _cycle(o),
            "cycle_reviewers_set": lambda o: _s("cycle_reviewers_set")(
                actor=o.manager, cycle=_cycle(o).cycle, reviewers=[]
            ),
            "unit_assessors_set": lambda o: _s("unit_assessors_set")(
                actor=o.manager, unit=_cycle(o), assessors=[]
            ),
            "cycle_close": lambda o: _s("cycle_close")(actor=o.manager, cycle=_cycle(o).cycle),
            "answer_save": lambda o: _cycle(o, answered=True),
            "unit_return_save": _return_saved,
            "unit_submit": lambda o: _cycle(o, submitted=True),
            "answer_review": _challenged,
            "answer_reply": lambda o: _s("answer_reply")(
                actor=o.manager, answer=_challenged(o), text="Because"
            ),
            "unit_finalise": lambda o: _s("unit_finalise")(actor=o.admin, unit=_accepted_all(o)),
            "gap_to_action": lambda o: _s("gap_to_action")(
                actor=o.manager, answer=_cycle(o, answered=True, level="partly").answers.first()
            ),
            "unit_chase": _chased,
            "unit_accept_rest": lambda o: _s("unit_accept_rest")(
                actor=o.admin, unit=_cycle(o, submitted=True)
            ),
            "load_demo_frameworks": lambda o: _s("load_demo_frameworks")(
                actor=o.manager, checklist=_framework(o)
            ),
            "load_demo_consultation": _consulted,
            "load_demo_cycles": lambda o: _s("load_demo_cycles")(
                actor=o.admin, checklist=_framework(o, published=True), reviewer=o.manager
            ),
        }.items()
    }
)


RECIPES.update(
    {
        "framework_create": Recipe(
            lambda o: _s("framework_create")(actor=o.manager, organisation=o.force, title="F"),
            None,
            why=_FRAMEWORK,
        ),
        "framework_import": Recipe(_framework, None, why=_FRAMEWORK),
        "item_comment_add": Recipe(
            lambda o: (
                (f := _framework(o))
                and _s("framework_status_set")(actor=o.manager, framework=f, status="consultation")
                and _s("item_comment_add")(actor=o.manager, item=f.items.first(), text="A comment")
            ),
            None,
            why=_FRAMEWORK,
        ),
        "framework_update": Recipe(
            lambda o: _s("framework_update")(actor=o.manager, framework=_framework(o), title="G"),
            None,
            why=_FRAMEWORK,
        ),
        "framework_status_set": Recipe(
            lambda o: _s("framework_status_set")(
                actor=o.manager, framework=_framework(o), status="consultation"
            ),
            None,
            why=_FRAMEWORK,
        ),
        "framework_new_version": Recipe(
            lambda o: _s("framework_new_version")(
                actor=o.manager, framework=_framework(o, published=True)
            ),
            None,
            why=_FRAMEWORK,
        ),
        "item_create": Recipe(
            lambda o: _s("item_create")(actor=o.manager, framework=_framework(o), text="New"),
            None,
            why=_FRAMEWORK,
        ),
        "item_update": Recipe(
            lambda o: _s("item_update")(
                actor=o.manager, item=_framework(o).items.first(), text="Changed"
            ),
            None,
            why=_FRAMEWORK,
        ),
        "item_delete": Recipe(
            lambda o: _s("item_delete")(actor=o.manager, item=_framework(o).items.first()),
            None,
            why=_FRAMEWORK,
        ),
        "items_reorder": Recipe(
            lambda o: (
                (f := _framework(o))
                and _s("items_reorder")(
                    actor=o.manager,
                    framework=f,
                    item_ids=list(f.items.order_by("-position").values_list("pk", flat=True)),
                )
            ),
            None,
            why=_FRAMEWORK,
        ),
    }
)


# --- stakeholders: the stakeholder database shows on no plan page ------------------------------
_STAKEHOLDERS = "the stakeholder database's own pages and the directory's; no plan page shows it"


def _database(o):
    from plantrack.stakeholders import services as st
    from plantrack.stakeholders.models import Database, DatabaseRole

    found = Database.objects.filter(organisation=o.force).first()
    if found is None:
        return st.database_create(actor=o.admin, organisation=o.force)
    # An earlier recipe may have taken the admin's roles away (the world is shared).
    for role in DatabaseRole.Role:
        DatabaseRole.objects.get_or_create(database=found, user=o.admin, role=role)
    return found


def _stakeholder(o):
    from plantrack.directory.models import Organisation
    from plantrack.stakeholders import services as st

    partner = Organisation.objects.create(name="Residents' association")
    return st.stakeholder_create(
        actor=o.admin, database=_database(o), organisation=partner, contact_every_days=30
    )


def _contact(o, database=None):
    from plantrack.stakeholders import services as st

    return st.contact_create(actor=o.admin, database=database or _database(o), name="A Contact")


def _interaction(o):
    import datetime as dt

    from plantrack.stakeholders import services as st

    stakeholder = _stakeholder(o)
    contact = _contact(o, stakeholder.database)
    return st.interaction_log(
        actor=o.admin,
        database=stakeholder.database,
        stakeholder=stakeholder,
        date=dt.date(2026, 5, 1),
        summary="Met",
        contacts=[contact],
    )


def _stakeholder_role(o):
    from plantrack.stakeholders import services as st

    stakeholder = _stakeholder(o)
    return st.stakeholder_role_create(
        actor=o.admin,
        stakeholder=stakeholder,
        title="Chair",
        contact=_contact(o, stakeholder.database),
    )


def _notice(o, database=None):
    import datetime as dt

    return _s("privacy_notice_create")(
        actor=o.admin,
        database=database or _database(o),
        version="1",
        published_on=dt.date(2026, 1, 1),
        text="Notice",
    )


def _follow_up(o):
    import datetime as dt

    interaction = _interaction(o)
    return _s("interaction_follow_up_add")(
        actor=o.admin,
        interaction=interaction,
        title="Send minutes",
        due_on=dt.date(2026, 6, 1),
        contact=interaction.contacts.first(),
    )


def _basis(o, kind="consent"):
    import datetime as dt

    contact = _contact(o)
    extra = (
        {"consent_on": dt.date(2026, 1, 1), "consent_source": "Form", "consent_wording": "Yes"}
        if kind == "consent"
        else {}
    )
    return _s("lawful_basis_set")(
        actor=o.admin,
        contact=contact,
        purpose=contact.database.purposes.first(),
        kind=kind,
        **extra,
    )


def _notice_given(o):
    contact = _contact(o)
    notice = _notice(o, contact.database)
    return _s("privacy_notice_given")(actor=o.admin, contacts=[contact], notice=notice, on=o.past)


def _list_members(o):
    contact = _contact(o)
    found = _s("contact_list_create")(actor=o.admin, database=contact.database, name="Residents")
    return _s("contact_list_members_set")(actor=o.admin, list_=found, contacts=[contact])


def _listed(o):
    """A list holding a contact (the same pair however often it is asked for)."""
    from plantrack.stakeholders.models import Contact, List

    database = _database(o)
    found = List.objects.filter(database=database, name="Mailing").first()
    if found is None:
        found = _s("contact_list_create")(actor=o.admin, database=database, name="Mailing")
        found.contacts.add(_contact(o, database))
    return found, Contact.objects.filter(lists=found).first()


def _merged(o):
    first = _contact(o)
    return _s("contact_merge")(actor=o.admin, kept=first, other=_contact(o, first.database))


def _contacts_imported(o):
    from plantrack.stakeholders.list_import import ImportedContact

    return _s("contacts_import")(
        actor=o.admin,
        database=_database(o),
        rows=[ImportedContact("A Person", "a@example.org", organisation="Ward Panel")],
        source="Ward list",
        from_third_party=False,
        kind="resident",
    )


def _kept(o):
    from plantrack.stakeholders.models import Contact

    contact = _contact(o)
    Contact.objects.filter(pk=contact.pk).update(state="review")
    contact.refresh_from_db()
    return _s("retention_keep")(actor=o.admin, contact=contact, reason="Still chair")


def _demo_register(o):
    from plantrack.engagement.models import Register

    return Register.objects.create(title="Register", organisation=o.force)


RECIPES.update(
    {
        name: Recipe(run, None, why=_STAKEHOLDERS)
        for name, run in {
            "database_create": _database,
            "database_update": lambda o: _s("database_update")(
                actor=o.admin, database=_database(o), description="Ours"
            ),
            "database_role_add": lambda o: _s("database_role_add")(
                actor=o.admin, database=_database(o), user=o.manager, role="contact_manager"
            ),
            "database_role_remove": lambda o: _s("database_role_remove")(
                actor=o.admin, database=_database(o), user=o.admin, role="contact_manager"
            ),
            "stakeholder_create": _stakeholder,
            "stakeholder_update": lambda o: _s("stakeholder_update")(
                actor=o.admin, stakeholder=_stakeholder(o), notes="Close partner"
            ),
            "stakeholder_rate": lambda o: _s("stakeholder_rate")(
                actor=o.admin,
                stakeholder=_stakeholder(o),
                influence=3,
                interest=2,
                rated_on=o.past,
            ),
            "contact_create": _contact,
            "contact_update": lambda o: _s("contact_update")(
                actor=o.admin, contact=_contact(o), phone="020 7946 0000"
            ),
            "personal_data_read": lambda o: _s("personal_data_read")(
                actor=o.admin, contact=_contact(o), how="page"
            ),
            "stakeholder_role_create": _stakeholder_role,
            "stakeholder_role_update": lambda o: _s("stakeholder_role_update")(
                actor=o.admin, role=_stakeholder_role(o), contact=None
            ),
            "stakeholder_role_delete": lambda o: _s("stakeholder_role_delete")(
                actor=o.admin, role=_stakeholder_role(o)
            ),
            "interaction_log": _interaction,
            "interaction_update": lambda o: _s("interaction_update")(
                actor=o.admin, interaction=_interaction(o), summary="Met again"
            ),
            "interaction_delete": lambda o: _s("interaction_delete")(
                actor=o.admin, interaction=_interaction(o)
            ),
            "refresh_last_contact": lambda o: _s("refresh_last_contact")(
                stakeholder_ids=[_interaction(o).stakeholder_id], contact_ids=[]
            ),
            "interaction_follow_up_add": _follow_up,
            "interaction_follow_up_update": lambda o: _s("interaction_follow_up_update")(
                actor=o.admin, follow_up=_follow_up(o), done=True
            ),
            "lawful_basis_set": _basis,
            "consent_withdraw": lambda o: _s("consent_withdraw")(
                actor=o.admin, basis=_basis(o), on=o.past
            ),
            "privacy_notice_create": _notice,
            "privacy_notice_given": _notice_given,
            "contact_list_create": lambda o: _s("contact_list_create")(
                actor=o.admin, database=_database(o), name="Residents"
            ),
            "contact_list_members_set": _list_members,
            "contact_erase": lambda o: _s("contact_erase")(actor=o.admin, contact=_contact(o)),
            "contact_anonymise": lambda o: _s("contact_anonymise")(
                actor=o.admin, contact=_contact(o), reason="steward"
            ),
            "retention_keep": _kept,
            "retention_rule_set": lambda o: _s("retention_rule_set")(
                actor=o.admin, database=_database(o), kind="resident", months=6, warning_days=7
            ),
            "subject_access_request_open": lambda o: _s("subject_access_request_open")(
                actor=o.admin, contact=_contact(o), received_on=o.past
            ),
            "subject_access_request_close": lambda o: _s("subject_access_request_close")(
                actor=o.admin,
                case=_s("subject_access_request_open")(
                    actor=o.admin, contact=_contact(o), received_on=o.past
                ),
                status="answered",
            ),
            "contact_list_add": lambda o: _s("contact_list_add")(
                actor=o.admin, list_=_listed(o)[0], contact=_listed(o)[1]
            ),
            "contact_list_remove": lambda o: _s("contact_list_remove")(
                actor=o.admin, list_=_listed(o)[0], contact=_listed(o)[1]
            ),
            "contact_merge": _merged,
            "contact_merge_undo": lambda o: _s("contact_merge_undo")(
                actor=o.admin, merge=_merged(o)
            ),
            "contacts_not_duplicate": lambda o: _s("contacts_not_duplicate")(
                actor=o.admin, first=_contact(o), second=_contact(o)
            ),
            "contacts_import": _contacts_imported,
            "contact_list_job_create": lambda o: _s("contact_list_job_create")(
                actor=o.admin,
                database=_database(o),
                file_name="list.csv",
                data=b"Name,Email\nA Person,a@example.org\n",
                source="Ward list",
                from_third_party=True,
                kind="resident",
            ),
            "load_demo_stakeholders": lambda o: _s("load_demo_stakeholders")(
                actor=o.admin, manager=o.manager, register=_demo_register(o)
            ),
        }.items()
    }
)


def _action_import(title: str, o):
    from plantrack.plans.services import ActionImport

    return ActionImport(
        title=title,
        section=o.section,
        owners=[o.owner_person],
        milestones=["First step"],
        updates=[(o.past, "Started")],
    )


SERVICES = enumerated_services()


def _service_of(recipe_name: str) -> str:
    return recipe_name.split("[")[0]


# --- 1. Every service has a recipe ------------------------------------------------------------


def test_every_service_has_a_recipe_or_a_reason():
    recipes = {_service_of(name) for name in RECIPES}
    missing = sorted(set(SERVICES) - recipes - set(NOT_ON_PLAN_PAGES))
    assert not missing, "".join(
        f"\nservice {name} ({SERVICES[name].__module__}) has no recipe in test_plan_versions.py"
        for name in missing
    )
    gone = sorted((recipes | set(NOT_ON_PLAN_PAGES)) - set(SERVICES))
    assert not gone, f"recipes or reasons for services that no longer exist: {gone}"
    assert not recipes & set(NOT_ON_PLAN_PAGES), "a service with a recipe and a reason"
    for name, recipe in RECIPES.items():
        assert recipe.shows in (PLAN, NEW_PLAN) or recipe.why, f"{name}: say why no plan shows it"


def test_the_services_are_found_wherever_they_live():
    """The enumeration itself: services of every app, the importer's modules, and functions
    that are not services left out."""
    modules = {function.__module__ for function in SERVICES.values()}
    for app in ("accounts", "directory", "plans", "measures", "budgets", "governance"):
        assert f"plantrack.{app}.services" in modules
    assert any(m.startswith("plantrack.imports.") for m in modules)
    assert "save_validated" not in SERVICES and "plan_get_for_user" not in SERVICES
    assert {"person_email_verify", "reminders_send", "import_parsed"} <= set(SERVICES)


# --- 2. Each recipe moves the versions of the plans showing what it changed -------------------


@pytest.fixture(scope="module")
def versions_world(django_db_setup, django_db_blocker):
    """Built once, rolled back at the end; each test runs in a savepoint inside it."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}},
    )
    with django_db_blocker.unblock(), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            world = build_versions_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield world
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def _versions() -> dict[int, int]:
    return dict(Plan.objects.values_list("pk", "version"))


def _params() -> list:
    return [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, raises=AssertionError, reason=recipe.defect)]
            if recipe.defect
            else [],
            id=name,
        )
        for name, recipe in RECIPES.items()
    ]


@pytest.mark.parametrize("name", _params())
def test_a_service_moves_the_version_of_every_plan_showing_what_it_changed(
    name, versions_world, db, mailoutbox
):
    recipe = RECIPES[name]
    from django.utils import timezone

    o = versions_world.fresh()
    o.values["today_aware"] = timezone.now() + dt.timedelta(days=1)
    if recipe.prepare:
        recipe.prepare(o)
        o = o.fresh()
    tables = declared_tables()
    before, versions_before = rows_fingerprint(tables), _versions()
    recipe.run(o)
    after, versions_after = rows_fingerprint(tables), _versions()
    diff = difference(tables, before, after)
    moved = {pk for pk, v in versions_after.items() if versions_before.get(pk) != v}
    new_plans = set(versions_after) - set(versions_before)

    if recipe.shows == PLAN:
        assert diff, f"{name}: the recipe changed nothing a plan page shows; fix the recipe"
        plan_pk = getattr(o, recipe.on).pk
        assert plan_pk in moved, f"{name}: {diff.describe()} but the plan's version did not move"
    elif recipe.shows == NEW_PLAN:
        assert new_plans, f"{name}: the recipe made no plan"
    # Whatever the recipe says: every row now there that changed moved its plans' versions
    # (by the declarations in core.changes), and nothing declared was removed unseen.
    for table, pk in diff.changed:
        showing = plans_showing(tables, after, table, pk)
        assert showing <= moved, (
            f"{name} changed {table} #{pk}, shown on plans {sorted(showing - moved)}, "
            "without moving their version"
        )
    if diff.removed:
        assert moved, f"{name} removed {diff.describe()} and no plan's version moved"


# --- 3. Every model that points at a plan is declared -----------------------------------------

# Models pointing at a plan whose rows no cached plan page shows (or shows under another key).
_ACTIVITY_PAGE = "an activity's own page: an action's page lists its activities' titles only"
EXEMPT_MODELS = {
    "public.Event": "a public event of an activity shows on the public calendar and the "
    "activity's page, never on a plan page",
    "assessments.Answer": "an answer links to the action made from its gap; no plan page shows "
    "answers (the action is made through the plan services, which move its plan's version)",
    "assessments.ImprovementPlan": "which plan is a unit's improvement plan: no plan page shows it",
    "engagement.ActivityOwner": _ACTIVITY_PAGE,
    "stakeholders.Interaction": "an interaction at an engagement activity shows on the "
    "stakeholder's timeline and its contacts' pages, never on a plan page",
    "engagement.ActivityUpdate": _ACTIVITY_PAGE,
    "engagement.FollowUp": _ACTIVITY_PAGE,
    "engagement.Output": _ACTIVITY_PAGE,
    "plans.PlanRole": "roles are in the cache key as what the viewer may do",
    "imports.ImportJob": "a job's preview is its own page; what it saves goes through services",
    "imports.ImportJob_created_plans": "a job's own record of the plans it made",
    "packs.Pack": "packs are frozen snapshots with their own pages",
    "packs.Pack_plans": "packs are frozen snapshots with their own pages",
    "packs.PackFile": "a pack's rendered files: frozen with their pack",
    "governance.Chase": "a chase shows on the commentary page only, which is not cached",
    "reminders.CalendarFeed": "a feed is cached under its plans' versions, not shown by them",
}


def _points_at_plan(model) -> bool:
    def direct(m) -> bool:
        return any(f.related_model is Plan for f in _links(m))

    return direct(model) or any(direct(f.related_model) for f in _links(model))


def _links(model):
    """A model's own foreign keys, one-to-ones and many-to-manys (not the reverse ones)."""
    return [
        f
        for f in model._meta.get_fields()
        if f.is_relation and not f.auto_created and f.related_model not in (None, model)
    ]


def _plantrack_models():
    for model in apps.get_models(include_auto_created=True):
        owner = model._meta.auto_created or model
        if not owner.__module__.startswith("plantrack."):
            continue
        # simple_history's records are written with the row they record, which is declared.
        if model.__name__.startswith("Historical"):
            continue
        yield model


def test_every_model_pointing_at_a_plan_is_declared_or_exempt():
    declared = changes.declared_models()
    pointing = {m._meta.label: m for m in _plantrack_models() if _points_at_plan(m)}
    undeclared = []
    for label, model in sorted(pointing.items()):
        owner = model._meta.auto_created
        # A many-to-many table of a declared model (an action's dependencies) is shown with it
        # and fingerprinted with it above.
        if model in declared or (owner in declared) or label in EXEMPT_MODELS:
            continue
        undeclared.append(label)
    assert not undeclared, (
        f"{undeclared} point at a plan: declare which plans show them with changes.shown_on "
        "beside the model, or exempt them here with a reason"
    )
    assert set(EXEMPT_MODELS) <= set(pointing), (
        f"exemptions for models that no longer point at a plan: "
        f"{sorted(set(EXEMPT_MODELS) - set(pointing))}"
    )
    # The walk itself: it finds what it should.
    assert {"plans.Action", "plans.Milestone", "budgets.Spend", "measures.Reading"} <= set(pointing)


def test_the_walk_finds_a_plan_one_hop_away_and_not_further():
    get = apps.get_model
    assert _points_at_plan(get("plans", "Section"))  # plan
    assert _points_at_plan(get("budgets", "Spend"))  # line -> plan
    assert _points_at_plan(get("plans", "Action_depends_on"))  # action -> plan
    assert not _points_at_plan(get("governance", "BodyMember"))  # body -> (oversight) -> plan
    assert not _points_at_plan(get("accounts", "ApiToken"))
