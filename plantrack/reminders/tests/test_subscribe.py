"""From a plan's or body's page to its calendar address: the link, the settings page opened for
that calendar, and the one click creating it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.core.tests.factories import make_person
from plantrack.governance import services as governance
from plantrack.reminders import services
from plantrack.reminders.models import CalendarFeed

pytestmark = pytest.mark.django_db

SETTINGS = "/reminders/"


def _plan_link(plan) -> str:
    return f'href="/reminders/?plan={plan.pk}#subscribe"'


def _body_link(body) -> str:
    return f'href="/reminders/?body={body.pk}#subscribe"'


# --- The links -------------------------------------------------------------------------------


def test_plan_page_links_every_reader_to_the_plan_calendar(client, world):
    url = reverse("plans:detail", args=[world.plan.pk])
    for user in (world.manager, world.owner, world.viewer):
        client.force_login(user)
        html = client.get(url).content.decode()
        assert html.count(_plan_link(world.plan)) == 1, user
        assert "Subscribe to this plan’s calendar" in html
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_plan_page_link_is_outside_the_cached_fragments(client, world, real_cache):
    url = reverse("plans:detail", args=[world.plan.pk])
    client.force_login(world.manager)
    client.get(url)  # fills the plan's fragments
    client.force_login(world.viewer)
    assert _plan_link(world.plan) in client.get(url).content.decode()


def test_body_page_links_only_those_who_may_follow_it(client, world, admin, board):
    url = reverse("governance:body", args=[board.pk])
    # A member, a reader of the plan it oversees, a site admin.
    for user in (world.owner, world.viewer, admin):
        client.force_login(user)
        assert _body_link(board) in client.get(url).content.decode(), user
    # Everyone signed in sees a body's page; an outsider cannot follow its calendar.
    client.force_login(world.outsider)
    response = client.get(url)
    assert response.status_code == 200
    assert "Subscribe to this body" not in response.content.decode()


def test_body_page_links_its_chair_and_members_with_nothing_overseen(client, world, admin):
    body = governance.body_create(actor=admin, name="Steering Group")
    chair = make_person(world.outsider, name="Chris Chair")
    governance.body_update(actor=admin, body=body, chair=chair)
    governance.body_member_add(actor=admin, body=body, person=world.owner_person)
    url = reverse("governance:body", args=[body.pk])
    for user in (world.outsider, world.owner):
        client.force_login(user)
        assert client.get(url).content.decode().count(_body_link(body)) == 1, user
    client.force_login(world.viewer)
    assert _body_link(body) not in client.get(url).content.decode()


# --- The settings page opened for one calendar -----------------------------------------------


def test_one_click_from_the_plan_page_to_the_address(client, world):
    client.force_login(world.viewer)
    html = client.get(f"{SETTINGS}?plan={world.plan.pk}").content.decode()
    assert 'id="subscribe"' in html and "Calendar of Youth Strategy" in html
    assert '<input type="hidden" name="scope" value="plan">' in html
    assert f'<input type="hidden" name="plan" value="{world.plan.pk}">' in html
    assert "Get the calendar address" in html
    assert not CalendarFeed.objects.exists()  # opening the page creates nothing

    response = client.post("/reminders/calendars/new/", {"scope": "plan", "plan": world.plan.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/reminders/?plan={world.plan.pk}#subscribe"
    feed = CalendarFeed.objects.get(user=world.viewer, plan=world.plan)

    html = client.get(response["Location"]).content.decode()
    address = f"http://testserver/reminders/calendar/{feed.token}.ics"
    assert f'id="subscribe-url" type="text" value="{address}"' in html
    assert "Subscribe from web" in html and "From URL" in html
    assert "Get the calendar address" not in html
    assert client.get(address).status_code == 200


def test_body_calendar_from_its_page(client, world, board):
    client.force_login(world.owner)
    html = client.get(f"{SETTINGS}?body={board.pk}").content.decode()
    assert "Calendar of Youth Board" in html
    assert f'<input type="hidden" name="body" value="{board.pk}">' in html
    response = client.post("/reminders/calendars/new/", {"scope": "body", "body": board.pk})
    assert response["Location"] == f"/reminders/?body={board.pk}#subscribe"
    feed = CalendarFeed.objects.get(user=world.owner, body=board)
    assert feed.token in client.get(response["Location"]).content.decode()


def test_a_plan_not_offered_in_the_list_can_still_be_followed(client, world, admin):
    """The list offers plans with a role or owned actions; a public plan comes from its page."""
    from plantrack.plans.services import plan_create

    public = plan_create(
        actor=admin,
        title="Police and Crime Plan",
        owner_organisation=world.force,
        visibility="public",
    )
    client.force_login(world.outsider)
    html = client.get(f"{SETTINGS}?plan={public.pk}").content.decode()
    assert "Calendar of Police and Crime Plan" in html
    data = {"scope": "plan", "plan": public.pk}
    assert client.post("/reminders/calendars/new/", data).status_code == 302
    assert CalendarFeed.objects.filter(user=world.outsider, plan=public).exists()


def test_an_existing_calendar_shows_its_address_at_once(client, world):
    feed = services.feed_create(actor=world.manager, scope="plan", plan=world.plan)
    client.force_login(world.manager)
    html = client.get(f"{SETTINGS}?plan={world.plan.pk}").content.decode()
    assert (
        f'id="subscribe-url" type="text" value="http://testserver/reminders/calendar/{feed.token}.ics"'
        in html
    )
    assert "Get the calendar address" not in html


@pytest.mark.parametrize(
    "query, line",
    [
        ("plan=abc", "That calendar link is not valid"),
        ("plan=", "That calendar link is not valid"),
        ("plan=1&body=1", "That calendar link is not valid"),
        ("plan=PLAN", "You cannot follow that plan’s calendar"),
        ("plan=999999", "You cannot follow that plan’s calendar"),
        ("body=BODY", "You can follow the calendar of a body you sit on"),
    ],
)
def test_bad_or_forbidden_links_say_one_line_and_change_nothing(client, world, board, query, line):
    client.force_login(world.outsider)
    query = query.replace("PLAN", str(world.plan.pk)).replace("BODY", str(board.pk))
    response = client.get(f"{SETTINGS}?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("There is a problem") == 1 and line in html
    assert 'id="subscribe"' not in html and "Youth Strategy" not in html
    assert not CalendarFeed.objects.exists()


def test_anonymous_and_wrong_method(client, world):
    url = f"{SETTINGS}?plan={world.plan.pk}"
    assert client.get(url).status_code == 302
    client.force_login(world.viewer)
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405


def test_the_pages_rule_for_following_a_body_is_the_querys(world, admin, board):
    """may_follow_body (from what the body's page loaded) agrees with bodies_visible_to."""
    from plantrack.governance import selectors as governance_selectors
    from plantrack.reminders import selectors

    chair = make_person(world.outsider, name="Chris Chair")
    second = governance.body_create(actor=admin, name="Chaired Group", chair=chair)
    for body in (board, second):
        members = list(governance_selectors.body_members(body))
        for user in (admin, world.manager, world.owner, world.viewer, world.outsider):
            oversights = list(governance_selectors.oversights_for_body(user, body))
            expected = selectors.bodies_visible_to(user).filter(pk=body.pk).exists()
            assert selectors.may_follow_body(user, body, members, oversights) == expected
    assert selectors.may_follow_body(world.outsider, second, [], [])  # its chair
    assert not selectors.may_follow_body(world.outsider, board, list(board.memberships.all()), [])
