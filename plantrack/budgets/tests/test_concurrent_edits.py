"""Two managers editing one budget line: the second save shows the first one's change instead
of silently overwriting it (core/concurrency.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.budgets.models import BudgetLine
from plantrack.budgets.tests.helpers import make_line
from plantrack.core.tests.factories import make_user
from plantrack.core.tests.pages import edit_race, form_data
from plantrack.plans.services import plan_role_set

pytestmark = pytest.mark.django_db


def test_second_save_of_a_budget_line_shows_the_first_and_loses_nothing(client, world):
    line = make_line(world, name="Coordinator")
    second = make_user("second", first_name="Sid", last_name="Second")
    plan_role_set(actor=world.manager, plan=world.plan, user=second, role="manager")
    url = reverse("budgets:line_edit", args=[line.pk])
    # The second manager renames the line while the first, on the page opened before, changes
    # the assumption only.
    response = edit_race(
        client,
        url,
        first=world.manager,
        second=second,
        theirs={"name": "Youth coordinator"},
        mine={"assumption": "0.5 FTE at £45k"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this while you were editing it" in page
    assert "Someone else changed this to “Youth coordinator”" in page
    line.refresh_from_db()
    assert (line.name, line.assumption) == ("Youth coordinator", "")

    # The form now holds their name and my assumption; saving again keeps both.
    again = form_data(response)
    assert (again["name"], again["assumption"]) == ("Youth coordinator", "0.5 FTE at £45k")
    assert client.post(url, again).status_code == 302
    line = BudgetLine.objects.get(pk=line.pk)
    assert (line.name, line.assumption) == ("Youth coordinator", "0.5 FTE at £45k")
