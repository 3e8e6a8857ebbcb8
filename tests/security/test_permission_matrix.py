"""Who may do what: every page route and every API operation, for every persona, GET and POST.

The matrix cannot go stale: a route in the URL conf or an operation in the OpenAPI document
with no row here fails (``test_every_route_has_expectations``), and so does a row whose route
is gone. Every refused write (answered 401/403/404/405/422, sent to sign in, or a form
re-shown) is checked to have changed nothing: a fingerprint of every table but the sign-in
machinery's (row counts and a hash of the rows, history tables included) is taken before and
after it. And no answer to someone who cannot see the restricted plan (an outsider, a user with
no role, an anonymous visitor) may contain its title or any of its things' names.

Outcomes:
- ``OK``: allowed. A GET answers 2xx or 3xx (not to the sign-in page). A POST with an empty
  body may also answer 400/409/422 (the form re-shown or refused for its data), never
  401/403/404/405.
- ``403``, ``404``, ``405``, ``401``, ``400``: exactly that status.
- ``LOGIN``: a redirect to the sign-in page (anonymous visitors of pages).
- ``SAVED`` (a POST with valid data): the write went through and redirected.
- ``UNCHANGED`` (a POST with valid data): refused in whatever way (a form re-shown without the
  forbidden choice, 403, 404), and nothing in the database changed.
Any 5xx fails, whatever was expected.

Personas (see conftest.build_matrix_world): a site admin; the plan's manager (also its board's
secretary and a member of the plan's organisation); the contributor owning the action; a
contributor owning no action; a read-only viewer; an outsider (a member of another
organisation); a signed-in user with no role and no membership; an anonymous visitor. Every
object is the restricted plan's, so "cannot see the plan" means 404, never 403: a restricted
plan's existence is hidden.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from .conftest import RESTRICTED_TEXT

PERSONAS = ("admin", "manager", "owner", "contributor", "viewer", "outsider", "norole", "anonymous")

OK, SAVED, UNCHANGED, LOGIN = "ok", "saved", "unchanged", "login"
GET, POST, POST_DATA = "GET", "POST", "POST+data"

ALL = frozenset(PERSONAS)
SIGNED_IN = ALL - {"anonymous"}
MANAGERS = frozenset({"admin", "manager"})
# May post updates on (and write commentary for) the owner's action.
ACTION_WRITERS = MANAGERS | {"owner"}
# Hold a role on the restricted plan (or are site admins): they see it.
PLAN_READERS = MANAGERS | {"owner", "contributor", "viewer"}
# See the plan but do not manage it.
PLAN_ROLES_ONLY = PLAN_READERS - MANAGERS
# Signed in but cannot see the restricted plan: everything of it is 404 to them.
UNSEEN = frozenset({"outsider", "norole"})


def who(*, anonymous=LOGIN, **groups) -> dict[str, object]:
    """Persona -> outcome from groups, e.g. ``who(ok=MANAGERS, e403=..., e404=UNSEEN)``.
    Every signed-in persona must be named exactly once; anonymous is sent to sign in unless
    said otherwise."""
    table: dict[str, object] = {"anonymous": anonymous}
    for key, personas in groups.items():
        named = {"ok": OK, "saved": SAVED, "unchanged": UNCHANGED, "login": LOGIN}
        outcome = named.get(key) or int(key.removeprefix("e"))
        for persona in personas:
            assert persona in SIGNED_IN, f"unknown persona {persona}"
            assert persona not in table, f"{persona} named twice"
            table[persona] = outcome
    missing = ALL - set(table)
    assert not missing, f"no outcome for {sorted(missing)}"
    return table


# The shapes that recur. Each route below still says which one it has, GET and POST apiece.
EVERYONE = who(ok=SIGNED_IN)  # a page of one's own, or one every signed-in user may see
NO = who(e405=SIGNED_IN)  # the method is not allowed (for anonymous: sign in first)
SEE_PLAN = who(ok=PLAN_READERS, e404=UNSEEN)
MANAGE_PLAN = who(ok=MANAGERS, e403=PLAN_ROLES_ONLY, e404=UNSEEN)
WRITE_ACTION = who(ok=ACTION_WRITERS, e403={"contributor", "viewer"}, e404=UNSEEN)
# Bodies are visible to everyone signed in; the body's keepers (site admins, its chair and
# secretary, here the manager) change it.
KEEP_BODY = who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS)
# ... and what hangs on a body and also on the restricted plan is hidden from who cannot see it.
KEEP_BODY_PLAN = who(ok=MANAGERS, e403=PLAN_ROLES_ONLY, e404=UNSEEN)
# Things of one user's own (an import job, a calendar feed, an API token: the manager's here):
# nobody else's, not even a site admin's, so 404.
MANAGERS_OWN = who(ok={"manager"}, e404=SIGNED_IN - {"manager"})
# The directory is kept by site admins, plan managers and organisation members (the outsider
# is a member of another force); an organisation by its members.
DIRECTORY_KEEPERS = who(
    ok=MANAGERS | {"outsider"}, e403={"owner", "contributor", "viewer", "norole"}
)
ORGANISATION_MEMBERS = who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS)
# The owner's entry: site admins, members of the person's organisation, the person's own user.
PERSON_KEEPERS = who(ok=ACTION_WRITERS, e403=SIGNED_IN - ACTION_WRITERS)

# Areas are shared by everyone signed in; a force area is added by site admins, a place
# inside one (and the area itself edited) by members of the organisation keeping it.
ADD_FORCE_AREA = who(ok={"admin"}, e403=SIGNED_IN - {"admin"})
KEEP_AREA = ORGANISATION_MEMBERS
# The force's engagement register: read by members of the force (the manager), its managers
# and the owners of its activities (the owner); managed by its managers.
REGISTER_READERS = frozenset({"admin", "manager", "owner"})
REGISTER_UNSEEN = SIGNED_IN - REGISTER_READERS
SEE_REGISTER = who(ok=REGISTER_READERS, e404=REGISTER_UNSEEN)
MANAGE_REGISTER = who(ok=MANAGERS, e403={"owner"}, e404=REGISTER_UNSEEN)
# The owner's activity: its owner edits it and records what it produced.
EDIT_ACTIVITY = SEE_REGISTER
# Anyone belonging to an organisation may start a register for it.
START_REGISTER = who(ok=MANAGERS | {"outsider"}, e403={"owner", "contributor", "viewer", "norole"})
# Frameworks: a published one is read by everyone signed in; a draft by the members of the
# organisation keeping it (the manager), who keep both; anyone in an organisation starts one.
START_FRAMEWORK = START_REGISTER
KEEP_DRAFT = who(ok=MANAGERS, e404=SIGNED_IN - MANAGERS)
KEEP_PUBLISHED = who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS)
NO_COMMENTS_YET = who(e403=MANAGERS, e404=SIGNED_IN - MANAGERS)
# Its cycle is read by its keepers, its reviewer (the viewer) and its unit's assessor (the
# owner); run by the keepers, reviewed by the reviewer (and keepers), answered by the assessor.
CYCLE_READERS = MANAGERS | {"owner", "viewer"}
CYCLE_UNSEEN = SIGNED_IN - CYCLE_READERS
SEE_CYCLE = who(ok=CYCLE_READERS, e404=CYCLE_UNSEEN)
RUN_CYCLE = who(ok=MANAGERS, e403={"owner", "viewer"}, e404=CYCLE_UNSEEN)
REVIEW_CYCLE = who(ok=MANAGERS | {"viewer"}, e403={"owner"}, e404=CYCLE_UNSEEN)
ANSWER_UNIT = who(ok={"owner"}, e403=MANAGERS | {"viewer"}, e404=CYCLE_UNSEEN)
# The force's stakeholder database: read by its organisation's members (the manager), those
# with a role on it (the manager is its steward and contact manager) and relationship owners
# (the owner); changed by its contact managers and stewards only, not by site admins, who have
# no need to know its people's details unless given a role.
DATABASE_READERS = frozenset({"admin", "manager", "owner"})
DATABASE_UNSEEN = SIGNED_IN - DATABASE_READERS
SEE_DATABASE = who(ok=DATABASE_READERS, e404=DATABASE_UNSEEN)
KEEP_CONTACTS = who(ok={"manager"}, e403={"admin", "owner"}, e404=DATABASE_UNSEEN)
GIVE_DATABASE_ROLES = who(ok=MANAGERS, e403={"owner"}, e404=DATABASE_UNSEEN)
# The data steward's pages (erasure, subject access, retention): the manager is the steward.
STEWARD = KEEP_CONTACTS
LOG_INTERACTION = who(ok={"manager", "owner"}, e403={"admin"}, e404=DATABASE_UNSEEN)
# The phone's activity form: the managers of a register (the force's: admin and manager).
RECORD_ACTIVITY = who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS)
# The public pages: anyone, signed in or not; only GET.
PUBLIC_PAGE = who(ok=SIGNED_IN, anonymous=OK)
PUBLIC_NO_POST = who(e405=SIGNED_IN, anonymous=405)
NOWHERE = who(e404=SIGNED_IN, anonymous=404)
# The force's events: its members (the manager) and site admins; nobody else finds them.
EVENT_KEEPERS = who(ok=MANAGERS, e404=SIGNED_IN - MANAGERS)
ACT_ON_GAP = who(ok=MANAGERS | {"owner"}, e403={"viewer"}, e404=CYCLE_UNSEEN)


@dataclass(frozen=True)
class Row:
    """One route: its URL parameters (names of world objects, or literal values) and who gets
    what for GET and for an empty POST; optionally a POST with valid data (``data`` builds it
    from the world) and who gets what for that, for routes whose check must hold for a form
    that would be saved."""

    params: dict[str, str]
    get: dict[str, object]
    post: dict[str, object]
    data: Callable | None = None
    post_data: dict[str, object] | None = None
    # (persona, method) -> reason: a known hole, expected to fail until it is fixed.
    holes: dict[tuple[str, str], str] = field(default_factory=dict)
    # The secret in the address is the credential: whoever holds it sees what it shows.
    token_is_credential: bool = False


def _update_data(world) -> dict:
    return {
        "date": timezone.localdate().isoformat(),
        "rag": "green",
        "status": "in_progress",
        "narrative": "Matrix update.",
    }


def _mobile_update_data(world) -> dict:
    from plantrack.plans.models import Update

    latest = Update.objects.filter(action=world.objects["action"]).first()
    return {
        "rag": "amber",
        "narrative": "Matrix update from a phone.",
        "based_on": latest.pk if latest else "",
    }


def _outcome_publish_data(world) -> dict:
    return {
        "do": "approve",
        "activity_title": "Matrix consultation",
        "you_said": "More light in the park.",
        "we_did": "Lights were put up.",
    }


def _evidence_link_data(world) -> dict:
    return {"kind": "link", "link-url": "https://example.org/minutes", "link-title": "Minutes"}


def _chase_data(world) -> dict:
    from plantrack.packs.selectors import current_period

    return {"person": world.objects["owner_person"].pk, "period": current_period()}


def _commentary_data(world) -> dict:
    from plantrack.packs.selectors import current_period

    return {"period": current_period(), "text": "Matrix commentary."}


def _plan_data(world) -> dict:
    return {
        "title": "Matrix plan",
        "kind": "action_plan",
        "owner_organisation": world.objects["force"].pk,
        "status": "active",
        "visibility": "restricted",
        "update_interval_days": "30",
    }


def _new_unit_data(world) -> dict:
    return {"name": "Matrix unit", "kind": "police_force", "parent": world.objects["force"].pk}


def _move_force_data(world) -> dict:
    force = world.objects["force"]
    return {"name": force.name, "kind": force.kind, "parent": world.objects["other_force"].pk}


def _new_person_data(world) -> dict:
    return {"name": "Matrix person", "organisation": world.objects["force"].pk}


def _invitation_data(world) -> dict:
    return {
        "email": "matrix.invitee@example.org",
        "organisation": world.objects["force"].pk,
        "role": "member",
    }


def _merge_data(world) -> dict:
    keep, other = world.objects["merge_keep"], world.objects["merge_other"]
    return {"first": keep.pk, "second": other.pk, "keep": "first"}


def _plan_feed_data(world) -> dict:
    return {"scope": "plan", "plan": world.objects["plan"].pk}


ROUTES: dict[str, Row] = {
    # --- Sign-in and accounts
    "home": Row({}, get=EVERYONE, post=NO),
    # A signed-in browser is sent home (302, allowed); a failed sign-in re-shows the form.
    "login": Row({}, get=who(ok=SIGNED_IN, anonymous=OK), post=who(ok=SIGNED_IN, anonymous=OK)),
    # Signing out is POST only; it then sends everyone to the sign-in page.
    "logout": Row({}, get=NO, post=who(login=SIGNED_IN)),
    "accounts:tokens": Row({}, get=EVERYONE, post=EVERYONE),
    "accounts:token_revoke": Row({"pk": "manager_token"}, get=NO, post=MANAGERS_OWN),
    # One's own profile, sessions and password; an empty POST re-shows the form.
    "accounts:profile": Row({}, get=EVERYONE, post=EVERYONE),
    "accounts:sessions_end_others": Row({}, get=NO, post=EVERYONE),
    # Two-factor sign-in: one's own. New recovery codes need an app set up (nobody has one
    # here); turning it off is anyone's while the deployment does not require it.
    # Single sign-on's addresses: not there unless it is set up (tests/browser/test_sso.py).
    "admin_sign_in": Row({}, get=who(login=SIGNED_IN), post=who(login=SIGNED_IN)),
    "oidc_authentication_init": Row({}, get=NOWHERE, post=NOWHERE),
    "oidc_authentication_callback": Row({}, get=NOWHERE, post=NOWHERE),
    "accounts:two_factor": Row({}, get=EVERYONE, post=EVERYONE),
    "accounts:two_factor_setup": Row({}, get=EVERYONE, post=EVERYONE),
    "accounts:recovery_codes": Row({}, get=NO, post=who(e403=SIGNED_IN)),
    "accounts:two_factor_off": Row({}, get=NO, post=who(saved=SIGNED_IN)),
    "accounts:password_change": Row({}, get=EVERYONE, post=EVERYONE),
    "accounts:password_change_done": Row({}, get=EVERYONE, post=NO),
    # Password reset by email: no sign-in; the mailed link is the credential (a made-up one
    # here, which the page says does not work).
    "accounts:password_reset": Row(
        {}, get=who(ok=SIGNED_IN, anonymous=OK), post=who(ok=SIGNED_IN, anonymous=OK)
    ),
    "accounts:password_reset_done": Row(
        {}, get=who(ok=SIGNED_IN, anonymous=OK), post=who(e405=SIGNED_IN, anonymous=405)
    ),
    "accounts:password_reset_confirm": Row(
        {"uidb64": "MQ", "token": "set-password"},
        get=who(ok=SIGNED_IN, anonymous=OK),
        post=who(ok=SIGNED_IN, anonymous=OK),
        token_is_credential=True,
    ),
    "accounts:password_reset_complete": Row(
        {}, get=who(ok=SIGNED_IN, anonymous=OK), post=who(e405=SIGNED_IN, anonymous=405)
    ),
    # --- Plans
    "plans:list": Row({}, get=EVERYONE, post=NO),
    "plans:my_actions": Row({}, get=EVERYONE, post=NO),
    # Anyone may start a plan, but only for an organisation they belong to.
    "plans:create": Row(
        {},
        get=EVERYONE,
        post=EVERYONE,
        data=_plan_data,
        post_data=who(saved=MANAGERS, e403=SIGNED_IN - MANAGERS),
    ),
    "plans:detail": Row({"pk": "plan"}, get=SEE_PLAN, post=NO),
    "plans:edit": Row({"pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:history": Row({"pk": "plan"}, get=SEE_PLAN, post=NO),
    # Who holds which role is shown to everyone on the plan; only managers change it.
    "plans:members": Row({"pk": "plan"}, get=SEE_PLAN, post=MANAGE_PLAN),
    "plans:member_remove": Row({"pk": "plan", "user_pk": "viewer_user"}, get=NO, post=MANAGE_PLAN),
    "plans:section_create": Row({"pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:section_edit": Row({"pk": "section"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:action_create": Row({"pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:action": Row({"pk": "action"}, get=SEE_PLAN, post=NO),
    "plans:action_edit": Row({"pk": "action"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:update_create": Row(
        {"pk": "action"},
        get=WRITE_ACTION,
        post=WRITE_ACTION,
        data=_update_data,
        post_data=who(saved=ACTION_WRITERS, e403={"contributor", "viewer"}, e404=UNSEEN),
    ),
    "plans:milestone_create": Row({"pk": "action"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:milestone_edit": Row({"pk": "milestone"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    # Many actions at once; soft deletion and restoring (the plan's managers).
    "plans:bulk": Row({"pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:deleted": Row({"pk": "plan"}, get=MANAGE_PLAN, post=NO),
    "plans:action_delete": Row({"pk": "action"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:section_delete": Row({"pk": "section"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "plans:action_restore": Row({"pk": "gone_action"}, get=NO, post=MANAGE_PLAN),
    "plans:section_restore": Row({"pk": "gone_section"}, get=NO, post=MANAGE_PLAN),
    # --- Evidence (a file on the manager's update of the owner's action): read like the
    # action's page; added and removed by the update's author (the manager) and the plan's
    # managers (the owner may add to his own updates only).
    "evidence:download": Row({"pk": "evidence"}, get=SEE_PLAN, post=NO),
    "evidence:attach": Row(
        {"app_label": "plans", "model": "update", "object_id": "manager_update"},
        get=MANAGE_PLAN,
        post=MANAGE_PLAN,
        data=_evidence_link_data,
        post_data=who(saved=MANAGERS, e403=PLAN_ROLES_ONLY, e404=UNSEEN),
    ),
    "evidence:remove": Row({"pk": "evidence"}, get=NO, post=MANAGE_PLAN),
    # --- Directory (shared by everyone signed in; see DIRECTORY_KEEPERS)
    "directory:organisations": Row({}, get=EVERYONE, post=NO),
    # F1: a new organisation goes beneath one's own only (the outsider's form does not offer
    # the plan's force, so it is re-shown and nothing is made).
    "directory:organisation_create": Row(
        {},
        get=DIRECTORY_KEEPERS,
        post=DIRECTORY_KEEPERS,
        data=_new_unit_data,
        post_data=who(
            saved=MANAGERS,
            unchanged={"outsider"},
            e403={"owner", "contributor", "viewer", "norole"},
        ),
    ),
    "directory:organisation": Row({"pk": "force"}, get=EVERYONE, post=NO),
    # F1: moving an organisation needs membership of the old and the new place (or a site
    # admin): the manager, a member of the force only, cannot put it under the other force.
    "directory:organisation_edit": Row(
        {"pk": "force"},
        get=ORGANISATION_MEMBERS,
        post=ORGANISATION_MEMBERS,
        data=_move_force_data,
        post_data=who(saved={"admin"}, unchanged={"manager"}, e403=SIGNED_IN - MANAGERS),
    ),
    "directory:people": Row({}, get=EVERYONE, post=NO),
    # F2: people are added to one's own organisations only.
    "directory:person_create": Row(
        {},
        get=DIRECTORY_KEEPERS,
        post=DIRECTORY_KEEPERS,
        data=_new_person_data,
        post_data=who(
            saved=MANAGERS,
            unchanged={"outsider"},
            e403={"owner", "contributor", "viewer", "norole"},
        ),
    ),
    "directory:person": Row({"pk": "owner_person"}, get=EVERYONE, post=NO),
    "directory:person_edit": Row({"pk": "owner_person"}, get=PERSON_KEEPERS, post=PERSON_KEEPERS),
    "directory:person_email_verification_send": Row(
        {"pk": "owner_person"}, get=NO, post=PERSON_KEEPERS
    ),
    # The mailed link: its token is the credential, so no sign-in; opening it only asks, the
    # POST confirms.
    "directory:email_verify": Row(
        {"token": "email_token"},
        get=who(ok=SIGNED_IN, anonymous=OK),
        post=who(ok=SIGNED_IN, anonymous=OK),
    ),
    # Invitations: site admins and organisation managers (no persona manages an organisation)
    # invite; the mailed link is the credential, and an empty POST re-shows its password form.
    "directory:invitation_create": Row(
        {},
        get=who(ok={"admin"}, e403=SIGNED_IN - {"admin"}),
        post=who(ok={"admin"}, e403=SIGNED_IN - {"admin"}),
        data=_invitation_data,
        post_data=who(saved={"admin"}, e403=SIGNED_IN - {"admin"}),
    ),
    "directory:invitation_accept": Row(
        {"token": "invitation_token"},
        get=who(ok=SIGNED_IN, anonymous=OK),
        post=who(ok=SIGNED_IN, anonymous=OK),
        token_is_credential=True,
    ),
    # --- Imports and exports
    # Anyone may upload; the importer lets them import only for organisations they belong to.
    "imports:new": Row({}, get=EVERYONE, post=EVERYONE),
    # A job is its uploader's (the manager's) alone: 404 to everyone else, admins included.
    "imports:preview": Row({"pk": "import_job"}, get=MANAGERS_OWN, post=MANAGERS_OWN),
    "imports:progress": Row({"pk": "import_job"}, get=MANAGERS_OWN, post=NO),
    "imports:confirm": Row({"pk": "import_job"}, get=NO, post=MANAGERS_OWN),
    "imports:retry": Row({"pk": "import_job"}, get=NO, post=MANAGERS_OWN),
    "imports:export": Row({"pk": "plan", "fmt": "xlsx"}, get=SEE_PLAN, post=NO),
    # --- Measures and benefits
    "measures:plan": Row({"plan_pk": "plan"}, get=SEE_PLAN, post=NO),
    "measures:export": Row({"plan_pk": "plan"}, get=SEE_PLAN, post=NO),
    "measures:create": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "measures:suggestions": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=NO),
    "measures:suggestion_confirm": Row({"plan_pk": "plan"}, get=NO, post=MANAGE_PLAN),
    "measures:suggestion_dismiss": Row({"plan_pk": "plan"}, get=NO, post=MANAGE_PLAN),
    "measures:benefits": Row({"plan_pk": "plan"}, get=SEE_PLAN, post=NO),
    "measures:benefit_create": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "measures:benefit_edit": Row({"pk": "benefit"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "measures:benefit_realise": Row({"pk": "benefit"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "measures:detail": Row({"pk": "measure"}, get=SEE_PLAN, post=NO),
    "measures:chart": Row({"pk": "measure"}, get=SEE_PLAN, post=NO),
    "measures:edit": Row({"pk": "measure"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "measures:target_add": Row({"pk": "measure"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "measures:target_remove": Row({"pk": "target"}, get=NO, post=MANAGE_PLAN),
    # The measure is tied to the owner's action: its owner records readings.
    "measures:reading_create": Row({"pk": "measure"}, get=WRITE_ACTION, post=WRITE_ACTION),
    "measures:readings_upload": Row({"pk": "measure"}, get=WRITE_ACTION, post=WRITE_ACTION),
    # --- Budgets
    "budgets:plan": Row({"plan_pk": "plan"}, get=SEE_PLAN, post=NO),
    "budgets:export": Row({"plan_pk": "plan"}, get=SEE_PLAN, post=NO),
    "budgets:line_create": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "budgets:line_edit": Row({"pk": "line"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "budgets:line_delete": Row({"pk": "line"}, get=NO, post=MANAGE_PLAN),
    "budgets:spend_create": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "budgets:funding_create": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "budgets:funding_move": Row({"pk": "funding"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "budgets:import": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    # With nothing uploaded the preview sends a manager back to the upload (302).
    "budgets:import_preview": Row({"plan_pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    # --- Reports
    "reports:plan": Row({"pk": "plan"}, get=SEE_PLAN, post=NO),
    "reports:section": Row({"pk": "section"}, get=SEE_PLAN, post=NO),
    # The portfolio counts only the plans each persona can see (and the matrix checks that no
    # answer to who cannot see the restricted plan names it).
    "reports:portfolio": Row({}, get=EVERYONE, post=NO),
    "reports:portfolio_actions": Row({}, get=EVERYONE, post=NO),
    "reports:portfolio_export": Row({"fmt": "csv"}, get=EVERYONE, post=NO),
    # --- Governance (the board oversees the restricted plan; the manager is its secretary)
    "governance:bodies": Row({}, get=EVERYONE, post=NO),
    # Creating a body: site admins and those who already keep one.
    "governance:body_create": Row({}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:body": Row({"pk": "body"}, get=EVERYONE, post=NO),
    "governance:body_edit": Row({"pk": "body"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:member_add": Row({"pk": "body"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:member_remove": Row(
        {"pk": "body", "person_pk": "owner_person"}, get=NO, post=KEEP_BODY
    ),
    "governance:meeting_create": Row({"pk": "body"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:body_decision": Row({"pk": "body"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:meeting": Row({"pk": "meeting"}, get=EVERYONE, post=NO),
    "governance:meeting_edit": Row({"pk": "meeting"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:agenda_item_add": Row({"pk": "meeting"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:meeting_decision": Row({"pk": "meeting"}, get=KEEP_BODY, post=KEEP_BODY),
    # The agenda item is about the restricted plan: hidden from who cannot see it.
    "governance:agenda_item_remove": Row({"pk": "agenda_item"}, get=NO, post=KEEP_BODY_PLAN),
    # The decision is the body's own business (no subject): the body's keepers'.
    "governance:decision_edit": Row({"pk": "decision"}, get=KEEP_BODY, post=KEEP_BODY),
    # GET asks "are you sure?"; POST deletes.
    "governance:decision_delete": Row({"pk": "decision"}, get=KEEP_BODY, post=KEEP_BODY),
    "governance:plan": Row({"pk": "plan"}, get=SEE_PLAN, post=NO),
    # Setting oversight is the plan manager's business.
    "governance:oversight_create": Row({"pk": "plan"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "governance:oversight_remove": Row({"pk": "oversight"}, get=NO, post=MANAGE_PLAN),
    # --- Board packs (the pack covers the restricted plan)
    "packs:list": Row({}, get=EVERYONE, post=NO),
    # Preparing one: a manager of a plan the body oversees who sees all of them. The body is
    # visible to everyone, but 404 to those who cannot see its plans: a defensible choice
    # (the form would show the restricted plan's name).
    "packs:new": Row({"pk": "body"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "packs:detail": Row({"pk": "pack"}, get=SEE_PLAN, post=NO),
    "packs:progress": Row({"pk": "pack"}, get=SEE_PLAN, post=NO),
    "packs:publish": Row({"pk": "pack"}, get=NO, post=MANAGE_PLAN),
    "packs:rebuild": Row({"pk": "pack"}, get=NO, post=MANAGE_PLAN),
    "packs:download": Row({"pk": "pack", "fmt": "xlsx"}, get=SEE_PLAN, post=NO),
    # Managers see everyone's commentary, an owner their own items; others have nothing here.
    "packs:commentary": Row({"pk": "plan"}, get=WRITE_ACTION, post=NO),
    "packs:chase": Row(
        {"pk": "plan"},
        get=NO,
        post=MANAGE_PLAN,
        data=_chase_data,
        post_data=who(saved=MANAGERS, e403=PLAN_ROLES_ONLY, e404=UNSEEN),
    ),
    # Commentary follows the rule for posting updates (PlanAccess.can_post_update).
    "packs:commentary_write": Row(
        {"pk": "action"},
        get=WRITE_ACTION,
        post=WRITE_ACTION,
        data=_commentary_data,
        post_data=who(saved=ACTION_WRITERS, e403={"contributor", "viewer"}, e404=UNSEEN),
    ),
    # --- Reminders and calendars
    "reminders:settings": Row({}, get=EVERYONE, post=EVERYONE),
    # An empty form redirects with a message; a feed of a plan one cannot see is 404.
    "reminders:feed_create": Row(
        {},
        get=NO,
        post=EVERYONE,
        data=_plan_feed_data,
        post_data=who(saved=PLAN_READERS, e404=UNSEEN),
    ),
    "reminders:feed_reset": Row({"pk": "feed"}, get=NO, post=MANAGERS_OWN),
    "reminders:feed_delete": Row({"pk": "feed"}, get=NO, post=MANAGERS_OWN),
    # No sign-in: the secret token in the address is the credential (calendar programs).
    "reminders:feed_ics": Row(
        {"token": "feed_token"},
        token_is_credential=True,
        get=who(ok=SIGNED_IN, anonymous=OK),
        post=who(e405=SIGNED_IN, anonymous=405),
    ),
    # --- Search: everyone signed in searches what they may see (the API row below searches
    # the restricted plan's words: none may reach who cannot see it).
    "search:search": Row({}, get=EVERYONE, post=NO),
    # --- The public side: the pages need no sign-in, and the restricted plan, published
    # behind the service's back, is not found by anyone, signed in or not.
    "public:index": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:accessibility": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:organisation": Row({"pk": "force"}, get=NOWHERE, post=PUBLIC_NO_POST),
    "public:plan": Row({"slug": "public_slug"}, get=NOWHERE, post=PUBLIC_NO_POST),
    "public:plan_csv": Row({"slug": "public_slug"}, get=NOWHERE, post=PUBLIC_NO_POST),
    "public:plan_json": Row({"slug": "public_slug"}, get=NOWHERE, post=PUBLIC_NO_POST),
    "public:plan_feed": Row({"slug": "public_slug"}, get=NOWHERE, post=PUBLIC_NO_POST),
    # Deciding what the public sees: the plan's managers (and named publishers, for updates);
    # whoever sees the plan reads whether it is published.
    "public:manage": Row({"pk": "plan"}, get=SEE_PLAN, post=MANAGE_PLAN),
    "public:unpublish": Row({"pk": "plan"}, get=NO, post=MANAGE_PLAN),
    "public:publishers": Row({"pk": "plan"}, get=NO, post=MANAGE_PLAN),
    "public:approvals": Row({}, get=EVERYONE, post=NO),
    "public:update_decide": Row({"pk": "manager_update"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    # A "you said, we did" of a completed activity linked to the plan: its publishers who read
    # the register (here the managers: the owner reads it but does not publish).
    "public:outcome_decide": Row(
        {"pk": "plan_outcome", "plan": "plan"},
        get=MANAGE_PLAN,
        post=MANAGE_PLAN,
        data=_outcome_publish_data,
        post_data=who(saved=MANAGERS, e403=PLAN_ROLES_ONLY, e404=UNSEEN),
    ),
    "public:action_withhold": Row({"pk": "action"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "public:section_withhold": Row({"pk": "section"}, get=MANAGE_PLAN, post=MANAGE_PLAN),
    "public:withholding_release": Row({"pk": "withholding"}, get=NO, post=MANAGE_PLAN),
    # Public events: anyone reads the calendar; members of an organisation publish its events
    # (anyone signed in gets the form, offering only their own organisations).
    # The phone pages (plantrack/mobile): an update as on the desktop's form; an activity
    # by the managers of a register (here those of the force's).
    "mobile:home": Row({}, get=EVERYONE, post=NO),
    "mobile:update": Row(
        {"pk": "action"},
        get=WRITE_ACTION,
        post=WRITE_ACTION,
        data=_mobile_update_data,
        post_data=who(saved=ACTION_WRITERS, e403={"contributor", "viewer"}, e404=UNSEEN),
    ),
    "mobile:activity_new": Row({}, get=RECORD_ACTIVITY, post=RECORD_ACTIVITY),
    "mobile:manifest": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "mobile:service_worker": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    # What a load balancer asks (plantrack/ops/health.py): anyone, no sign-in; only GET/HEAD.
    "ops:healthz": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "ops:readyz": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:events": Row({}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:event": Row({"pk": "event"}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:area_events": Row({"pk": "borough"}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:area_events_ics": Row({"pk": "borough"}, get=PUBLIC_PAGE, post=PUBLIC_NO_POST),
    "public:events_manage": Row({}, get=EVERYONE, post=NO),
    "public:event_create": Row({}, get=EVERYONE, post=EVERYONE),
    "public:event_edit": Row({"pk": "event"}, get=EVENT_KEEPERS, post=EVENT_KEEPERS),
    "public:event_cancel": Row({"pk": "event"}, get=EVENT_KEEPERS, post=EVENT_KEEPERS),
}


ROUTES.update(
    {
        "directory:areas": Row({}, get=EVERYONE, post=NO),
        "directory:area": Row({"pk": "area"}, get=EVERYONE, post=NO),
        "directory:area_create": Row({}, get=ADD_FORCE_AREA, post=ADD_FORCE_AREA),
        "directory:area_edit": Row({"pk": "area"}, get=KEEP_AREA, post=KEEP_AREA),
        "directory:areas_import": Row({}, get=DIRECTORY_KEEPERS, post=DIRECTORY_KEEPERS),
        # Clean-up: the page and the merge forms are the directory keepers'; a merge (and its
        # undo) also needs the right to edit both entries, which the outsider lacks for the
        # force's people. Exports show what the lists show, to everyone signed in.
        "directory:cleanup": Row({}, get=DIRECTORY_KEEPERS, post=NO),
        "directory:person_merge": Row(
            {},
            get=DIRECTORY_KEEPERS,
            post=DIRECTORY_KEEPERS,
            data=_merge_data,
            post_data=who(
                saved=MANAGERS,
                unchanged={"outsider"},
                e403={"owner", "contributor", "viewer", "norole"},
            ),
        ),
        "directory:organisation_merge": Row({}, get=DIRECTORY_KEEPERS, post=DIRECTORY_KEEPERS),
        "directory:merge_undo": Row(
            {"pk": "merge_record"}, get=NO, post=who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS)
        ),
        "directory:duplicate_dismiss": Row({}, get=NO, post=DIRECTORY_KEEPERS),
        "directory:organisation_place": Row({"pk": "force"}, get=NO, post=DIRECTORY_KEEPERS),
        "directory:people_export": Row({"fmt": "csv"}, get=EVERYONE, post=NO),
        "directory:organisations_export": Row({"fmt": "xlsx"}, get=EVERYONE, post=NO),
        "assessments:frameworks": Row({}, get=EVERYONE, post=NO),
        "assessments:framework_create": Row({}, get=START_FRAMEWORK, post=START_FRAMEWORK),
        "assessments:framework": Row({"pk": "draft_framework"}, get=KEEP_DRAFT, post=NO),
        "assessments:framework_edit": Row(
            {"pk": "draft_framework"}, get=KEEP_DRAFT, post=KEEP_DRAFT
        ),
        "assessments:framework_status": Row({"pk": "draft_framework"}, get=NO, post=KEEP_DRAFT),
        "assessments:framework_new_version": Row(
            {"pk": "published_framework"}, get=NO, post=KEEP_PUBLISHED
        ),
        "assessments:item_create": Row({"pk": "draft_framework"}, get=KEEP_DRAFT, post=KEEP_DRAFT),
        "assessments:item_edit": Row({"pk": "draft_item"}, get=KEEP_DRAFT, post=KEEP_DRAFT),
        "assessments:item_delete": Row({"pk": "draft_item"}, get=KEEP_DRAFT, post=KEEP_DRAFT),
        # The draft is not in consultation: nobody comments (the keepers are told why).
        "assessments:item_comment": Row(
            {"pk": "draft_item"}, get=NO_COMMENTS_YET, post=NO_COMMENTS_YET
        ),
        "assessments:cycle_create": Row(
            {"pk": "published_framework"}, get=KEEP_PUBLISHED, post=KEEP_PUBLISHED
        ),
        "assessments:cycle": Row({"pk": "cycle"}, get=SEE_CYCLE, post=NO),
        "assessments:cycle_close": Row({"pk": "cycle"}, get=NO, post=RUN_CYCLE),
        "assessments:cycle_export": Row({"pk": "cycle"}, get=SEE_CYCLE, post=NO),
        "assessments:cycle_report": Row({"pk": "cycle"}, get=SEE_CYCLE, post=NO),
        "assessments:unit": Row({"pk": "unit"}, get=SEE_CYCLE, post=ANSWER_UNIT),
        # An item's answer page: read by whoever reads the cycle, answered by the assessor.
        "assessments:item_answer": Row(
            {"pk": "unit", "item": "published_item"},
            get=SEE_CYCLE,
            post=ANSWER_UNIT,
            data=lambda world: {"level": "in_place", "comment": "Matrix answer."},
            post_data=who(saved={"owner"}, e403=MANAGERS | {"viewer"}, e404=CYCLE_UNSEEN),
        ),
        "assessments:unit_assessors": Row({"pk": "unit"}, get=RUN_CYCLE, post=RUN_CYCLE),
        "assessments:unit_finalise": Row({"pk": "unit"}, get=NO, post=REVIEW_CYCLE),
        "assessments:unit_accept_rest": Row({"pk": "unit"}, get=NO, post=REVIEW_CYCLE),
        "assessments:unit_chase": Row({"pk": "unit"}, get=NO, post=RUN_CYCLE),
        "assessments:answer_review": Row({"pk": "answer"}, get=NO, post=REVIEW_CYCLE),
        "assessments:answer_reply": Row({"pk": "answer"}, get=NO, post=ANSWER_UNIT),
        # The unit's assessor and the keepers turn a gap into an action.
        # (Saving makes the unit's improvement plan, which only its members may: the matrix's
        # assessor is not one.)
        "assessments:gap_action": Row({"pk": "answer"}, get=ACT_ON_GAP, post=RUN_CYCLE),
        "stakeholders:databases": Row({}, get=EVERYONE, post=NO),
        "stakeholders:database_create": Row({}, get=START_REGISTER, post=START_REGISTER),
        "stakeholders:database": Row({"pk": "database"}, get=SEE_DATABASE, post=NO),
        "stakeholders:database_edit": Row(
            {"pk": "database"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:roles": Row(
            {"pk": "database"}, get=GIVE_DATABASE_ROLES, post=GIVE_DATABASE_ROLES
        ),
        "stakeholders:role_remove": Row(
            {"pk": "database", "role_pk": "steward_role"}, get=NO, post=GIVE_DATABASE_ROLES
        ),
        "stakeholders:access_log": Row({"pk": "database"}, get=KEEP_CONTACTS, post=NO),
        "stakeholders:stakeholder_create": Row(
            {"pk": "database"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:contacts": Row({"pk": "database"}, get=SEE_DATABASE, post=NO),
        "stakeholders:contact_create": Row(
            {"pk": "database"},
            get=KEEP_CONTACTS,
            post=KEEP_CONTACTS,
            data=lambda world: {"name": "Matrix New Contact", "kind": "resident"},
            post_data=who(saved={"manager"}, e403={"admin", "owner"}, e404=DATABASE_UNSEEN),
        ),
        "stakeholders:stakeholder": Row({"pk": "stakeholder"}, get=SEE_DATABASE, post=NO),
        "stakeholders:stakeholder_edit": Row(
            {"pk": "stakeholder"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:stakeholder_rate": Row(
            {"pk": "stakeholder"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:role_create": Row(
            {"pk": "stakeholder"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:interaction_create": Row(
            {"pk": "stakeholder"},
            get=LOG_INTERACTION,
            post=LOG_INTERACTION,
            data=lambda world: {
                "kind": "call",
                "date": "2026-05-02",
                "summary": "Matrix call",
                "contacts": [world.objects["contact"].pk],
            },
            post_data=who(saved={"manager", "owner"}, e403={"admin"}, e404=DATABASE_UNSEEN),
        ),
        "stakeholders:role_edit": Row(
            {"pk": "stakeholder_role"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:contact": Row({"pk": "contact"}, get=SEE_DATABASE, post=NO),
        "stakeholders:contact_edit": Row({"pk": "contact"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS),
        "stakeholders:basis_set": Row({"pk": "contact"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS),
        # From a contact's page, an interaction with no stakeholder: contact managers only.
        "stakeholders:contact_interaction_create": Row(
            {"pk": "contact"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:interaction": Row({"pk": "interaction"}, get=SEE_DATABASE, post=NO),
        "stakeholders:follow_up_create": Row(
            {"pk": "interaction"}, get=LOG_INTERACTION, post=LOG_INTERACTION
        ),
        "stakeholders:follow_up_done": Row(
            {"pk": "stakeholder_follow_up"}, get=NO, post=LOG_INTERACTION
        ),
        "stakeholders:contacts_import": Row(
            {"pk": "database"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS
        ),
        "stakeholders:duplicates": Row({"pk": "database"}, get=KEEP_CONTACTS, post=NO),
        "stakeholders:lists": Row({"pk": "database"}, get=KEEP_CONTACTS, post=KEEP_CONTACTS),
        "stakeholders:list": Row({"pk": "mailing_list"}, get=KEEP_CONTACTS, post=NO),
        "stakeholders:list_export": Row(
            {"pk": "mailing_list", "fmt": "csv"}, get=KEEP_CONTACTS, post=NO
        ),
        "stakeholders:list_remove": Row(
            {"pk": "mailing_list", "contact_pk": "contact"}, get=NO, post=KEEP_CONTACTS
        ),
        "stakeholders:contact_list_add": Row({"pk": "contact"}, get=NO, post=KEEP_CONTACTS),
        "stakeholders:effectiveness": Row({"pk": "database"}, get=KEEP_CONTACTS, post=NO),
        "stakeholders:contacts_merge": Row({"pk": "database"}, get=NO, post=KEEP_CONTACTS),
        "stakeholders:not_duplicate": Row({"pk": "database"}, get=NO, post=KEEP_CONTACTS),
        "stakeholders:merge_undo": Row({"pk": "merge"}, get=NO, post=KEEP_CONTACTS),
        "stakeholders:contact_erase": Row({"pk": "contact"}, get=STEWARD, post=STEWARD),
        "stakeholders:contact_anonymise": Row({"pk": "contact"}, get=NO, post=STEWARD),
        "stakeholders:retention_keep": Row({"pk": "contact"}, get=NO, post=STEWARD),
        "stakeholders:subject_access_open": Row({"pk": "contact"}, get=STEWARD, post=STEWARD),
        "stakeholders:subject_access_export": Row(
            {"pk": "contact", "fmt": "json"}, get=STEWARD, post=NO
        ),
        "stakeholders:subject_access_close": Row(
            {"pk": "subject_access_case"}, get=NO, post=STEWARD
        ),
        "stakeholders:subject_access": Row({"pk": "database"}, get=STEWARD, post=NO),
        "stakeholders:erasures": Row({"pk": "database"}, get=STEWARD, post=NO),
        "stakeholders:record": Row({"pk": "database"}, get=STEWARD, post=NO),
        "stakeholders:record_export": Row({"pk": "database", "fmt": "xlsx"}, get=STEWARD, post=NO),
        "stakeholders:review_queue": Row({"pk": "database"}, get=STEWARD, post=NO),
        "stakeholders:retention_rules": Row({"pk": "database"}, get=STEWARD, post=STEWARD),
        "stakeholders:notice_queue": Row({"pk": "database"}, get=STEWARD, post=STEWARD),
        "stakeholders:notice_merge": Row({"pk": "database"}, get=STEWARD, post=NO),
        "stakeholders:notice_create": Row({"pk": "database"}, get=STEWARD, post=STEWARD),
        "engagement:registers": Row({}, get=EVERYONE, post=NO),
        "engagement:register_create": Row({}, get=START_REGISTER, post=START_REGISTER),
        "engagement:register": Row({"pk": "register"}, get=SEE_REGISTER, post=NO),
        "engagement:evaluate": Row({"pk": "register"}, get=SEE_REGISTER, post=NO),
        "engagement:export_xlsx": Row({"pk": "register"}, get=SEE_REGISTER, post=NO),
        "engagement:export_csv": Row({"pk": "register"}, get=SEE_REGISTER, post=NO),
        "engagement:register_edit": Row(
            {"pk": "register"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER
        ),
        "engagement:manager_add": Row(
            {"pk": "register"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER
        ),
        "engagement:manager_remove": Row(
            {"pk": "register", "user_pk": "deputy_user"}, get=NO, post=MANAGE_REGISTER
        ),
        "engagement:group_create": Row(
            {"pk": "register"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER
        ),
        "engagement:group_edit": Row({"pk": "group"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER),
        # GET asks "are you sure?"; POST deletes.
        "engagement:group_delete": Row({"pk": "group"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER),
        "engagement:activity_create": Row(
            {"pk": "register"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER
        ),
        "engagement:activity": Row({"pk": "activity"}, get=SEE_REGISTER, post=NO),
        "engagement:activity_edit": Row({"pk": "activity"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY),
        "engagement:activity_delete": Row(
            {"pk": "activity"}, get=MANAGE_REGISTER, post=MANAGE_REGISTER
        ),
        "engagement:output_create": Row({"pk": "activity"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY),
        "engagement:output_confirm": Row({"pk": "activity"}, get=NO, post=EDIT_ACTIVITY),
        "engagement:output_edit": Row({"pk": "output"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY),
        "engagement:output_delete": Row({"pk": "output"}, get=NO, post=EDIT_ACTIVITY),
        "engagement:outcome_create": Row({"pk": "activity"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY),
        "engagement:outcome_edit": Row({"pk": "outcome"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY),
        "engagement:outcome_delete": Row({"pk": "outcome"}, get=NO, post=EDIT_ACTIVITY),
        "engagement:follow_up_create": Row(
            {"pk": "activity"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY
        ),
        "engagement:follow_up_edit": Row(
            {"pk": "follow_up"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY
        ),
        "engagement:follow_up_delete": Row({"pk": "follow_up"}, get=NO, post=EDIT_ACTIVITY),
        "engagement:organisation_communities": Row(
            {"pk": "force"}, get=ORGANISATION_MEMBERS, post=ORGANISATION_MEMBERS
        ),
        "engagement:update_create": Row({"pk": "activity"}, get=EDIT_ACTIVITY, post=EDIT_ACTIVITY),
    }
)


# --- The API: every operation of the OpenAPI document, with a personal token per persona ------

API = "/api/v1"
API_EVERYONE = who(ok=SIGNED_IN, anonymous=401)
API_SEE_PLAN = who(ok=PLAN_READERS, e404=UNSEEN, anonymous=401)
API_MANAGE_PLAN = who(ok=MANAGERS, e403=PLAN_ROLES_ONLY, e404=UNSEEN, anonymous=401)
API_WRITE_ACTION = who(
    ok=ACTION_WRITERS, e403={"contributor", "viewer"}, e404=UNSEEN, anonymous=401
)


@dataclass(frozen=True)
class Op:
    """One API operation: path parameters and query (names of world objects or literal
    values), a valid request body (so that a refusal is the access check, not the schema's),
    and who gets what."""

    expect: dict[str, object]
    params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Callable | None = None
    holes: dict[str, str] = field(default_factory=dict)  # persona -> reason


def _update_body(world) -> dict:
    return {"narrative": "Matrix update.", "rag": "green", "status": "in_progress"}


def _reading_body(world) -> dict:
    return {"value": 41, "date": timezone.localdate().isoformat()}


def _spend_body(world) -> dict:
    return {"line_id": world.objects["line"].pk, "amount": "10.00"}


def _decision_body(world) -> dict:
    return {
        "body_id": world.objects["body"].pk,
        "text": "Matrix decision.",
        "decided_on": timezone.localdate().isoformat(),
        "plan_id": world.objects["plan"].pk,
    }


def _evidence_link_body(world) -> dict:
    return {"url": "https://example.org/minutes", "title": "Minutes"}


def _preference_body(world) -> dict:
    return {"frequency": "weekly", "weekday": 0}


OPERATIONS: dict[str, Op] = {
    f"GET {API}/plans": Op(API_EVERYONE),
    f"GET {API}/plans/{{plan_id}}": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    f"GET {API}/plans/{{plan_id}}/sections": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    # Filtered by the restricted plan: 404 to who cannot see it.
    f"GET {API}/actions": Op(API_SEE_PLAN, query={"plan": "plan"}),
    f"GET {API}/actions/{{action_id}}": Op(API_SEE_PLAN, {"action_id": "action"}),
    f"GET {API}/actions/{{action_id}}/updates": Op(API_SEE_PLAN, {"action_id": "action"}),
    f"POST {API}/actions/{{action_id}}/updates": Op(
        API_WRITE_ACTION, {"action_id": "action"}, body=_update_body
    ),
    # The write API (plans/api.py): the pages' services, so the pages' permissions.
    f"POST {API}/plans": Op(
        who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS, anonymous=401),
        body=lambda w: {"title": "Matrix plan", "owner_organisation_id": w.objects["force"].pk},
    ),
    f"PATCH {API}/plans/{{plan_id}}": Op(
        API_MANAGE_PLAN, {"plan_id": "plan"}, body=lambda w: {"summary": "Matrix summary."}
    ),
    f"POST {API}/plans/{{plan_id}}/sections": Op(
        API_MANAGE_PLAN, {"plan_id": "plan"}, body=lambda w: {"title": "Matrix section"}
    ),
    f"PATCH {API}/sections/{{section_id}}": Op(
        API_MANAGE_PLAN, {"section_id": "section"}, body=lambda w: {"description": "Matrix."}
    ),
    f"POST {API}/plans/{{plan_id}}/actions": Op(
        API_MANAGE_PLAN,
        {"plan_id": "plan"},
        body=lambda w: {
            "title": "Matrix action",
            "section_id": w.objects["section"].pk,
            "owner_ids": [w.objects["owner_person"].pk],
        },
    ),
    f"PATCH {API}/actions/{{action_id}}": Op(
        API_MANAGE_PLAN, {"action_id": "action"}, body=lambda w: {"status": "in_progress"}
    ),
    f"PUT {API}/actions/{{action_id}}/owners": Op(
        API_MANAGE_PLAN,
        {"action_id": "action"},
        body=lambda w: {"person_ids": [w.objects["owner_person"].pk]},
    ),
    f"POST {API}/actions/{{action_id}}/milestones": Op(
        API_MANAGE_PLAN, {"action_id": "action"}, body=lambda w: {"title": "Matrix milestone"}
    ),
    f"PATCH {API}/milestones/{{milestone_id}}": Op(
        API_MANAGE_PLAN, {"milestone_id": "milestone"}, body=lambda w: {"done": True}
    ),
    f"DELETE {API}/milestones/{{milestone_id}}": Op(API_MANAGE_PLAN, {"milestone_id": "milestone"}),
    f"GET {API}/organisations": Op(API_EVERYONE),
    f"GET {API}/organisations/{{organisation_id}}": Op(API_EVERYONE, {"organisation_id": "force"}),
    f"GET {API}/people": Op(API_EVERYONE),
    f"GET {API}/people/{{person_id}}": Op(API_EVERYONE, {"person_id": "owner_person"}),
    f"GET {API}/plans/{{plan_id}}/measures": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    f"GET {API}/measures/{{measure_id}}": Op(API_SEE_PLAN, {"measure_id": "measure"}),
    f"GET {API}/measures/{{measure_id}}/readings": Op(API_SEE_PLAN, {"measure_id": "measure"}),
    # The measure is tied to the owner's action: its owner records readings.
    f"POST {API}/measures/{{measure_id}}/readings": Op(
        API_WRITE_ACTION, {"measure_id": "measure"}, body=_reading_body
    ),
    f"GET {API}/plans/{{plan_id}}/budget/lines": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    f"GET {API}/plans/{{plan_id}}/budget/summary": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    f"GET {API}/plans/{{plan_id}}/funding": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    f"POST {API}/plans/{{plan_id}}/budget/spend": Op(
        API_MANAGE_PLAN, {"plan_id": "plan"}, body=_spend_body
    ),
    f"GET {API}/plans/{{plan_id}}/summary": Op(API_SEE_PLAN, {"plan_id": "plan"}),
    f"GET {API}/sections/{{section_id}}/summary": Op(API_SEE_PLAN, {"section_id": "section"}),
    f"GET {API}/bodies": Op(API_EVERYONE),
    f"GET {API}/bodies/{{body_id}}": Op(API_EVERYONE, {"body_id": "body"}),
    f"GET {API}/bodies/{{body_id}}/meetings": Op(API_EVERYONE, {"body_id": "body"}),
    # About the restricted plan: 404 to who cannot see it.
    f"GET {API}/decisions": Op(API_SEE_PLAN, query={"plan": "plan"}),
    # A decision about the restricted plan: the body's keepers only (the keeper check comes
    # first, so the outsider hears 403 about the body everyone can see, not about the plan).
    # Those who cannot see the plan hear first that the subject is unknown (422, the same
    # answer as for a plan that does not exist, so nothing leaks).
    f"POST {API}/decisions": Op(
        who(ok=MANAGERS, e403=PLAN_ROLES_ONLY, e422=UNSEEN, anonymous=401), body=_decision_body
    ),
    # The body is visible to all, but its packs are 404 to who cannot see the plans it
    # oversees (as the page for preparing one is): defensible, though GET /bodies/{id} is 200.
    f"GET {API}/bodies/{{body_id}}/packs": Op(API_SEE_PLAN, {"body_id": "body"}),
    f"GET {API}/packs/{{pack_id}}": Op(API_SEE_PLAN, {"pack_id": "pack"}),
    f"GET {API}/packs/{{pack_id}}/files/{{fmt}}": Op(
        API_SEE_PLAN, {"pack_id": "pack", "fmt": "xlsx"}
    ),
    # Evidence on the manager's update (see the evidence pages above). The file upload is sent
    # a JSON body here: refused as the pages are, then 422 (no file) for who may attach.
    f"GET {API}/evidence/on/{{target_type}}/{{object_id}}": Op(
        API_SEE_PLAN, {"target_type": "plans.update", "object_id": "manager_update"}
    ),
    f"POST {API}/evidence/on/{{target_type}}/{{object_id}}/links": Op(
        API_MANAGE_PLAN,
        {"target_type": "plans.update", "object_id": "manager_update"},
        body=_evidence_link_body,
    ),
    f"POST {API}/evidence/on/{{target_type}}/{{object_id}}/files": Op(
        API_MANAGE_PLAN, {"target_type": "plans.update", "object_id": "manager_update"}
    ),
    f"GET {API}/evidence/{{evidence_id}}": Op(API_SEE_PLAN, {"evidence_id": "evidence"}),
    f"GET {API}/evidence/{{evidence_id}}/download": Op(API_SEE_PLAN, {"evidence_id": "evidence"}),
    f"DELETE {API}/evidence/{{evidence_id}}": Op(API_MANAGE_PLAN, {"evidence_id": "evidence"}),
    f"GET {API}/reminders/preference": Op(API_EVERYONE),
    f"PUT {API}/reminders/preference": Op(API_EVERYONE, body=_preference_body),
    f"GET {API}/search": Op(API_EVERYONE, query={"q": "Restricted"}),
}

API_SEE_CYCLE = who(ok=CYCLE_READERS, e404=CYCLE_UNSEEN, anonymous=401)
API_ANSWER_UNIT = who(ok={"owner"}, e403=MANAGERS | {"viewer"}, e404=CYCLE_UNSEEN, anonymous=401)
API_REVIEW_CYCLE = who(ok=MANAGERS | {"viewer"}, e403={"owner"}, e404=CYCLE_UNSEEN, anonymous=401)
API_ADD_IN_AREA = who(ok=MANAGERS, e403=SIGNED_IN - MANAGERS, anonymous=401)
API_SEE_REGISTER = who(ok=REGISTER_READERS, e404=REGISTER_UNSEEN, anonymous=401)
API_MANAGE_REGISTER = who(ok=MANAGERS, e403={"owner"}, e404=REGISTER_UNSEEN, anonymous=401)


def _area_body(world) -> dict:
    return {"name": "Matrix ward", "level": "ward", "parent_id": world.objects["borough"].pk}


def _activity_body(world) -> dict:
    return {"register_id": world.objects["register"].pk, "title": "Matrix API activity"}


OPERATIONS.update(
    {
        f"GET {API}/areas": Op(API_EVERYONE),
        f"GET {API}/areas/{{area_id}}": Op(API_EVERYONE, {"area_id": "area"}),
        f"POST {API}/areas": Op(API_ADD_IN_AREA, body=_area_body),
        f"PATCH {API}/areas/{{area_id}}": Op(
            API_ADD_IN_AREA, {"area_id": "borough"}, body=lambda w: {"code": "MZ"}
        ),
        f"GET {API}/assessments/frameworks": Op(API_EVERYONE),
        f"GET {API}/assessments/frameworks/{{framework_id}}": Op(
            API_EVERYONE, {"framework_id": "published_framework"}
        ),
        # A list of those one can read: empty for who can read none of them.
        f"GET {API}/assessments/frameworks/{{framework_id}}/cycles": Op(
            API_EVERYONE, {"framework_id": "published_framework"}
        ),
        f"GET {API}/assessments/cycles/{{cycle_id}}": Op(API_SEE_CYCLE, {"cycle_id": "cycle"}),
        f"GET {API}/assessments/cycles/{{cycle_id}}/heat-map": Op(
            API_SEE_CYCLE, {"cycle_id": "cycle"}
        ),
        f"GET {API}/assessments/returns/{{unit_id}}": Op(API_SEE_CYCLE, {"unit_id": "unit"}),
        f"PUT {API}/assessments/returns/{{unit_id}}/answers/{{item_id}}": Op(
            API_ANSWER_UNIT,
            {"unit_id": "unit", "item_id": "published_item"},
            body=lambda w: {"level": "in_place", "comment": "Matrix"},
        ),
        f"POST {API}/assessments/returns/{{unit_id}}/submit": Op(
            API_ANSWER_UNIT, {"unit_id": "unit"}
        ),
        f"POST {API}/assessments/answers/{{answer_id}}/reviews": Op(
            API_REVIEW_CYCLE, {"answer_id": "answer"}, body=lambda w: {"decision": "accept"}
        ),
        f"GET {API}/engagement/registers": Op(API_EVERYONE),
        f"GET {API}/engagement/registers/{{register_id}}": Op(
            API_SEE_REGISTER, {"register_id": "register"}
        ),
        # A filter: who cannot read the register gets an empty list.
        f"GET {API}/engagement/activities": Op(API_EVERYONE, query={"register_id": "register"}),
        f"GET {API}/engagement/activities/{{activity_id}}": Op(
            API_SEE_REGISTER, {"activity_id": "activity"}
        ),
        f"POST {API}/engagement/activities": Op(API_MANAGE_REGISTER, body=_activity_body),
        f"PATCH {API}/engagement/activities/{{activity_id}}": Op(
            API_SEE_REGISTER, {"activity_id": "activity"}, body=lambda w: {"aim": "Matrix aim"}
        ),
        f"POST {API}/engagement/activities/{{activity_id}}/outputs": Op(
            API_SEE_REGISTER,
            {"activity_id": "activity"},
            body=lambda w: {"kind": "sessions", "count": 3},
        ),
        f"DELETE {API}/engagement/outputs/{{output_id}}": Op(
            API_SEE_REGISTER, {"output_id": "output"}
        ),
        f"POST {API}/engagement/activities/{{activity_id}}/outcomes": Op(
            API_SEE_REGISTER,
            {"activity_id": "activity"},
            body=lambda w: {"you_said": "Lights", "we_did": "Fixed"},
        ),
        f"POST {API}/engagement/activities/{{activity_id}}/follow-ups": Op(
            API_SEE_REGISTER,
            {"activity_id": "activity"},
            body=lambda w: {"title": "Call back", "due_on": "2030-01-01"},
        ),
        f"PATCH {API}/engagement/follow-ups/{{follow_up_id}}": Op(
            API_SEE_REGISTER, {"follow_up_id": "follow_up"}, body=lambda w: {"done": True}
        ),
        f"POST {API}/engagement/activities/{{activity_id}}/updates": Op(
            API_SEE_REGISTER,
            {"activity_id": "activity"},
            body=lambda w: {"narrative": "Matrix update", "rag": "green"},
        ),
    }
)

# The stakeholder database's API: its readers, keepers and steward as on its pages (above).
API_SEE_DATABASE = who(ok=DATABASE_READERS, e404=DATABASE_UNSEEN, anonymous=401)
API_KEEP_CONTACTS = who(
    ok={"manager"}, e403={"admin", "owner"}, e404=DATABASE_UNSEEN, anonymous=401
)
API_STEWARD = API_KEEP_CONTACTS
API_LOG_INTERACTION = who(
    ok={"manager", "owner"}, e403={"admin"}, e404=DATABASE_UNSEEN, anonymous=401
)


def _stakeholder_interaction_body(world) -> dict:
    return {
        "stakeholder_id": world.objects["stakeholder"].pk,
        "date": "2026-05-03",
        "summary": "Matrix API call",
        "kind": "call",
    }


OPERATIONS.update(
    {
        f"GET {API}/stakeholders/databases": Op(API_EVERYONE),
        f"GET {API}/stakeholders/databases/{{database_id}}/stakeholders": Op(
            API_SEE_DATABASE, {"database_id": "database"}
        ),
        f"GET {API}/stakeholders/stakeholders/{{stakeholder_id}}": Op(
            API_SEE_DATABASE, {"stakeholder_id": "stakeholder"}
        ),
        f"GET {API}/stakeholders/databases/{{database_id}}/lists": Op(
            API_SEE_DATABASE, {"database_id": "database"}
        ),
        f"GET {API}/stakeholders/databases/{{database_id}}/interactions": Op(
            API_SEE_DATABASE, {"database_id": "database"}
        ),
        # The owner keeps the stakeholder's relationship; the site admin has no role.
        f"POST {API}/stakeholders/databases/{{database_id}}/interactions": Op(
            API_LOG_INTERACTION, {"database_id": "database"}, body=_stakeholder_interaction_body
        ),
        f"GET {API}/stakeholders/interactions/{{interaction_id}}": Op(
            API_SEE_DATABASE, {"interaction_id": "interaction"}
        ),
        # Filtered by the database: 404 to who cannot see it.
        f"GET {API}/contacts": Op(API_SEE_DATABASE, query={"database_id": "database"}),
        f"POST {API}/contacts": Op(
            API_KEEP_CONTACTS,
            body=lambda w: {"database_id": w.objects["database"].pk, "name": "Matrix API contact"},
        ),
        # Everyone who reads the database reads the contact; the personal fields only the
        # manager (a steward) and the owner (whose stakeholder the contact chairs) get.
        f"GET {API}/contacts/{{contact_id}}": Op(API_SEE_DATABASE, {"contact_id": "contact"}),
        f"GET {API}/contacts/{{contact_id}}/subject-access": Op(
            API_STEWARD, {"contact_id": "contact"}
        ),
        # The steward is refused for the data (422: the contact alone owns an open follow-up).
        f"POST {API}/contacts/{{contact_id}}/erase": Op(API_STEWARD, {"contact_id": "contact"}),
    }
)


# --- Enumerating what exists ----------------------------------------------------------------

# Left out of the page matrix, each for a reason.
SKIPPED_NAMESPACES = {
    "admin": "Django's admin: staff only, guarded by Django itself",
    "api": "the API: checked operation by operation from the OpenAPI document (OPERATIONS)",
}
SKIPPED_MODULES = {
    "django.contrib.staticfiles": "static files (served in DEBUG only): no data, no access",
    "django.views.static": "static and media files (DEBUG only)",
}


def url_route_names() -> set[str]:
    """Every URL pattern of the root URL conf, by namespaced name ("plans:action_edit"),
    walking includes; an unnamed one by its pattern, so that it cannot hide."""
    found: set[str] = set()

    def walk(patterns, namespaces: list[str], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, inner, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                if pattern.callback.__module__.startswith(tuple(SKIPPED_MODULES)):
                    continue
                name = pattern.name or f"<unnamed {prefix}{pattern.pattern}>"
                found.add(":".join([*namespaces, name]))

    walk(get_resolver().url_patterns, [], "")
    return found


def api_operation_keys() -> set[str]:
    from plantrack.api import api

    return {
        f"{method.upper()} {path}"
        for path, operations in api.get_openapi_schema()["paths"].items()
        for method in operations
    }


def test_every_route_has_expectations():
    in_conf, in_table = url_route_names(), set(ROUTES)
    problems = [f"new route {name} has no expectation" for name in sorted(in_conf - in_table)]
    problems += [
        f"route {name} is in the table but no longer exists" for name in sorted(in_table - in_conf)
    ]
    assert not problems, "\n".join(problems)


def test_every_api_operation_has_expectations():
    in_schema, in_table = api_operation_keys(), set(OPERATIONS)
    problems = [
        f"new API operation {key} has no expectation" for key in sorted(in_schema - in_table)
    ]
    problems += [
        f"API operation {key} is in the table but no longer in the OpenAPI document"
        for key in sorted(in_table - in_schema)
    ]
    assert not problems, "\n".join(problems)


def test_the_world_is_what_the_table_assumes(db, matrix_world):
    from plantrack.packs.models import Pack
    from plantrack.plans.models import Plan
    from plantrack.plans.selectors import plan_access

    users, objects = matrix_world.users, matrix_world.objects
    assert set(users) == set(PERSONAS) == set(matrix_world.tokens)
    plan, action = objects["plan"], objects["action"]
    assert plan.visibility == Plan.Visibility.RESTRICTED
    assert users["admin"].is_superuser
    roles = {p: plan_access(users[p], plan).role for p in PLAN_ROLES_ONLY | {"manager"}}
    assert roles == {
        "manager": "manager",
        "owner": "contributor",
        "contributor": "contributor",
        "viewer": "viewer",
    }
    assert plan_access(users["owner"], plan).can_post_update(action)
    assert not plan_access(users["contributor"], plan).owned_action_ids
    for persona in UNSEEN:
        assert plan_access(users[persona], plan).role is None
    assert users["outsider"].memberships.exists()
    assert not users["norole"].memberships.exists()
    assert objects["pack"].status == Pack.Status.DRAFT  # downloadable
    assert objects["feed"].user == users["manager"]
    assert objects["import_job"].user == users["manager"]
    # The address waits for confirmation, so the link's POST really confirms it.
    assert objects["contributor_person"].email
    assert not objects["contributor_person"].email_verified_at
    # Its "you said, we did" may be published on the plan: a completed activity linked to it.
    assert objects["plan_activity"].status == "completed"
    assert objects["plan_outcome"].activity == objects["plan_activity"]


# --- Requests -------------------------------------------------------------------------------


def _value(world, name: str):
    obj = world.objects.get(name, name)
    return getattr(obj, "pk", obj)


def _outcome(response) -> object:
    if response.status_code in (301, 302) and response["Location"].startswith(reverse("login")):
        return LOGIN
    return response.status_code


def _matches(expected, outcome: object, method: str) -> bool:
    if outcome == LOGIN or expected not in (OK, SAVED, UNCHANGED):
        return outcome == expected
    if expected == SAVED:
        return outcome in (301, 302, 303)
    if expected == UNCHANGED:
        return outcome < 500
    # Allowed: a page or a redirect; a write may also be refused for its data (400/409/422).
    top = 399 if method == GET else 499
    return 200 <= outcome <= top and outcome not in (401, 403, 404, 405)


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


TEXT_TYPES = ("text/", "application/json")


def _leaks(response) -> list[str]:
    """The restricted plan's text found in a response."""
    if not response.get("Content-Type", "").startswith(TEXT_TYPES) or response.streaming:
        return []
    content = response.content.decode("utf-8", "replace")
    return [text for text in RESTRICTED_TEXT if text in content]


def _check(label, expected, method, send, fingerprint, *, blind: bool = False) -> None:
    """``blind``: the persona may not see the restricted plan, so no answer may show it."""
    # Anything but "allowed" is a refusal (401/403/404/405, sign in, or a 4xx for the data).
    refused_write = method != GET and expected not in (OK, SAVED)
    before = fingerprint() if refused_write else None
    response = send()
    outcome = _outcome(response)
    assert not (isinstance(outcome, int) and outcome >= 500), f"{label}: server error {outcome}"
    assert _matches(expected, outcome, method), f"{label}: expected {expected}, got {outcome}"
    if blind:
        leaked = _leaks(response)
        assert not leaked, f"{label}: shows the restricted plan's {leaked}"
    if refused_write:
        changed = _changed(before, fingerprint())
        assert not changed, f"{label}: refused ({outcome}) but the database changed: {changed}"


def _page_cases():
    for name, row in ROUTES.items():
        methods = [(GET, row.get), (POST, row.post)]
        if row.data is not None:
            methods.append((POST_DATA, row.post_data))
        for method, _ in methods:
            for persona in PERSONAS:
                reason = row.holes.get((persona, method))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(
                    name, persona, method, id=f"{name}-{method}-{persona}", marks=marks
                )


@pytest.mark.parametrize(("name", "persona", "method"), list(_page_cases()))
def test_page(matrix_world, fingerprint, name, persona, method):
    row = ROUTES[name]
    expected = {GET: row.get, POST: row.post, POST_DATA: row.post_data}[method][persona]
    url = reverse(name, kwargs={k: _value(matrix_world, v) for k, v in row.params.items()})
    client = Client()
    if (user := matrix_world.users[persona]) is not None:
        client.force_login(user)
    if method == GET:
        send = lambda: client.get(url)  # noqa: E731
    else:
        data = row.data(matrix_world) if method == POST_DATA else {}
        send = lambda: client.post(url, data)  # noqa: E731
    blind = persona in UNSEEN | {"anonymous"} and not row.token_is_credential
    label = f"{method} {url} ({name}) as {persona}"
    _check(label, expected, method, send, fingerprint, blind=blind)


def _api_cases():
    for key, op in OPERATIONS.items():
        for persona in PERSONAS:
            reason = op.holes.get(persona)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(key, persona, id=f"{key}-{persona}", marks=marks)


@pytest.mark.parametrize(("key", "persona"), list(_api_cases()))
def test_api(matrix_world, fingerprint, key, persona):
    op = OPERATIONS[key]
    method, path = key.split(" ", 1)
    url = path.format(**{k: _value(matrix_world, v) for k, v in op.params.items()})
    token = matrix_world.tokens[persona]
    client = Client(headers={"Authorization": f"Bearer {token}"} if token else {})
    query = {k: _value(matrix_world, v) for k, v in op.query.items()}
    body = op.body(matrix_world) if op.body else None

    def send():
        if method == "GET":
            return client.get(url, query)
        return client.generic(method, url, json.dumps(body or {}), content_type="application/json")

    # An API write refused is a refused write like any other.
    blind = persona in UNSEEN | {"anonymous"}
    _check(
        f"{method} {url} as {persona}", op.expect[persona], method, send, fingerprint, blind=blind
    )


def test_the_fingerprint_sees_writes(matrix_world, fingerprint):
    """The harness itself: a changed value, an added row and a history row all show; the
    sign-in machinery's tables are left out and the audit history is in."""
    from plantrack.plans import services
    from plantrack.plans.models import Action

    from .conftest import fingerprint_tables

    tables = fingerprint_tables()
    assert "django_session" not in tables
    assert not [t for t in tables if t.startswith("axes_")]
    assert "plans_historicalaction" in tables
    assert "accounts_user" in tables

    action = matrix_world.objects["action"]
    before = fingerprint()
    Action.objects.filter(pk=action.pk).update(title="Changed quietly")
    changed = _changed(before, fingerprint())
    assert changed == ["plans_action"]

    before = fingerprint()
    services.update_post(
        actor=matrix_world.users["manager"], action=action, narrative="More", rag="red"
    )
    changed = _changed(before, fingerprint())
    assert "plans_update" in changed
    assert [t for t in changed if t.startswith("plans_historical")]
