"""The public events calendar: publishing, notice, the area pages and the calendar feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from plantrack.core.tests.factories import make_user
from plantrack.directory import services as directory
from plantrack.directory.models import Area
from plantrack.public import selectors, services
from plantrack.public.models import Event

pytestmark = pytest.mark.django_db


@dataclass
class Places:
    force: Area
    borough: Area
    ward: Area
    other_ward: Area
    other_borough: Area


@pytest.fixture
def places(world) -> Places:
    admin = make_user("admin-areas", is_superuser=True)
    force = directory.area_create(actor=admin, name="Met", level="force", organisation=world.force)
    borough = directory.area_create(actor=admin, name="Barnet", level="borough", parent=force)
    ward = directory.area_create(actor=admin, name="Burnt Oak", level="ward", parent=borough)
    other_ward = directory.area_create(actor=admin, name="Colindale", level="ward", parent=borough)
    other = directory.area_create(actor=admin, name="Brent", level="borough", parent=force)
    return Places(force, borough, ward, other_ward, other)


def _publish(world, area, days_ahead: int, title: str = "Engagement van", **fields) -> Event:
    starts = timezone.now() + dt.timedelta(days=days_ahead)
    fields.setdefault("ends_at", starts + dt.timedelta(hours=2))
    return services.event_publish(
        actor=world.manager,
        organisation=world.force,
        area=area,
        title=title,
        purpose="Talk to your local team about burglary",
        place="Burnt Oak Broadway, by the library",
        starts_at=starts,
        **fields,
    )


def test_members_publish_events_and_others_cannot(world, places):
    event = _publish(world, places.ward, 20)
    assert event.notice_days == 20 and event.published_by == world.manager
    with pytest.raises(PermissionDenied):
        services.event_publish(
            actor=world.outsider,
            organisation=world.force,
            area=places.ward,
            title="x",
            purpose="x",
            place="x",
            starts_at=timezone.now(),
        )
    with pytest.raises(ValidationError, match="end must be after"):
        _publish(world, places.ward, 3, ends_at=timezone.now())


def test_changing_an_event_keeps_its_notice_and_cancelling_needs_a_reason(world, places):
    event = _publish(world, places.ward, 20)
    services.event_update(
        actor=world.manager, event=event, starts_at=event.starts_at + dt.timedelta(days=5)
    )
    assert event.notice_days == 25
    with pytest.raises(ValidationError, match="Say why"):
        services.event_cancel(actor=world.manager, event=event, reason="")
    services.event_cancel(actor=world.manager, event=event, reason="Van broke down")
    assert Event.objects.get().cancelled_reason == "Van broke down"
    assert [h.history_type for h in event.history.order_by("history_date")] == ["+", "~", "~"]


def test_the_share_published_two_weeks_ahead_is_counted_per_borough(world, places):
    _publish(world, places.ward, 20)
    _publish(world, places.other_ward, 3)
    _publish(world, places.other_borough, 15)
    cancelled = _publish(world, places.ward, 1)
    services.event_cancel(actor=world.manager, event=cancelled, reason="Rain")
    rows = selectors.notice_by_area(Event.objects.all(), timezone.now() - dt.timedelta(days=1))
    by_name = {row.area.name: (row.events, row.with_notice) for row in rows}
    assert by_name == {"Barnet": (2, 1), "Brent": (1, 1)}


def test_an_area_page_lists_its_wards_events_by_date_signed_out(client, world, places):
    _publish(world, places.ward, 20, title="Van at Burnt Oak")
    _publish(world, places.other_ward, 3, title="Ward panel at Colindale")
    _publish(world, places.other_borough, 3, title="Street briefing in Brent")
    response = client.get(reverse("public:area_events", args=[places.borough.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=300"
    body = response.content.decode()
    assert body.index("Ward panel at Colindale") < body.index("Van at Burnt Oak")
    assert "Street briefing in Brent" not in body
    assert "announced 20 days ahead" in body
    ward = client.get(
        reverse("public:area_events", args=[places.borough.pk]), {"ward": places.ward.pk}
    ).content.decode()
    assert "Van at Burnt Oak" in ward and "Ward panel" not in ward
    force = client.get(reverse("public:area_events", args=[places.force.pk])).content.decode()
    assert "Street briefing in Brent" in force and "Van at Burnt Oak" in force
    index = client.get(reverse("public:events")).content.decode()
    assert "Barnet" in index and "Brent" in index and "Burnt Oak<" not in index


def test_past_events_leave_the_page_and_the_feed_keeps_a_month(client, world, places):
    old = _publish(world, places.ward, 10, title="Old van")
    Event.objects.filter(pk=old.pk).update(starts_at=timezone.now() - dt.timedelta(days=3))
    page = client.get(reverse("public:area_events", args=[places.borough.pk])).content.decode()
    assert "Old van" not in page
    ics = client.get(reverse("public:area_events_ics", args=[places.borough.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    assert "SUMMARY:Old van" in ics.content.decode()


def test_the_feed_marks_cancelled_events(client, world, places):
    event = _publish(world, places.ward, 10)
    services.event_cancel(actor=world.manager, event=event, reason="Rain")
    ics = client.get(reverse("public:area_events_ics", args=[places.ward.pk])).content.decode()
    assert "STATUS:CANCELLED" in ics and "LOCATION:Burnt Oak Broadway" in ics
    page = client.get(reverse("public:event", args=[event.pk])).content.decode()
    assert "This event is cancelled: Rain" in page


def test_publishing_through_the_pages(client, world, places):
    client.force_login(world.manager)
    url = reverse("public:event_create")
    day = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    data = {
        "organisation": world.force.pk,
        "area": places.ward.pk,
        "title": "Ward panel",
        "purpose": "Set the ward's priorities",
        "place": "Community centre",
        "date": day,
        "start": "18:30",
        "end": "18:00",
    }
    assert "The end must be after the start" in client.post(url, data).content.decode()
    assert client.post(url, data | {"end": "20:00"}).status_code == 302
    event = Event.objects.get()
    assert timezone.localtime(event.starts_at).strftime("%H:%M") == "18:30"
    manage = client.get(reverse("public:events_manage")).content.decode()
    assert "Ward panel" in manage and "30 days" in manage
    client.force_login(world.outsider)
    assert client.get(reverse("public:event_edit", args=[event.pk])).status_code == 404


def test_with_a_real_cache_a_new_or_cancelled_event_shows_at_once(client, world, places, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "e"}
    }
    url = reverse("public:area_events", args=[places.borough.pk])
    _publish(world, places.ward, 5, title="First van")
    assert "First van" in client.get(url).content.decode()
    second = _publish(world, places.other_ward, 6, title="Second van")
    assert "Second van" in client.get(url).content.decode()
    services.event_cancel(actor=world.manager, event=second, reason="Rain")
    assert "Cancelled" in client.get(url).content.decode()


def test_a_board_meeting_is_published_as_a_public_meeting_from_its_page(client, world, places):
    from plantrack.governance import services as governance

    admin = make_user("admin-board", is_superuser=True)
    body = governance.body_create(actor=admin, name="Safer Barnet Board", organisation=world.force)
    meeting = governance.meeting_create(
        actor=admin,
        body=body,
        date=timezone.localdate() + dt.timedelta(days=21),
        title="Safer Barnet Board",
        location="Hendon Town Hall",
    )
    client.force_login(admin)
    page = client.get(reverse("governance:meeting", args=[meeting.pk])).content.decode()
    url = reverse("public:event_create") + f"?meeting={meeting.pk}"
    assert url.replace("&", "&amp;") in page or url in page
    form = client.get(url).content.decode()
    assert "Hendon Town Hall" in form and "A meeting of Safer Barnet Board" in form
    data = {
        "organisation": world.force.pk,
        "area": places.borough.pk,
        "title": "Safer Barnet Board",
        "purpose": "The partnership's quarterly meeting, open to the public",
        "place": "Hendon Town Hall",
        "date": meeting.date.isoformat(),
        "start": "18:00",
    }
    assert client.post(url, data).status_code == 302
    event = Event.objects.get()
    assert event.kind == Event.Kind.MEETING and event.meeting == meeting


def test_an_event_of_an_activity_is_changed_only_by_who_may_edit_the_activity(world, places):
    from plantrack.engagement import services as engagement

    admin = make_user("admin-register", is_superuser=True)
    register = engagement.register_create(actor=admin, organisation=world.force, title="Register")
    activity = engagement.activity_create(actor=admin, register=register, title="Vans")
    event = services.event_publish(
        actor=admin,
        organisation=world.force,
        area=places.ward,
        title="Van",
        purpose="Meet the team",
        place="High street",
        starts_at=timezone.now() + dt.timedelta(days=9),
        activity=activity,
    )
    # The manager belongs to the force but does not run the register.
    with pytest.raises(PermissionDenied, match="edit the activity"):
        services.event_update(actor=world.manager, event=event, title="Moved")
    with pytest.raises(PermissionDenied, match="edit the activity"):
        services.event_cancel(actor=world.manager, event=event, reason="Rain")


def test_cached_events_pages_ignore_what_they_do_not_read(client, world, places, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "q"}
    }
    _publish(world, places.ward, 5, title="First van")
    url = reverse("public:area_events", args=[places.borough.pk])
    client.get(url, {"utm": "ATTACKER", "ward": "x"})
    body = client.get(url).content.decode()
    assert "ATTACKER" not in body and "First van" in body
