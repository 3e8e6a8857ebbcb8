"""The stakeholder database's main journey, in a real browser, as a data steward who is also a
contact manager: import a borough's contact list (a person already held, an invalid email),
merge, undo and merge again, log an interaction, answer a subject-access request and erase."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world, make_org
from plantrack.imports.models import ImportJob
from plantrack.stakeholders import services
from plantrack.stakeholders.models import Contact, Database, Interaction, Merge, Stakeholder

pytestmark = pytest.mark.browser

NAME = "Sam Madeup"
EMAIL = "sam.madeup@example.org"
BATCA = "Balham & Tooting Community Association"
# A borough's list: the chair the database already holds (same email), a treasurer whose email
# is not one, and a newcomer.
LIST = (
    "Full name,Email,Phone,Organisation,Role\n"
    f"{NAME},{EMAIL},020 7946 0123,{BATCA},Chair\n"
    f"Alex Notreal,alex(at)example.org,020 7946 0102,{BATCA},Treasurer\n"
    "Priya Sample,priya.sample@example.org,020 7946 0104,New Residents Group,Chair\n"
)


@dataclass
class Journey:
    world: World
    database: Database
    batca: Stakeholder
    sam: Contact


@pytest.fixture
def journey(transactional_db) -> Journey:
    """The world's force keeps a stakeholder database, opened by the world's manager (so its
    data steward and contact manager), holding the Balham & Tooting Community Association
    with Sam Madeup as its chair."""
    world = build_world()
    database = services.database_create(
        actor=world.manager,
        organisation=world.force,
        description="Barnet's partners",
        dpo_contact="DPO, Barnet Police",
    )
    batca = services.stakeholder_create(
        actor=world.manager,
        database=database,
        organisation=make_org(BATCA, short_name="BATCA"),
        category=Stakeholder.Category.RESIDENTS,
        owner=world.owner_person,
        contact_every_days=30,
    )
    sam = services.contact_create(
        actor=world.manager,
        database=database,
        name=NAME,
        kind="representative",
        email=EMAIL,
        phone="020 7946 0123",
    )
    services.stakeholder_role_create(
        actor=world.manager, stakeholder=batca, title="Chair", contact=sam, main=True
    )
    return Journey(world, database, batca, sam)


def _flash(page: Page):
    return page.locator(".govuk-notification-banner, .app-flash").first


def _live(database: Database) -> list[Contact]:
    """The contacts called Sam Madeup that are neither merged away nor erased."""
    return list(
        Contact.objects.filter(database=database, name=NAME)
        .exclude(state__in=Contact.HIDDEN)
        .order_by("pk")
    )


def test_import_merge_log_answer_a_subject_access_request_and_erase(
    page: Page, live_server, journey: Journey, signed_in, screenshot, tmp_path
):
    database, sam = journey.database, journey.sam
    signed_in(page, live_server, "manager")

    # Open the database.
    page.goto(f"{live_server.url}/stakeholders/")
    page.get_by_role("link", name="Barnet Police").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Barnet Police")
    expect(page.get_by_role("link", name=BATCA)).to_be_visible()

    # Import a borough's list.
    page.get_by_role("link", name="Import a list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a contact list")
    page.get_by_label("Upload a list").set_input_files(
        files=[{"name": "ward panel.csv", "mimeType": "text/csv", "buffer": LIST.encode()}]
    )
    page.get_by_label("Where the list comes from").fill("Wandsworth ward panel list 2026")
    page.get_by_label("Kind of contact").select_option(value="resident")
    page.get_by_role("button", name="Preview the list").click()

    # The preview: a warning for the bad email, the chair set to merge into the one held.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the list before it is saved")
    expect(page.locator("#main-content")).to_contain_text("3 people in ward panel.csv")
    expect(page.locator("#main-content")).to_contain_text("1 with a warning")
    alex = page.get_by_role("row").filter(has_text="Alex Notreal")
    expect(alex.locator(".govuk-tag")).to_have_text("Warning")
    expect(alex).to_contain_text("not a valid email address")
    chair = page.get_by_role("combobox", name="probably Sam Madeup")
    expect(chair).to_have_value(f"merge:{sam.pk}")
    expect(chair.locator("option:checked")).to_contain_text("same email")
    newcomer = page.get_by_role("row").filter(has_text="Priya Sample")
    expect(newcomer.get_by_role("combobox")).to_have_value("new")
    assert Contact.objects.filter(database=database).count() == 1  # nothing saved yet
    screenshot(page, "stakeholders-1-import-preview")

    page.get_by_role("button", name="Save the list").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(_flash(page)).to_contain_text(
        "2 contacts added, 1 merged into contacts already held, 0 left out."
    )
    assert ImportJob.objects.get().status == ImportJob.Status.SAVED
    merge = Merge.objects.get(database=database)
    assert merge.kept_id == sam.pk and merge.undone_at is None
    assert [c.pk for c in _live(database)] == [sam.pk]
    # The treasurer's bad address is kept in the notes, not as an email.
    treasurer = Contact.objects.get(database=database, name="Alex Notreal")
    assert treasurer.email == "" and "alex(at)example.org" in treasurer.notes

    # The duplicates page lists the merge; undo it, and the pair comes back.
    page.get_by_role("link", name="Probable duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Probable duplicates")
    expect(page.get_by_text("No probable duplicates.")).to_be_visible()
    recent = page.get_by_role("listitem").filter(has_text="merged by manager")
    expect(recent.get_by_role("link", name=NAME)).to_be_visible()
    recent.get_by_role("button", name=f"Undo the merge into {NAME}").click()
    expect(_flash(page)).to_contain_text("The merge was undone")
    assert len(_live(database)) == 2
    pair = page.get_by_role("row").filter(has_text="same email")
    expect(pair.get_by_role("link", name=NAME)).to_have_count(2)
    screenshot(page, "stakeholders-2-duplicates-after-undo")

    # Merge them again from the duplicates page.
    pair.get_by_role("button", name=f"Merge {NAME} into {NAME}").click()
    expect(_flash(page)).to_contain_text(f"Merged into {NAME}")
    expect(page.get_by_text("No probable duplicates.")).to_be_visible()
    (kept,) = _live(database)
    assert Merge.objects.filter(database=database, undone_at__isnull=True).count() == 1

    # Log an interaction on the stakeholder's page.
    page.goto(live_server.url + database.get_absolute_url())
    page.get_by_role("link", name=BATCA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BATCA)
    page.get_by_role("link", name="Log an interaction").click()
    page.get_by_label("Kind", exact=True).select_option(label="Meeting")
    page.get_by_label("Summary").fill("Ward panel: speeding on Tooting Bec Road discussed.")
    page.get_by_label("Issues").fill("Speeding outside the school at pick-up time.")
    page.get_by_role("group", name="Who took part").get_by_label(NAME).check()
    page.get_by_role("button", name="Save").click()
    expect(_flash(page)).to_contain_text("Interaction logged.")
    expect(page.locator("#main-content")).to_contain_text("speeding on Tooting Bec Road")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    interaction = Interaction.objects.get(database=database)
    assert list(interaction.contacts.all()) == [kept]
    page.get_by_role("link", name=BATCA).first.click()
    timeline = page.locator(".app-timeline")
    expect(timeline).to_contain_text("speeding on Tooting Bec Road")
    screenshot(page, "stakeholders-3-stakeholder-timeline")

    # Find the contact and log a subject-access request on their page.
    page.goto(live_server.url + database.get_absolute_url())
    page.get_by_role("link", name="Contacts", exact=True).click()
    page.get_by_label("Name or email").fill(NAME)
    page.get_by_role("main").get_by_role("button", name="Search").click()
    results = page.locator("table").filter(has_text=NAME)
    expect(results.get_by_role("link", name=NAME)).to_have_count(1)
    results.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".govuk-summary-list")).to_contain_text(EMAIL)
    page.get_by_role("link", name="Log a subject-access request").click()
    expect(page.get_by_label("Request received on")).not_to_have_value("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Subject-access requests")
    expect(_flash(page)).to_contain_text("Request logged: the answer is due by")
    case = page.get_by_role("row").filter(has_text=NAME)
    expect(case).to_contain_text("Open")
    screenshot(page, "stakeholders-4-subject-access")

    # The JSON export holds the person's email.
    with page.expect_download() as download:
        case.get_by_role("link", name=f"JSON for {NAME}").click()
    saved = tmp_path / "subject-access.json"
    download.value.save_as(saved)
    exported = json.loads(saved.read_text(encoding="utf-8"))
    assert EMAIL in json.dumps(exported)
    assert download.value.suggested_filename == f"subject-access-{kept.pk}.json"

    # Erase the contact: their name is no longer found.
    case.get_by_role("link", name=NAME, exact=True).click()
    page.get_by_role("link", name="Erase", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase this contact")
    screenshot(page, "stakeholders-5-erase")
    page.get_by_role("button", name=f"Erase {NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(_flash(page)).to_contain_text("The contact was erased")
    page.get_by_label("Name or email").fill(NAME)
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=f"Contacts matching “{NAME}” (0)")).to_be_visible()
    expect(page.get_by_text("No contacts match.")).to_be_visible()
    expect(page.locator("#main-content")).not_to_contain_text(EMAIL)
    page.get_by_label("Name or email").fill("Madeup")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page.get_by_text("No contacts match.")).to_be_visible()
    assert not Contact.objects.filter(name__icontains="Madeup").exists()
    screenshot(page, "stakeholders-6-after-erasure")
