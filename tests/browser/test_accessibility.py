"""axe-core on the main pages, with the demo data so real (long) texts are checked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from checks import assert_no_axe_violations
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from plantrack.demo.loader import DEMO_USERNAME, load_demo
from plantrack.directory.models import Person
from plantrack.directory.services import email_verification_token
from plantrack.governance.models import Body
from plantrack.measures.models import Measure
from plantrack.plans.models import Action, Plan

pytestmark = pytest.mark.browser


def _demo_urls() -> dict[str, str]:
    plan = Plan.objects.get(source_document__startswith="003_")
    # The demo user's action with the most updates: long narratives on a long page.
    action = (
        Action.objects.filter(plan=plan, ownerships__person__user__username=DEMO_USERNAME)
        .annotate(n=Count("updates"))
        .order_by("-n", "pk")
        .first()
    )
    assert action is not None, "the demo user owns no action in the Community Charter plan"
    safer = Plan.objects.get(source_document__startswith="004_")
    measure = Measure.objects.filter(plan=plan).order_by("pk").first()
    # A colleague's address that its holder has not confirmed yet.
    person = Person.objects.exclude(user__username=DEMO_USERNAME).order_by("pk").first()
    Person.objects.filter(pk=person.pk).update(
        email="colleague@example.org", email_verified_at=None
    )
    person.refresh_from_db()
    assert measure is not None, "the Community Charter's targets were not made measures"
    return {
        "summary": f"/reports/plan/{safer.pk}/",
        "section-summary": f"/reports/section/{safer.sections.order_by('position').first().pk}/",
        "budget": f"/budgets/plan/{safer.pk}/",
        "measures": f"/measures/plan/{plan.pk}/",
        "measure": f"/measures/{measure.pk}/",
        "benefits": f"/measures/plan/{safer.pk}/benefits/",
        "suggestions": f"/measures/plan/{safer.pk}/suggestions/",
        "import": "/imports/new/",
        "governance": "/governance/",
        "body": f"/governance/{Body.objects.order_by('pk').first().pk}/",
        "plan-governance": f"/governance/plan/{safer.pk}/",
        "packs": "/packs/",
        "commentary": f"/packs/plans/{safer.pk}/commentary/",
        "reminders": "/reminders/",
        "home": "/",
        "plan": f"/plans/{plan.pk}/",
        "action": f"/plans/actions/{action.pk}/",
        "update-form": f"/plans/actions/{action.pk}/updates/new/",
        "plan-history": f"/plans/{plan.pk}/history/",
        "people": "/directory/people/",
        "person": f"/directory/people/{person.pk}/",
        "person-edit": f"/directory/people/{person.pk}/edit/",
        "action-edit": f"/plans/actions/{action.pk}/edit/",
        # Many actions at once, and deleting (issue 15).
        "bulk": f"/plans/{safer.pk}/bulk/",
        "action-delete": f"/plans/actions/{action.pk}/delete/",
        "deleted": f"/plans/{safer.pk}/deleted/",
        "verify-email": f"/directory/verify-email/{email_verification_token(person)}/",
        # The evidence of the newest update of that action (the demo user manages the plan).
        "evidence-attach": reverse(
            "evidence:attach",
            kwargs={
                "app_label": "plans",
                "model": "update",
                "object_id": action.updates.order_by("-pk").first().pk,
            },
        ),
        **_engagement_urls(),
        **_framework_urls(),
        **_stakeholder_urls(),
    }


def _framework_urls() -> dict[str, str]:
    from plantrack.assessments.models import Framework

    checklist = Framework.objects.get(source_document__startswith="000_")
    standards = Framework.objects.get(status="consultation")
    cycle = checklist.cycles.get(status="open")
    closed = checklist.cycles.get(status="closed")
    return {
        "cycle": f"/assessments/cycles/{cycle.pk}/",
        "cycle-closed": f"/assessments/cycles/{closed.pk}/",
        "cycle-new": f"/assessments/frameworks/{checklist.pk}/cycles/new/",
        "return-answer": f"/assessments/returns/{cycle.units.get(status='draft').pk}/",
        "return-review": f"/assessments/returns/{cycle.units.get(status='submitted').pk}/",
        "return-closed": f"/assessments/returns/{closed.units.first().pk}/",
        "item-answer": cycle.units.get(status="draft").answers.first().get_absolute_url(),
        "item-challenged": cycle.units.get(status="challenged")
        .answers.get(review="challenged")
        .get_absolute_url(),
        "gap-action": "/assessments/answers/{}/action/".format(
            cycle.units.get(status="submitted")
            .answers.filter(level__in=("not_in_place", "planned", "partly"))
            .first()
            .pk
        ),
        "frameworks": "/assessments/",
        "framework": f"/assessments/frameworks/{checklist.pk}/",
        "framework-draft": f"/assessments/frameworks/{standards.pk}/",
        "framework-new": "/assessments/frameworks/new/",
        "item-edit": f"/assessments/items/{standards.items.order_by('position').first().pk}/edit/",
        "item-comment": (
            f"/assessments/items/{standards.items.order_by('position').first().pk}/comment/"
        ),
    }


def _engagement_urls() -> dict[str, str]:
    from plantrack.directory.models import Area
    from plantrack.engagement.models import Activity, Register

    register = Register.objects.get()
    completed = Activity.objects.get(register=register, status="completed")
    cop = Activity.objects.get(register=register, title__contains="COP Cards")
    borough = Area.objects.get(code="SX")
    return {
        "registers": "/engagement/",
        "register": f"/engagement/registers/{register.pk}/",
        "register-filtered": f"/engagement/registers/{register.pk}/?area={borough.pk}",
        "activity": f"/engagement/activities/{completed.pk}/",
        "activity-evidence": f"/engagement/activities/{cop.pk}/",
        "activity-edit": f"/engagement/activities/{completed.pk}/edit/",
        "activity-new": f"/engagement/registers/{register.pk}/activities/new/",
        "output-new": f"/engagement/activities/{cop.pk}/outputs/new/",
        "outcome-new": f"/engagement/activities/{cop.pk}/outcomes/new/",
        "areas": "/directory/areas/",
        "area": f"/directory/areas/{borough.pk}/",
        "areas-import": "/directory/areas/import/",
        "evaluation": f"/engagement/registers/{register.pk}/evaluate/",
        "evaluation-borough": f"/engagement/registers/{register.pk}/evaluate/?area={borough.pk}",
    }


def _stakeholder_urls() -> dict[str, str]:
    """The demo's stakeholder database, of which the demo user is contact manager and data
    steward: a contact in the retention review, a subject-access request, a list's duplicate
    owed the privacy notice (and so a probable duplicate pair). Added here: a follow-up, so the
    interaction page lists one; an erased contact, so the erasure log has a row; a list with a
    sub-list holding two contacts and a stakeholder, for the list pages."""
    import datetime as dt

    from plantrack.accounts.models import User
    from plantrack.stakeholders import privacy
    from plantrack.stakeholders import services as stakeholders
    from plantrack.stakeholders.models import Contact, Database, Interaction, Stakeholder

    database = Database.objects.get()
    batca = Stakeholder.objects.get(
        database=database, organisation__name="Balham & Tooting Community Association"
    )
    jordan = Contact.objects.get(database=database, name="Jordan Example")
    steward = User.objects.get(username=DEMO_USERNAME)
    interaction = Interaction.objects.filter(stakeholder=batca).order_by("-date").first()
    assert interaction is not None and interaction.activity_id, "BATCA met at no demo activity"
    stakeholders.interaction_follow_up_add(
        actor=steward,
        interaction=interaction,
        title="Send the sports day risk assessment",
        due_on=timezone.localdate() + dt.timedelta(days=14),
        owner=interaction.staff.first(),
    )
    gone = stakeholders.contact_create(
        actor=steward, database=database, name="Drew Erasable", email="drew@example.org"
    )
    privacy.contact_erase(actor=steward, contact=gone)
    panels = stakeholders.contact_list_create(
        actor=steward, database=database, name="Ward panels", description="Every borough's"
    )
    wandsworth = stakeholders.contact_list_create(
        actor=steward, database=database, name="Wandsworth ward panel", parent=panels
    )
    stakeholders.contact_list_members_set(
        actor=steward,
        list_=wandsworth,
        contacts=Contact.objects.filter(
            database=database, name__in=["Jordan Example", "Sam Madeup"]
        ),
        stakeholders=[batca],
    )
    role = batca.roles.order_by("pk").first()
    db = f"/stakeholders/databases/{database.pk}"
    return {
        "stakeholder-databases": "/stakeholders/",
        "stakeholder-database": f"{db}/",
        "stakeholder-database-filtered": f"{db}/?overdue=on",
        "stakeholder-database-edit": f"{db}/edit/",
        "stakeholder-roles": f"{db}/roles/",
        "contacts": f"{db}/contacts/",
        "contacts-search": f"{db}/contacts/?q=Sam",
        "contact": jordan.get_absolute_url(),
        "contact-review": Contact.objects.get(database=database, state="review").get_absolute_url(),
        "stakeholder": batca.get_absolute_url(),
        "stakeholder-organisation": batca.organisation.get_absolute_url(),
        "interaction": interaction.get_absolute_url(),
        "activity-attended": f"/engagement/activities/{interaction.activity_id}/",
        "stakeholder-new": f"{db}/stakeholders/new/",
        "stakeholder-edit": f"/stakeholders/organisations/{batca.pk}/edit/",
        "stakeholder-rate": f"/stakeholders/organisations/{batca.pk}/rate/",
        "contact-new": f"{db}/contacts/new/",
        "contact-edit": f"/stakeholders/contacts/{jordan.pk}/edit/",
        "role-new": f"/stakeholders/organisations/{batca.pk}/roles/new/",
        "role-edit": f"/stakeholders/roles/{role.pk}/edit/",
        "interaction-new": f"/stakeholders/organisations/{batca.pk}/interactions/new/",
        "contact-interaction-new": f"/stakeholders/contacts/{jordan.pk}/interactions/new/",
        "follow-up-new": f"/stakeholders/interactions/{interaction.pk}/follow-ups/new/",
        "basis": f"/stakeholders/contacts/{jordan.pk}/basis/",
        "subject-access-new": f"/stakeholders/contacts/{jordan.pk}/subject-access/new/",
        "notice-new": f"{db}/privacy-notices/new/",
        "erase": f"/stakeholders/contacts/{jordan.pk}/erase/",
        "review-queue": f"{db}/retention/",
        "subject-access": f"{db}/subject-access/",
        "notice-queue": f"{db}/privacy-notices/",
        "retention-periods": f"{db}/retention/periods/",
        "erasures": f"{db}/erasures/",
        "access-log": f"{db}/access-log/",
        "duplicates": f"{db}/duplicates/",
        "effectiveness": f"{db}/effectiveness/",
        "record": f"{db}/record/",
        "contacts-import": f"{db}/contacts/import/",
        "contact-lists": f"{db}/lists/",
        "contact-list": f"/stakeholders/lists/{wandsworth.pk}/",
    }


@pytest.fixture
def demo(transactional_db) -> dict[str, str]:
    load_demo()
    return _demo_urls()


def _submit_empty_update(page: Page) -> None:
    page.get_by_label("What has happened since the last update?").fill("")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def _submit_empty_activity(page: Page) -> None:
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def _evidence_link_then_refused_file(page: Page) -> None:
    """A link added (so the table of what is attached shows), then a program refused."""
    url = page.url
    page.get_by_label("Web address").fill("https://example.org/minutes")
    page.get_by_label("Title", exact=True).fill("Board minutes")
    page.get_by_role("button", name="Add link").click()
    expect(page.get_by_text("Link added.")).to_be_visible()
    page.goto(url)
    page.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "evil.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 64}]
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("evil.pdf is not a PDF")
    expect(page.get_by_role("button", name="Remove Board minutes")).to_be_visible()


def _edit_conflict(page: Page) -> None:
    """Someone else saves the action while this page is open; then this page saves."""
    action_id = int(page.url.rstrip("/").split("/")[-2])
    Action.objects.filter(pk=action_id).update(title="Changed meanwhile", updated_at=timezone.now())
    page.get_by_label("Description").fill("My own change")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Someone else saved this")


def _submit_empty_form(page: Page) -> None:
    page.locator("#main-content form[method=post]").get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def _submit_bulk_with_nothing_ticked(page: Page) -> None:
    page.get_by_role("button", name="Apply to the ticked actions").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


CONTACT_LIST = (
    "Full name,Email,Phone,Organisation,Role\n"
    "Sam Madeup,sam@example.org,020 7946 0101,Balham & Tooting Community Association,Chair\n"
    "Alex Notreal,alex(at)example.org,020 7946 0102,Balham & Tooting Community Association,"
    "Treasurer\n"
    "Priya Sample,priya@example.org,,New Residents Group,Chair\n"
)


def _contact_list_preview(page: Page) -> None:
    """A list with a person already held (merged, as the preview suggests) and a bad email."""
    page.get_by_label("Upload a list").set_input_files(
        files=[{"name": "ward panel.csv", "mimeType": "text/csv", "buffer": CONTACT_LIST.encode()}]
    )
    page.get_by_label("Where the list comes from").fill("Wandsworth ward panel list 2026")
    page.get_by_role("button", name="Preview the list").click()
    expect(page.get_by_role("heading", name="Check the list before it is saved")).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("not a valid email address")


def _contact_list_errors(page: Page) -> None:
    page.get_by_role("button", name="Preview the list").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


def _who_attended(page: Page) -> None:
    expect(page.get_by_role("heading", name="Who attended")).to_be_visible()
    expect(page.locator("#main-content")).to_contain_text("Balham & Tooting Community Association")


SIGNED_IN_PAGES: list[tuple[str, str, Callable[[Page], None] | None]] = [
    ("home", "home", None),
    ("plan", "plan", None),
    ("action", "action", None),
    ("update-form", "update-form", None),
    ("update-form-errors", "update-form", _submit_empty_update),
    ("evidence-attach", "evidence-attach", None),
    ("evidence-attach-errors", "evidence-attach", _evidence_link_then_refused_file),
    ("plan-history", "plan-history", None),
    ("people", "people", None),
    ("person", "person", None),
    ("person-edit", "person-edit", None),
    ("action-edit-conflict", "action-edit", _edit_conflict),
    ("summary", "summary", None),
    ("section-summary", "section-summary", None),
    ("budget", "budget", None),
    ("measures", "measures", None),
    ("measure", "measure", None),
    ("benefits", "benefits", None),
    ("suggestions", "suggestions", None),
    ("import", "import", None),
    ("governance", "governance", None),
    ("body", "body", None),
    ("plan-governance", "plan-governance", None),
    ("packs", "packs", None),
    ("commentary", "commentary", None),
    ("reminders", "reminders", None),
    ("registers", "registers", None),
    ("register", "register", None),
    ("register-filtered", "register-filtered", None),
    ("activity", "activity", None),
    ("activity-evidence", "activity-evidence", None),
    ("activity-edit", "activity-edit", None),
    ("activity-new", "activity-new", None),
    ("activity-new-errors", "activity-new", _submit_empty_activity),
    ("output-new", "output-new", None),
    ("outcome-new", "outcome-new", None),
    ("areas", "areas", None),
    ("area", "area", None),
    ("areas-import", "areas-import", None),
    ("evaluation", "evaluation", None),
    ("evaluation-borough", "evaluation-borough", None),
    ("frameworks", "frameworks", None),
    ("framework", "framework", None),
    ("framework-draft", "framework-draft", None),
    ("framework-new", "framework-new", None),
    ("item-edit", "item-edit", None),
    ("item-comment", "item-comment", None),
    ("cycle", "cycle", None),
    ("cycle-closed", "cycle-closed", None),
    ("cycle-new", "cycle-new", None),
    ("return-answer", "return-answer", None),
    ("return-review", "return-review", None),
    ("return-closed", "return-closed", None),
    ("gap-action", "gap-action", None),
    # The stakeholder database (the contact pages come before the access log, which lists
    # their reads).
    ("stakeholder-databases", "stakeholder-databases", None),
    ("stakeholder-database", "stakeholder-database", None),
    ("stakeholder-database-filtered", "stakeholder-database-filtered", None),
    ("stakeholder-database-edit", "stakeholder-database-edit", None),
    ("stakeholder-roles", "stakeholder-roles", None),
    ("contacts", "contacts", None),
    ("contacts-search", "contacts-search", None),
    ("contact", "contact", None),
    ("contact-review", "contact-review", None),
    ("stakeholder", "stakeholder", None),
    ("stakeholder-organisation", "stakeholder-organisation", None),
    ("interaction", "interaction", None),
    ("activity-attended", "activity-attended", _who_attended),
    ("stakeholder-new", "stakeholder-new", None),
    ("stakeholder-new-errors", "stakeholder-new", _submit_empty_form),
    ("stakeholder-edit", "stakeholder-edit", None),
    ("stakeholder-rate", "stakeholder-rate", None),
    ("contact-new", "contact-new", None),
    ("contact-new-errors", "contact-new", _submit_empty_form),
    ("contact-edit", "contact-edit", None),
    ("role-new", "role-new", None),
    ("role-edit", "role-edit", None),
    ("interaction-new", "interaction-new", None),
    ("interaction-new-errors", "interaction-new", _submit_empty_form),
    ("contact-interaction-new", "contact-interaction-new", None),
    ("follow-up-new", "follow-up-new", None),
    ("follow-up-new-errors", "follow-up-new", _submit_empty_form),
    ("basis", "basis", None),
    ("basis-errors", "basis", _submit_empty_form),
    ("subject-access-new", "subject-access-new", None),
    ("notice-new", "notice-new", None),
    ("notice-new-errors", "notice-new", _submit_empty_form),
    ("erase", "erase", None),
    ("review-queue", "review-queue", None),
    ("subject-access", "subject-access", None),
    ("notice-queue", "notice-queue", None),
    ("retention-periods", "retention-periods", None),
    ("erasures", "erasures", None),
    ("access-log", "access-log", None),
    ("duplicates", "duplicates", None),
    ("effectiveness", "effectiveness", None),
    ("contact-lists", "contact-lists", None),
    ("contact-list", "contact-list", None),
    ("record", "record", None),
    ("contacts-import", "contacts-import", None),
    ("contacts-import-errors", "contacts-import", _contact_list_errors),
    ("contacts-import-preview", "contacts-import", _contact_list_preview),
    ("bulk", "bulk", None),
    ("bulk-errors", "bulk", _submit_bulk_with_nothing_ticked),
    ("action-delete", "action-delete", None),
    ("deleted", "deleted", None),
]


def test_signed_in_pages_have_no_axe_violations(
    page: Page, live_server, demo, signed_in, screenshot, subtests
):
    """One page per subtest: loading the demo data once keeps the suite fast."""
    signed_in(page, live_server, DEMO_USERNAME, DEMO_USERNAME)
    for name, key, prepare in SIGNED_IN_PAGES:
        with subtests.test(msg=name):
            response = page.goto(live_server.url + demo[key])
            assert response is not None and response.status == 200, (
                f"{demo[key]} -> {response.status if response else None}"
            )
            if prepare:
                prepare(page)
            screenshot(page, f"a11y-{name}")
            assert_no_axe_violations(page, name)


@pytest.mark.parametrize("with_error", [False, True], ids=["login", "login-error"])
def test_login_page_has_no_axe_violations(
    page: Page, live_server, transactional_db, screenshot, with_error
):
    page.goto(f"{live_server.url}/accounts/login/")
    if with_error:
        page.get_by_label("Username").fill("nobody")
        page.get_by_label("Password").fill("wrong")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
    screenshot(page, "a11y-login-error" if with_error else "a11y-login")
    assert_no_axe_violations(page, "login page" + (" with an error" if with_error else ""))


def test_email_verification_page_has_no_axe_violations(page: Page, live_server, demo, screenshot):
    """Opened by someone who may have no account: the page asks before it confirms."""
    page.goto(live_server.url + demo["verify-email"])
    expect(page.get_by_role("button", name="Confirm my email address")).to_be_visible()
    screenshot(page, "a11y-verify-email")
    assert_no_axe_violations(page, "email verification")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Email address confirmed")
    screenshot(page, "a11y-verify-email-done")
    assert_no_axe_violations(page, "email verification, confirmed")
