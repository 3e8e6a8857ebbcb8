"""The evaluation page: who reads it, its choices, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.core.tests.factories import make_measure, make_user
from plantrack.directory.models import Membership
from plantrack.engagement import services
from plantrack.engagement.models import (
    Activity,
    ActivityUpdate,
    Community,
    Method,
    Outcome,
    Output,
)
from plantrack.measures import services as measure_services
from plantrack.plans.selectors import today

pytestmark = pytest.mark.django_db


def _url(eng) -> str:
    return reverse("engagement:evaluate", args=[eng.register.pk])


def _get(client, user, eng, **query):
    client.force_login(user)
    return client.get(_url(eng), query)


def test_a_member_reads_the_evaluation(client, world, eng):
    services.output_record(
        actor=world.manager, activity=eng.activity, kind="people_reached", count=40, area=eng.ward
    )
    response = _get(client, world.viewer, eng, area=eng.barnet.pk, period="Q3 2025/26")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Evaluation: Q3 2025/26" in html and "October to December 2025" in html
    assert "Barnet (SX)" in html and '<option value="2025/26-Q3" selected>' in html
    for heading in ('id="quantity"', 'id="spread"', 'id="quality"', 'id="benefits"'):
        assert heading in html
    assert "people reached" in html and ">40<" in html
    assert 'id="quality-rule"' in html and "minimum standards" in html
    assert "Colindale North" in html  # the ward of Barnet with no activity
    assert html.count('class="app-chart"') >= 3 and "<svg" in html


def test_the_register_page_links_to_it(client, world, eng):
    client.force_login(world.viewer)
    html = client.get(reverse("engagement:register", args=[eng.register.pk])).content.decode()
    assert f'href="{_url(eng)}"' in html


def test_the_owner_of_an_activity_reads_it(client, world, eng):
    assert _get(client, world.owner, eng).status_code == 200


def test_the_default_is_this_financial_year_everywhere(client, world, eng):
    html = _get(client, world.manager, eng).content.decode()
    year = today().year if today().month >= 4 else today().year - 1
    label = f"{year}/{(year + 1) % 100:02d}"
    assert f"Evaluation: {label}" in html and "All areas" in html
    # An area chosen without a period: this year shows as chosen, not the first offered.
    html = _get(client, world.manager, eng, area=eng.barnet.pk).content.decode()
    assert f'<option value="{label}" selected>' in html


def test_an_outsider_gets_404(client, world, eng):
    assert _get(client, world.outsider, eng).status_code == 404


def test_wrong_method(client, world, eng):
    client.force_login(world.manager)
    assert client.post(_url(eng)).status_code == 405


def test_bad_choices_are_said_and_defaults_used(client, world, eng):
    response = _get(client, world.viewer, eng, area="999999", period="sometime")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "is not a financial year" in html
    assert "All areas" in html


def test_an_older_year_can_be_asked_for(client, world, eng):
    html = _get(client, world.viewer, eng, period="2012/13").content.decode()
    assert "Evaluation: 2012/13" in html and '<option value="2012/13" selected>' in html


def test_benefits_show_only_measures_of_plans_the_reader_sees(client, world, eng):
    measure = make_measure(world, since=dt.date(2025, 4, 1))
    measure_services.reading_record(
        actor=world.manager, measure=measure, value=5, date=dt.date(2025, 5, 1)
    )
    services.activity_update(actor=world.manager, activity=eng.owned, actions=[world.action])
    html = _get(client, world.manager, eng, period="2025/26").content.decode()
    assert "Volunteers recruited" in html
    # A member of the force reads the register but holds no role on the restricted plan.
    member = make_user("member")
    Membership.objects.create(user=member, organisation=world.force)
    html = _get(client, member, eng, period="2025/26").content.decode()
    assert "Volunteers recruited" not in html and world.plan.title not in html


# --- Queries --------------------------------------------------------------------------------


def _grow(world, eng, total: int) -> None:
    """Bulk-add activities, each with areas, methods, communities, outputs, an outcome, an
    update and a link to the owner's action (which has a measure with readings); every
    third completed."""
    areas = [eng.ward, eng.other_ward, eng.brent]
    methods = list(Method.objects.all()[:3])
    communities = [Community.objects.get_or_create(name=f"Community {i}")[0] for i in range(3)]
    activities = Activity.objects.bulk_create(
        Activity(
            register=eng.register,
            group=eng.group,
            title=f"Activity {i}",
            status="completed" if i % 3 == 0 else "running",
            level=["inform", "consult", "involve"][i % 3],
            aim="An aim" if i % 2 else "",
            cost_amount=Decimal(100 + i),
            cost_period="year" if i % 2 else "one-off",
            position=100 + i,
        )
        for i in range(total - Activity.objects.filter(register=eng.register).count())
    )
    through = Activity.areas.through
    through.objects.bulk_create(
        through(activity=a, area=areas[i % 3]) for i, a in enumerate(activities)
    )
    Activity.methods.through.objects.bulk_create(
        Activity.methods.through(activity=a, method=methods[i % 3])
        for i, a in enumerate(activities)
    )
    Activity.communities.through.objects.bulk_create(
        Activity.communities.through(activity=a, community=communities[i % 3])
        for i, a in enumerate(activities)
    )
    Activity.actions.through.objects.bulk_create(
        Activity.actions.through(activity=a, action=world.action) for a in activities
    )
    Output.objects.bulk_create(
        Output(activity=a, kind=kind, count=10, area=areas[i % 3] if i % 2 else None)
        for i, a in enumerate(activities)
        for kind in ("people_reached", "sessions")
    )
    Outcome.objects.bulk_create(Outcome(activity=a, you_said="s", we_did="d") for a in activities)
    ActivityUpdate.objects.bulk_create(
        ActivityUpdate(activity=a, date=dt.date(2025, 5, 1), narrative="n") for a in activities
    )


def _count(client, eng, **query) -> int:
    client.get(_url(eng), query)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(_url(eng), query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "query",
    [{}, {"area": "barnet", "group": "group", "period": "Q3 2025/26"}],
    ids=["everything", "borough-group-quarter"],
)
def test_the_same_number_of_queries_for_5_and_60_activities(client, world, eng, query):
    measure = make_measure(world, since=dt.date(2025, 4, 1))
    measure_services.reading_record(
        actor=world.manager, measure=measure, value=5, date=dt.date(2025, 5, 1)
    )
    if "area" in query:
        query = {**query, "area": eng.barnet.pk, "group": eng.group.pk}
    client.force_login(world.manager)
    _grow(world, eng, 5)
    few = _count(client, eng, **query)
    _grow(world, eng, 60)
    many = _count(client, eng, **query)
    assert Activity.objects.filter(register=eng.register).count() == 60
    assert few == many, (few, many)
    print(f"evaluation page {query or 'default'}: {few} queries for 5 and for 60 activities")


def test_the_quality_table_lists_the_lowest_scoring_few(client, world, eng, monkeypatch):
    from plantrack.engagement.evaluation.results import Quality

    monkeypatch.setattr(Quality, "LISTED", 1)
    for title, aim in (("Leaflet drop", ""), ("Ward panel", "Hear the ward's priorities")):
        services.activity_create(
            actor=world.manager,
            register=eng.register,
            title=title,
            aim=aim,
            level="inform",
            start_text="May 2025",
            end_text="June 2025",
            status="completed",
        )
    html = _get(client, world.viewer, eng, period="2025/26").content.decode()
    assert "The 1 lowest-scoring of 2 completed activities" in html
    table = html[html.index('id="scored"') :]
    assert "Leaflet drop" in table and "Ward panel" not in table
