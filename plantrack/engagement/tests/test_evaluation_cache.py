"""The evaluation page's body is cached (engagement/evaluation/render.py): served again without
computing it, and every kind of change shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_measure, make_user
from plantrack.directory import services as directory_services
from plantrack.directory.models import Membership
from plantrack.engagement import services
from plantrack.engagement.models import Community
from plantrack.measures import services as measure_services

pytestmark = pytest.mark.django_db

FY = {"period": "2025/26"}


def _page(client, user, eng, **query) -> str:
    client.force_login(user)
    response = client.get(reverse("engagement:evaluate", args=[eng.register.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, eng, **query) -> int:
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("engagement:evaluate", args=[eng.register.pk]), query)
    return len(ctx.captured_queries)


def test_the_body_is_served_from_the_cache(client, world, eng, real_cache):
    _page(client, world.manager, eng, **FY)
    first = _queries(client, eng, period="2024/25")
    again = _queries(client, eng, period="2024/25")
    assert again <= first - 8, (first, again)  # the evaluation's own queries are not run


def test_what_the_register_records_shows_at_once(client, world, eng, real_cache):
    assert ">0<" in _page(client, world.manager, eng, **FY).split("people reached")[0][-60:]
    services.output_record(
        actor=world.manager, activity=eng.activity, kind="people_reached", count=321
    )
    assert "321" in _page(client, world.manager, eng, **FY)
    services.outcome_record(actor=world.manager, activity=eng.owned, you_said="s", we_did="d")
    services.activity_update(
        actor=world.manager, activity=eng.owned, title="Cadet scheme", status="completed"
    )
    assert "Cadet scheme" in _page(client, world.manager, eng, **FY)  # scored once completed


def test_a_new_or_renamed_place_shows_at_once(client, world, eng, real_cache):
    assert "Camden" not in _page(client, world.manager, eng, area=eng.force_area.pk, **FY)
    camden = directory_services.area_create(
        actor=eng.admin, name="Camden", level="borough", parent=eng.force_area
    )
    assert "Camden" in _page(client, world.manager, eng, area=eng.force_area.pk, **FY)
    directory_services.area_update(actor=eng.admin, area=camden, name="Camden Town")
    assert "Camden Town" in _page(client, world.manager, eng, area=eng.force_area.pk, **FY)


def test_benefits_follow_readings_and_who_reads(client, world, eng, real_cache):
    measure = make_measure(world, since=dt.date(2025, 4, 1))
    measure_services.reading_record(
        actor=world.manager, measure=measure, value=5, date=dt.date(2025, 5, 1)
    )
    services.activity_update(actor=world.manager, activity=eng.owned, actions=[world.action])
    member = make_user("member")  # reads the register, not the restricted plan
    Membership.objects.create(user=member, organisation=world.force)
    assert "Volunteers recruited" not in _page(client, member, eng, **FY)
    assert "Volunteers recruited" in _page(client, world.manager, eng, **FY)
    assert "Volunteers recruited" not in _page(client, member, eng, **FY)
    measure_services.reading_record(
        actor=world.manager, measure=measure, value=47, date=dt.date(2025, 6, 1)
    )
    assert "+47" in _page(client, world.manager, eng, **FY)  # from the baseline of 0


def test_a_community_renamed_by_an_administrator_shows_at_once(client, world, eng, real_cache):
    youth, _ = Community.objects.get_or_create(name="Young people 14-25")
    services.activity_update(actor=world.manager, activity=eng.owned, communities=[youth])
    assert "Young people 14-25" in _page(client, world.manager, eng, **FY)
    client.force_login(eng.admin)  # the admin site saves through services.list_entry_save
    change = reverse("admin:engagement_community_change", args=[youth.pk])
    response = client.post(change, {"name": "Youth (14 to 25)", "active": "on"})
    assert response.status_code == 302
    html = _page(client, world.manager, eng, **FY)
    assert "Young people 14-25" not in html and "Youth (14 to 25)" in html
