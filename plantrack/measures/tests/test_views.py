from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from plantrack.core.tests.factories import make_action
from plantrack.measures import services
from plantrack.measures.models import Benefit, Measure, Reading
from plantrack.plans.models import Action, Plan

pytestmark = pytest.mark.django_db
D = dt.date


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def _post(client, user, url, data=None, **kwargs):
    client.force_login(user)
    return client.post(url, data or {}, **kwargs)


def _urls(world, measure) -> dict[str, str]:
    benefit = services.benefit_create(actor=world.manager, plan=world.plan, title="Savings")
    target = measure.targets.get()
    return {
        "plan": reverse("measures:plan", args=[world.plan.pk]),
        "create": reverse("measures:create", args=[world.plan.pk]),
        "suggestions": reverse("measures:suggestions", args=[world.plan.pk]),
        "benefits": reverse("measures:benefits", args=[world.plan.pk]),
        "benefit_create": reverse("measures:benefit_create", args=[world.plan.pk]),
        "benefit_edit": reverse("measures:benefit_edit", args=[benefit.pk]),
        "benefit_realise": reverse("measures:benefit_realise", args=[benefit.pk]),
        "detail": reverse("measures:detail", args=[measure.pk]),
        "chart": reverse("measures:chart", args=[measure.pk]),
        "edit": reverse("measures:edit", args=[measure.pk]),
        "target_add": reverse("measures:target_add", args=[measure.pk]),
        "reading_create": reverse("measures:reading_create", args=[measure.pk]),
        "readings_upload": reverse("measures:readings_upload", args=[measure.pk]),
        "target_remove": reverse("measures:target_remove", args=[target.pk]),
        "suggestion_confirm": reverse("measures:suggestion_confirm", args=[world.plan.pk]),
        "suggestion_dismiss": reverse("measures:suggestion_dismiss", args=[world.plan.pk]),
    }


POST_ONLY = {"target_remove", "suggestion_confirm", "suggestion_dismiss"}
READ_ONLY_OK = {"plan", "detail", "chart", "benefits"}


def test_outsider_gets_404_everywhere(client, world, measure):
    for name, url in _urls(world, measure).items():
        method = _post if name in POST_ONLY else _get
        assert method(client, world.outsider, url).status_code == 404, name


def test_viewer_reads_but_cannot_change(client, world, measure):
    for name, url in _urls(world, measure).items():
        if name in POST_ONLY:
            assert _post(client, world.viewer, url).status_code == 403, name
        elif name in READ_ONLY_OK:
            assert _get(client, world.viewer, url).status_code == 200, name
        else:
            assert _get(client, world.viewer, url).status_code == 403, name
            if name != "suggestions":  # a page only: confirm and dismiss are posted elsewhere
                assert _post(client, world.viewer, url).status_code == 403, name
    assert not Reading.objects.exists()


def test_wrong_methods(client, world, measure):
    urls = _urls(world, measure)
    for name in POST_ONLY:
        assert _get(client, world.manager, urls[name]).status_code == 405, name
    for name in (*READ_ONLY_OK, "suggestions"):
        assert _post(client, world.manager, urls[name]).status_code == 405, name


def test_anonymous_is_sent_to_sign_in(client, world, measure):
    response = client.get(reverse("measures:detail", args=[measure.pk]))
    assert response.status_code == 302


def test_plan_measures_page(client, world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="50", date=D(2024, 6, 1))
    body = _get(client, world.viewer, reverse("measures:plan", args=[world.plan.pk])).content
    body = body.decode()
    assert "Volunteers recruited" in body and "On track" in body
    assert "<svg" in body and 'role="img"' in body
    assert "Add a measure" not in body  # read-only


def test_measure_page_shows_chart_table_rule_and_history(client, world, measure):
    services.reading_record(actor=world.owner, measure=measure, value="7", date=D(2024, 6, 1))
    body = _get(client, world.owner, reverse("measures:detail", args=[measure.pk])).content
    body = body.decode()
    assert ("<svg" in body and "The chart&#x27;s data" in body) or "The chart's data" in body
    assert "Off track" in body and "How the status is worked out" in body
    assert "Record reading" in body  # the owner of the action may record
    assert "Reading 7 on" in body  # the audit history
    assert "Edit measure" not in body


def test_chart_endpoint_is_svg(client, world, measure):
    response = _get(client, world.viewer, reverse("measures:chart", args=[measure.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    ET.fromstring(response.content)


def test_manager_creates_a_measure_with_a_first_target(client, world):
    response = _post(
        client,
        world.manager,
        reverse("measures:create", args=[world.plan.pk]),
        {
            "name": "Cohort size",
            "unit": "count",
            "direction": "increase",
            "action": world.action.pk,
            "baseline_value": "97",
            "baseline_date": "2013-04-01",
            "tolerance_percent": "10",
            "target_value": "200",
            "target_date": "2014-03-31",
            "target_date_text": "in 2013/14",
        },
    )
    measure = Measure.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{measure.pk}/")
    assert measure.targets.get().value == 200


def test_create_form_errors_are_shown_not_raised(client, world):
    response = _post(
        client,
        world.manager,
        reverse("measures:create", args=[world.plan.pk]),
        {
            "name": "Bad",
            "unit": "count",
            "direction": "increase",
            "tolerance_percent": "10",
            "baseline_value": "50",
            "target_value": "10",
            "target_date": "2030-01-01",
        },
    )
    assert response.status_code == 200
    assert "below the baseline" in response.content.decode()
    assert not Measure.objects.exists()


def test_owner_records_a_reading(client, world, measure):
    url = reverse("measures:reading_create", args=[measure.pk])
    response = _post(client, world.owner, url, {"date": "2024-05-01", "value": "30", "note": "Q1"})
    assert response.status_code == 302
    assert Reading.objects.get().value == 30


@pytest.mark.parametrize(
    ("value", "day", "message"),
    [
        ("thirty", "2024-05-01", "is not a number"),
        ("-1", "2024-05-01", "cannot be negative"),
        ("3", "2023-01-01", "before the baseline"),
        ("3", "2999-01-01", "in the future"),
    ],
)
def test_bad_reading_shows_one_line_error(client, world, measure, value, day, message):
    url = reverse("measures:reading_create", args=[measure.pk])
    response = _post(client, world.owner, url, {"date": day, "value": value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert not Reading.objects.exists()


def test_bulk_upload_page(client, world, measure):
    url = reverse("measures:readings_upload", args=[measure.pk])
    good = SimpleUploadedFile("r.csv", b"date,value\n2024-02-01,5\n2024-03-01,9\n")
    response = _post(client, world.owner, url, {"file": good})
    # An upload is an import job: read, previewed (nothing saved yet), then confirmed.
    assert response.status_code == 302 and not Reading.objects.exists()
    preview = client.get(response.url).content.decode()
    assert "Check the readings" in preview and "1 Feb 2024" in preview
    confirm = re.search(r'action="([^"]+/confirm/)"', preview).group(1)
    response = client.post(confirm)
    assert response.status_code == 302 and Reading.objects.count() == 2
    assert response.url == reverse("measures:detail", args=[measure.pk])
    bad = SimpleUploadedFile("r.csv", b"date,value\n2024-04-01,5\n2024-05-01,x\n")
    response = _post(client, world.owner, url, {"file": bad})
    assert response.status_code == 200
    assert "Row 3:" in response.content.decode()
    assert Reading.objects.count() == 2


def test_suggestions_page_confirm_and_dismiss(client, world):
    action = make_action(
        world.plan, world.manager, title="Target 30k sign-ups by Dec 22. Recruit 15 volunteers."
    )
    url = reverse("measures:suggestions", args=[world.plan.pk])
    body = _get(client, world.manager, url).content.decode()
    assert "Target 30k sign-ups by Dec 22" in body and "Recruit 15 volunteers" in body
    response = _post(
        client,
        world.manager,
        reverse("measures:suggestion_confirm", args=[world.plan.pk]),
        {
            "action": action.pk,
            "index": 0,
            "phrase": "Target 30k sign-ups by Dec 22",
            "name": "NM sign-ups",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert measure.name == "NM sign-ups" and measure.targets.get().value == Decimal(30000)
    _post(
        client,
        world.manager,
        reverse("measures:suggestion_dismiss", args=[world.plan.pk]),
        {"action": action.pk, "index": 1, "phrase": "Recruit 15 volunteers"},
    )
    body = _get(client, world.manager, url).content.decode()
    assert "Recruit 15 volunteers" not in body and "Target 30k" not in body
    assert Measure.objects.count() == 1


def test_suggestion_for_an_action_of_another_plan_is_404(client, world):
    from plantrack.core.tests.factories import make_plan

    other = make_plan(world.manager, world.force)
    stray = make_action(other, world.manager, title="Recruit 15 volunteers")
    response = _post(
        client,
        world.manager,
        reverse("measures:suggestion_confirm", args=[world.plan.pk]),
        {"action": stray.pk, "index": 0, "phrase": "Recruit 15 volunteers"},
    )
    assert response.status_code == 404


def test_benefits_pages(client, world, measure):
    response = _post(
        client,
        world.manager,
        reverse("measures:benefit_create", args=[world.plan.pk]),
        {
            "title": "Fewer court days",
            "kind": "financial",
            "expected_value": "15000",
            "expected_text": "2014/15",
            "measure": measure.pk,
        },
    )
    assert response.status_code == 302
    benefit = Benefit.objects.get()
    response = _post(
        client,
        world.manager,
        reverse("measures:benefit_realise", args=[benefit.pk]),
        {"realised_value": "£5,000.50", "realised_on": "2024-01-01"},
    )
    assert response.status_code == 302
    body = _get(client, world.viewer, reverse("measures:benefits", args=[world.plan.pk]))
    body = body.content.decode()
    assert "£15,000" in body and "£5,000.50" in body and "Fewer court days" in body


def test_action_measures_include(world, measure):
    Plan.objects.filter(pk=world.plan.pk).update(measures_suggest_rag=True)
    services.reading_record(actor=world.owner, measure=measure, value="1", date=D(2024, 12, 1))
    action = Action.objects.select_related("plan").get(pk=world.action.pk)
    html = Template("{% load measures_tags %}{% action_measures action %}").render(
        Context({"action": action})
    )
    assert "Volunteers recruited" in html and "Off track" in html
    assert "Suggested RAG" in html and "Red" in html
