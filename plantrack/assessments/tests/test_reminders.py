"""Open returns in their assessors' calendar feeds, and chasing overdue ones."""

from __future__ import annotations

import datetime as dt

import pytest
from icalendar import Calendar

from plantrack.assessments import cycles
from plantrack.reminders import services as reminders

pytestmark = pytest.mark.django_db


def _events(client, feed) -> dict:
    response = client.get(f"/reminders/calendar/{feed.token}.ics")
    assert response.status_code == 200
    return {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.mark.usefixtures("real_cache")
def test_an_open_return_is_in_its_assessors_calendar_until_submitted(client, world, cw):
    feed = reminders.feed_create(actor=cw.barnet_assessor, scope="user")
    events = _events(client, feed)
    event = events[f"return-{cw.barnet.pk}@plantrack"]
    assert str(event["SUMMARY"]) == "Return due: Barnet BOCU, 2026/27 self-assessment"
    assert event.decoded("DTSTART") == dt.date(2026, 6, 30)
    assert str(event["URL"]).endswith(f"/assessments/returns/{cw.barnet.pk}/")
    assert f"return-{cw.brent.pk}@plantrack" not in events  # another borough's
    for item in cw.cycle.framework.items.all():
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level="planned")
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    assert f"return-{cw.barnet.pk}@plantrack" not in _events(client, feed)


def test_the_keeper_chases_a_return_not_yet_submitted(
    client, world, cw, mailoutbox, django_capture_on_commit_callbacks
):
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.urls import reverse

    type(cw.barnet_assessor).objects.filter(pk=cw.barnet_assessor.pk).update(
        email="bea@barnet.example.org"
    )
    client.force_login(world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(reverse("assessments:unit_chase", args=[cw.barnet.pk]), follow=True)
    assert "chased (bea@barnet.example.org)" in r.content.decode()
    (message,) = mailoutbox
    assert message.to == ["bea@barnet.example.org"]
    assert "Barnet BOCU's return for 2026/27 self-assessment" in message.subject
    assert f"/assessments/returns/{cw.barnet.pk}/" in message.body
    cw.barnet.refresh_from_db()
    assert cw.barnet.chased_at is not None
    with pytest.raises(ValidationError, match="no assessor with an email"):
        cycles.unit_chase(actor=world.manager, unit=cw.brent)
    with pytest.raises(PermissionDenied):
        cycles.unit_chase(actor=cw.brent_assessor, unit=cw.barnet)
