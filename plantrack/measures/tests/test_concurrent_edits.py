"""Two managers editing one measure: the second save shows the first one's change instead of
silently overwriting it (core/concurrency.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.core.tests.factories import make_user
from plantrack.core.tests.pages import edit_race, form_data
from plantrack.measures.models import Measure
from plantrack.plans.services import plan_role_set

pytestmark = pytest.mark.django_db


def test_second_save_of_a_measure_shows_the_first_and_loses_nothing(client, world, measure):
    second = make_user("second", first_name="Sid", last_name="Second")
    plan_role_set(actor=world.manager, plan=world.plan, user=second, role="manager")
    url = reverse("measures:edit", args=[measure.pk])
    # The second manager renames the measure while the first, on the page opened before,
    # changes the description only.
    response = edit_race(
        client,
        url,
        first=world.manager,
        second=second,
        theirs={"name": "Volunteers trained"},
        mine={"description": "Counted at each quarter's end"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this while you were editing it" in page
    assert "Someone else changed this to “Volunteers trained”" in page
    measure.refresh_from_db()
    assert (measure.name, measure.description) == ("Volunteers trained", "")

    # The form now holds their name and my description; saving again keeps both.
    again = form_data(response)
    assert (again["name"], again["description"]) == (
        "Volunteers trained",
        "Counted at each quarter's end",
    )
    assert client.post(url, again).status_code == 302
    measure = Measure.objects.get(pk=measure.pk)
    assert (measure.name, measure.description) == (
        "Volunteers trained",
        "Counted at each quarter's end",
    )
