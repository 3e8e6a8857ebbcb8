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


def test_an_open_return_is_in_its_assessors_digest_until_submitted(world, cw, mailoutbox):
    """The Barnet assessor, who owns no action, gets a digest listing the return, its due
    date and where it has got to; once submitted it is the reviewers' and leaves the digest.
    Brent's assessor has no directory entry: no digest (as for every other item)."""
    from plantrack.core.tests.factories import make_person
    from plantrack.reminders import digest

    type(cw.barnet_assessor).objects.filter(pk=cw.barnet_assessor.pk).update(
        email="bea@barnet.example.org"
    )
    make_person(user=cw.barnet_assessor, name="Bea Spoc")
    on = dt.date(2026, 7, 6)  # a Monday, a week after the due date
    reminders.reminders_send(on=on)
    (message,) = [m for m in mailoutbox if m.to == ["bea@barnet.example.org"]]
    assert message.subject == "PlanTrack: 1 self-assessment return needs your attention"
    assert "Self-assessment returns" in message.body
    assert (
        "Barnet BOCU: Good practice check list for borough schemes – 2026/27 self-assessment "
        "(not started, overdue since 30 Jun 2026)"
    ) in message.body
    assert f"/assessments/returns/{cw.barnet.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Self-assessment returns</h2>" in html and "overdue since 30 Jun 2026" in html

    for item in cw.cycle.framework.items.all():
        cycles.answer_save(actor=cw.barnet_assessor, unit=cw.barnet, item=item, level="planned")
    cycles.unit_submit(actor=cw.barnet_assessor, unit=cw.barnet)
    gathered = digest.gather(on)
    assert not any(r.returns for r in gathered.recipients)


def test_the_digest_names_returns_with_actions_and_follow_ups():
    from plantrack.reminders.digest import attention

    assert attention(0, 0, 2) == ("2 self-assessment returns", "need")
    assert attention(1, 0, 1) == ("1 action and 1 self-assessment return", "need")
    assert attention(2, 1, 1) == ("2 actions, 1 follow-up and 1 self-assessment return", "need")
    assert attention(0, 1) == ("1 follow-up", "needs")
