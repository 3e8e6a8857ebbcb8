"""The public pages in a browser: a manager publishes a plan and approves an update's public
text on the managers' pages, and someone who is not signed in reads the result. The public pages
and the managers' pages pass axe and fit a 360 px phone; the plan page reads without
JavaScript. A member publishes an event on the public calendar and cancels it; the public finds
it by date and ward; the events pages pass axe and fit a phone too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from checks import assert_fits, assert_no_axe_violations
from django.utils import timezone
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import (
    World,
    build_world,
    make_action,
    make_measure,
    make_user,
)
from plantrack.directory import services as directory
from plantrack.directory.models import Area
from plantrack.engagement import services as engagement
from plantrack.measures import services as measures
from plantrack.plans import services as plans
from plantrack.plans.models import Plan, Update
from plantrack.public import services as public
from plantrack.public.models import Event

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}

# What the owner wrote, and what the manager lets the public read of it.
INTERNAL = "Sgt Dawes met the head of Hendon School about pupil P7 on 3 November."
EDITED = "Partners met the school and agreed how referrals from it will work."
# A published text with a long address in it: it must wrap on a phone, not widen the page.
PUBLISHED = (
    "The policy was agreed by the partnership board. Read it at "
    "https://www.example.org/community-safety/youth-strategy/2026/partnership-policy-final.pdf"
)
SECRET_TITLE = "Covert test purchase operations with trading standards"


@pytest.fixture
def world(transactional_db) -> World:
    """The world's plan, seen organisation-wide (so it may be published), with two sections,
    a measure with readings, a "you said, we did" outcome and a withheld action."""
    world = build_world()
    plans.plan_update(
        actor=world.manager,
        plan=world.plan,
        visibility=Plan.Visibility.ORGANISATION,
        summary="How Barnet's partners keep young people safe and out of the justice system.",
        period_text="2026 to 2029",
    )
    world.plan.refresh_from_db()
    world.owner_person.post = "Youth Crime Lead"
    world.owner_person.save()
    prevention = plans.section_create(
        actor=world.manager,
        plan=world.plan,
        title="Prevention and early help",
        description="Reaching young people before harm is done.",
    )
    make_action(
        world.plan,
        world.manager,
        section=prevention,
        ref="YC/PRE/1",
        title="Open three youth hubs with detached youth work in every ward of the borough, "
        "run with schools, the voluntary sector and the safer neighbourhood teams",
        status="in_progress",
        rag="green",
        due_text="Ongoing",
        supporting_organisations=[world.other_force],
    )
    secret = make_action(world.plan, world.manager, section=prevention, title=SECRET_TITLE)
    public.action_withhold(actor=world.manager, action=secret, reason="Operational")
    measure = make_measure(world, since=dt.date(2025, 1, 1))
    for day, value in ((dt.date(2025, 4, 1), "20"), (dt.date(2025, 8, 1), "45")):
        measures.reading_record(actor=world.manager, measure=measure, value=value, date=day)
    register = engagement.register_create(
        actor=world.manager, organisation=world.force, title="Engagement register"
    )
    forum = engagement.activity_create(
        actor=world.manager,
        register=register,
        title="Youth forum on street safety",
        plans=[world.plan],
        level="consult",
        status="running",
    )
    engagement.outcome_record(
        actor=world.manager,
        activity=forum,
        you_said="The park is dark and feels unsafe after school.",
        we_did="The council put up lights and the youth hub stays open until 8pm.",
        date=dt.date(2025, 10, 1),
    )
    engagement.activity_update(actor=world.manager, activity=forum, status="completed")
    return world


@dataclass
class Published:
    world: World
    waiting: Update  # not yet decided: on the approvals list
    shown: Update  # published with an edited text
    withdrawn_slug: str  # another plan, published then withdrawn


@pytest.fixture
def published(world) -> Published:
    public.plan_publish(actor=world.manager, plan=world.plan, slug="youth-strategy")
    shown = plans.update_post(
        actor=world.manager,
        action=world.action,
        narrative="Owen Owner drafted it with Mary; the board agreed it on 1 October.",
        rag="amber",
        date=dt.date(2025, 10, 2),
    )
    public.update_publish(actor=world.manager, update=shown, text=PUBLISHED)
    waiting = plans.update_post(
        actor=world.manager, action=world.action, narrative=INTERNAL, rag="red"
    )
    old = plans.plan_create(
        actor=world.manager,
        owner_organisation=world.force,
        title="Youth Strategy 2020",
        visibility=Plan.Visibility.ORGANISATION,
    )
    public.plan_publish(actor=world.manager, plan=old, slug="youth-strategy-2020")
    public.plan_unpublish(actor=world.manager, plan=old, reason="Replaced by the 2026 strategy")
    return Published(world, waiting, shown, "youth-strategy-2020")


def test_a_manager_publishes_a_plan_and_the_public_reads_its_actions(
    page: Page, new_context, live_server, world, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/plans/{world.plan.pk}/")
    page.get_by_role("link", name="Public page").first.click()
    expect(page.get_by_role("heading", name="Public page", exact=True)).to_be_visible()
    page.get_by_label("Public address").fill("youth-strategy")
    page.get_by_label("What the public page says first (optional)").fill(
        "Our promises to Barnet's young people, and how we are doing."
    )
    page.get_by_role("button", name="Publish this plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Youth Strategy is published."
    )
    screenshot(page, "public-manage-published")

    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/public/")
    reader.get_by_role("link", name="Youth Strategy").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Youth Strategy")
    expect(reader.get_by_text("Our promises to Barnet's young people")).to_be_visible()
    actions = reader.locator("article.app-public-action")
    expect(actions).to_have_count(3)
    expect(reader.get_by_role("heading", name="YC/INT/1 Create a policy")).to_be_visible()
    expect(reader.get_by_role("heading", name="YC/INT/2 Track PYOs")).to_be_visible()
    expect(reader.get_by_role("heading", name="YC/PRE/1 Open three youth hubs")).to_be_visible()
    # The owner by post and organisation, never by name; the withheld action not at all.
    expect(actions.first).to_contain_text("Youth Crime Lead, Barnet Police")
    assert "Owen Owner" not in reader.content()
    assert SECRET_TITLE not in reader.content()
    # Nobody is signed in: no header search, no account links.
    expect(reader.get_by_role("link", name="Staff sign in")).to_be_visible()
    expect(reader.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_manager_approves_an_edited_update_and_the_public_reads_only_the_edit(
    page: Page, new_context, live_server, published, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/public/manage/approvals/")
    page.get_by_role("link", name="YC/INT/1").click()
    expect(page.get_by_role("heading", name="Publish this update?")).to_be_visible()
    text = page.get_by_label("What the public will read")
    expect(text).to_have_value(INTERNAL)
    text.fill(EDITED)
    screenshot(page, "public-update-decide")
    page.get_by_role("button", name="Approve for the public").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "The update is published."
    )
    expect(page.get_by_text("Nothing is waiting.")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/public/plans/youth-strategy/")
    updates = reader.locator(f"#action-{published.world.action.pk} .app-public-updates")
    expect(updates).to_contain_text(EDITED)
    expect(updates).to_contain_text("partnership-policy-final.pdf")
    assert INTERNAL not in reader.content()
    assert "Owen Owner drafted it" not in reader.content()


def test_a_manager_approves_a_you_said_we_did_and_the_public_reads_the_approved_text(
    page: Page, new_context, live_server, published, signed_in, screenshot
):
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/public/manage/approvals/")
    page.get_by_role("link", name="Youth forum on street safety").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish this “you said, we did”?")
    expect(page.get_by_label("We did")).to_have_value(
        "The council put up lights and the youth hub stays open until 8pm."
    )
    page.get_by_label("We did").fill("Lights were put up and the youth hub stays open later.")
    screenshot(page, "public-outcome-decide")
    page.get_by_role("button", name="Approve for the public").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()

    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/public/plans/youth-strategy/")
    said = reader.locator("section[aria-labelledby=you-said-we-did]")
    expect(said).to_contain_text("The park is dark and feels unsafe after school.")
    expect(said).to_contain_text("Lights were put up and the youth hub stays open later.")
    assert "until 8pm" not in reader.content()
    assert_no_axe_violations(reader, "the public plan with a “you said, we did”")


def _public_pages(published: Published) -> list[tuple[str, str, int]]:
    world = published.world
    return [
        ("index", "/public/", 200),
        ("organisation", f"/public/organisations/{world.force.pk}/", 200),
        ("plan", "/public/plans/youth-strategy/", 200),
        ("accessibility", "/public/accessibility/", 200),
        ("withdrawn", f"/public/plans/{published.withdrawn_slug}/", 404),
    ]


def _manager_pages(published: Published) -> list[tuple[str, str]]:
    world = published.world
    return [
        ("manage", f"/public/manage/plans/{world.plan.pk}/"),
        ("approvals", "/public/manage/approvals/"),
        ("update-decide", f"/public/manage/updates/{published.waiting.pk}/"),
        ("update-decide-published", f"/public/manage/updates/{published.shown.pk}/"),
        ("outcome-decide", f"/public/manage/outcomes/{_forum_outcome().pk}/plans/{world.plan.pk}/"),
        ("action-withhold", f"/public/manage/actions/{world.other_action.pk}/withhold/"),
        ("section-withhold", f"/public/manage/sections/{world.section.pk}/withhold/"),
    ]


def _forum_outcome():
    from plantrack.engagement.models import Outcome

    return Outcome.objects.get(activity__title="Youth forum on street safety")


def _withhold_without_reason(page: Page) -> None:
    page.get_by_role("button", name="Withhold").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


@pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE, NARROW], ids=["desktop", "phone-390", "phone-360"]
)
def test_public_and_managers_pages_have_no_axe_violations_and_fit_a_phone(
    new_context, live_server, published, signed_in, screenshot, subtests, viewport
):
    size = "desktop" if viewport is DESKTOP else str(viewport["width"])
    reader = new_context(viewport=viewport).new_page()
    for name, url, status in _public_pages(published):
        with subtests.test(msg=f"public {name} at {size}"):
            response = reader.goto(live_server.url + url)
            assert response is not None and response.status == status, (
                f"{url} -> {response.status if response else None}"
            )
            screenshot(reader, f"public-{name}-{size}")
            assert_no_axe_violations(reader, f"public {name} at {size}")
            if viewport is not DESKTOP:
                assert_fits(reader, f"public {name} at {size}")

    manager = new_context(viewport=viewport).new_page()
    signed_in(manager, live_server, "manager")
    checks: list[tuple[str, str, Callable[[Page], None] | None]] = [
        (name, url, None) for name, url in _manager_pages(published)
    ]
    withhold = f"/public/manage/actions/{published.world.other_action.pk}/withhold/"
    checks.append(("action-withhold-errors", withhold, _withhold_without_reason))
    for name, url, prepare in checks:
        with subtests.test(msg=f"manager {name} at {size}"):
            response = manager.goto(live_server.url + url)
            assert response is not None and response.status == 200, (
                f"{url} -> {response.status if response else None}"
            )
            if prepare:
                prepare(manager)
            screenshot(manager, f"public-manager-{name}-{size}")
            assert_no_axe_violations(manager, f"manager {name} at {size}")
            if viewport is not DESKTOP:
                assert_fits(manager, f"manager {name} at {size}")


def test_the_public_plan_page_works_without_javascript(new_context, live_server, published):
    reader = new_context(java_script_enabled=False).new_page()
    reader.goto(f"{live_server.url}/public/")
    reader.get_by_role("link", name="Youth Strategy", exact=True).click()
    expect(reader.locator("article.app-public-action")).to_have_count(3)
    expect(reader.get_by_role("heading", name="YC/INT/1 Create a policy")).to_be_visible()
    expect(reader.locator(".app-public-updates")).to_contain_text("partnership-policy-final.pdf")
    # The contents list is plain links to the sections.
    reader.get_by_role("link", name="Prevention and early help").click()
    assert reader.url.endswith("#section-2")
    expect(reader.get_by_role("heading", name="YC/PRE/1 Open three youth hubs")).to_be_in_viewport()
    assert INTERNAL not in reader.content()


# --- The public events calendar -----------------------------------------------------------------

# A place as long as some addresses are: it must wrap on a phone, not widen the page.
LONG_PLACE = (
    "Grahame Park Community Centre (the hall at the back), Lanacre Avenue, Colindale, "
    "entrance from the car park"
)


@dataclass
class Calendar:
    world: World
    borough: Area
    ward: Area  # Burnt Oak: where the member publishes
    coming: Event  # in Colindale, announced weeks ahead
    cancelled: Event  # in Hendon


def _local(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def calendar(world) -> Calendar:
    """A force area with a borough of three wards and another borough; two events on one day
    in one ward, a cancelled one in another, and a street briefing in the other borough."""
    admin = make_user("areas-admin", is_superuser=True)
    force = directory.area_create(
        actor=admin, name="Metropolitan Police District", level="force", organisation=world.force
    )
    borough = directory.area_create(
        actor=admin, name="Barnet", level="borough", code="SX", parent=force
    )
    ward, colindale, hendon = (
        directory.area_create(actor=admin, name=name, level="ward", parent=borough)
        for name in ("Burnt Oak", "Colindale", "Hendon")
    )
    brent = directory.area_create(actor=admin, name="Brent", level="borough", parent=force)

    def publish(area: Area, days: int, title: str, place: str, purpose: str, hour=11) -> Event:
        return public.event_publish(
            actor=world.manager,
            organisation=world.force,
            area=area,
            title=title,
            purpose=purpose,
            place=place,
            starts_at=_local(days, hour),
            ends_at=_local(days, hour + 2),
        )

    coming = publish(
        colindale,
        30,
        "Engagement van: Colindale, with crime prevention advice and free bike marking",
        LONG_PLACE,
        "Report a crime or anti-social behaviour, get advice on keeping your home safe, and "
        "tell the team what to tackle next.",
    )
    publish(
        colindale,
        30,
        "Colindale ward panel",
        "Colindale library, Grahame Park Way",
        "Residents and the team set the ward's policing priorities for the next three months.",
        hour=19,
    )
    cancelled = publish(
        hendon, 9, "Hendon ward panel", "Hendon Library, The Burroughs", "Set the priorities."
    )
    public.event_cancel(
        actor=world.manager, event=cancelled, reason="The library is closed for repairs."
    )
    publish(brent, 12, "Street briefing: Harlesden", "Harlesden clock tower", "Meet the team.")
    return Calendar(world, borough, ward, coming, cancelled)


def test_a_member_publishes_an_event_and_the_public_finds_it_by_date_and_ward(
    page: Page, new_context, live_server, calendar, signed_in, screenshot
):
    day = timezone.localdate() + dt.timedelta(days=20)
    heading = f"{day:%A} {day.day} {day:%B %Y}"
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/public/manage/events/")
    page.get_by_role("button", name="Publish an event").click()
    expect(page.get_by_role("heading", name="Publish an event", level=1)).to_be_visible()
    page.get_by_label("Whose event").select_option(label="Barnet Police")
    page.get_by_label("Area").select_option(value=str(calendar.ward.pk))
    page.get_by_label("Title").fill("Engagement van: Burnt Oak Broadway")
    page.get_by_label("What it is for").fill("Talk to your local team about burglary.")
    page.get_by_label("Where").fill("Burnt Oak Broadway, by the library")
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at (optional)").fill("14:00")
    screenshot(page, "public-manager-event-form-filled")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Engagement van: Burnt Oak Broadway is on the public calendar."
    )
    mine = page.get_by_role("row").filter(has_text="Engagement van: Burnt Oak Broadway")
    expect(mine).to_contain_text("20 days")

    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/public/events/")
    reader.get_by_role("link", name="Barnet", exact=True).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Events in Barnet")
    # Under its day's heading, with the other events on theirs.
    under_day = reader.locator("h2.app-public-day", has_text=heading).locator("+ ul")
    expect(under_day).to_contain_text("Engagement van: Burnt Oak Broadway")
    expect(under_day).to_contain_text("10:00 to 14:00")
    expect(under_day).to_contain_text("announced 20 days ahead")
    expect(reader.get_by_text("Engagement van: Colindale")).to_be_visible()
    # One ward's events only.
    reader.get_by_text("By ward").click()
    reader.get_by_role("link", name="Burnt Oak", exact=True).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Events in Burnt Oak, Barnet")
    expect(reader.locator("h2.app-public-day")).to_have_text([heading])
    expect(reader.get_by_text("Engagement van: Colindale")).to_have_count(0)
    reader.get_by_role("link", name="Engagement van: Burnt Oak Broadway").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Engagement van: Burnt Oak Broadway"
    )
    expect(reader.locator(".govuk-summary-list")).to_contain_text(
        "Burnt Oak Broadway, by the library, Burnt Oak"
    )
    event_url = reader.url

    page.get_by_role("link", name="Cancel Engagement van: Burnt Oak Broadway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cancel Engagement van: Burnt Oak Broadway?"
    )
    page.get_by_label("Why is it cancelled?").fill("The van is needed elsewhere.")
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "is marked cancelled"
    )

    # A new reader: the public pages may be kept by a browser for five minutes.
    later = new_context().new_page()
    later.goto(event_url)
    expect(later.locator(".govuk-warning-text")).to_contain_text(
        "This event is cancelled: The van is needed elsewhere."
    )
    later.goto(f"{live_server.url}/public/areas/{calendar.borough.pk}/events/")
    cancelled = later.locator("li.app-public-event", has_text="Burnt Oak Broadway")
    expect(cancelled.locator(".govuk-tag")).to_have_text("Cancelled")


def _event_pages(calendar: Calendar) -> list[tuple[str, str]]:
    area = f"/public/areas/{calendar.borough.pk}/events/"
    return [
        ("events-index", "/public/events/"),
        ("events-area", area),
        ("events-ward", f"{area}?ward={calendar.coming.area_id}"),
        ("event", f"/public/events/{calendar.coming.pk}/"),
        ("event-cancelled", f"/public/events/{calendar.cancelled.pk}/"),
    ]


def _manager_event_pages(calendar: Calendar) -> list[tuple[str, str]]:
    return [
        ("events-manage", "/public/manage/events/"),
        ("event-new", "/public/manage/events/new/"),
        ("event-edit", f"/public/manage/events/{calendar.coming.pk}/edit/"),
        ("event-cancel", f"/public/manage/events/{calendar.coming.pk}/cancel/"),
    ]


def _publish_nothing(page: Page) -> None:
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")


def _cancel_without_reason(page: Page) -> None:
    page.get_by_role("button", name="Cancel the event").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the event is cancelled")


@pytest.mark.parametrize(
    "viewport", [DESKTOP, PHONE, NARROW], ids=["desktop", "phone-390", "phone-360"]
)
def test_events_pages_have_no_axe_violations_and_fit_a_phone(
    new_context, live_server, calendar, signed_in, screenshot, subtests, viewport
):
    size = "desktop" if viewport is DESKTOP else str(viewport["width"])
    reader = new_context(viewport=viewport).new_page()
    for name, url in _event_pages(calendar):
        with subtests.test(msg=f"public {name} at {size}"):
            response = reader.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            if name == "events-ward":
                expect(reader.get_by_text(LONG_PLACE)).to_be_visible()
            screenshot(reader, f"public-{name}-{size}")
            assert_no_axe_violations(reader, f"public {name} at {size}")
            if viewport is not DESKTOP:
                assert_fits(reader, f"public {name} at {size}")

    manager = new_context(viewport=viewport).new_page()
    signed_in(manager, live_server, "manager")
    checks: list[tuple[str, str, Callable[[Page], None] | None]] = [
        (name, url, None) for name, url in _manager_event_pages(calendar)
    ]
    checks.append(("event-new-errors", "/public/manage/events/new/", _publish_nothing))
    cancel = f"/public/manage/events/{calendar.coming.pk}/cancel/"
    checks.append(("event-cancel-errors", cancel, _cancel_without_reason))
    for name, url, prepare in checks:
        with subtests.test(msg=f"manager {name} at {size}"):
            response = manager.goto(live_server.url + url)
            assert response is not None and response.status == 200, url
            if prepare:
                prepare(manager)
            screenshot(manager, f"public-manager-{name}-{size}")
            assert_no_axe_violations(manager, f"manager {name} at {size}")
            if viewport is not DESKTOP:
                assert_fits(manager, f"manager {name} at {size}")
