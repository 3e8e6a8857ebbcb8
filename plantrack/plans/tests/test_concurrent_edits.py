"""Two people editing one action or plan: the second save no longer silently discards the first
one's change (issue 10, F6)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.core.tests.factories import make_user
from plantrack.core.tests.pages import edit_race, form_data
from plantrack.plans import services
from plantrack.plans.models import Action, Plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_manager(world):
    other = make_user("second", first_name="Sid", last_name="Second")
    services.plan_role_set(actor=world.manager, plan=world.plan, user=other, role="manager")
    return other


def test_second_save_of_an_action_shows_the_first_and_loses_nothing(client, world, second_manager):
    url = reverse("plans:action_edit", args=[world.action.pk])
    client.force_login(world.manager)
    mine = form_data(client.get(url))

    # Meanwhile the second manager changes the title and posts an update setting the RAG.
    client.force_login(second_manager)
    theirs = form_data(client.get(url))
    theirs["title"] = "Create a youth policy"
    assert client.post(url, theirs).status_code == 302
    services.update_post(actor=second_manager, action=world.action, narrative="Late", rag="red")

    # The first manager, on the page opened before, changes the description only.
    client.force_login(world.manager)
    mine["description"] = "Agree it with the youth panel"
    response = client.post(url, mine)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this while you were editing it" in page
    assert "Someone else changed this to “Create a youth policy”" in page
    assert "Someone else changed this to “Red”" in page
    action = Action.objects.get(pk=world.action.pk)
    assert (action.title, action.rag, action.description) == ("Create a youth policy", "red", "")

    # The form now holds their title and RAG and my description; saving again keeps all three.
    again = form_data(response)
    assert again["title"] == "Create a youth policy" and again["rag"] == "red"
    assert again["description"] == "Agree it with the youth panel"
    assert client.post(url, again).status_code == 302
    action = Action.objects.get(pk=world.action.pk)
    assert (action.title, action.rag, action.description) == (
        "Create a youth policy",
        "red",
        "Agree it with the youth panel",
    )


def test_both_changing_one_field_keeps_mine_in_the_form_and_shows_theirs(
    client, world, second_manager
):
    url = reverse("plans:edit", args=[world.plan.pk])
    response = edit_race(
        client,
        url,
        first=world.manager,
        second=second_manager,
        theirs={"title": "Youth Strategy (theirs)"},
        mine={"title": "Youth Strategy (mine)"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this to “Youth Strategy (theirs)”" in page
    assert "save again to keep it" in page
    assert Plan.objects.get(pk=world.plan.pk).title == "Youth Strategy (theirs)"
    again = form_data(response)
    assert again["title"] == "Youth Strategy (mine)"
    assert client.post(url, again).status_code == 302
    assert Plan.objects.get(pk=world.plan.pk).title == "Youth Strategy (mine)"


def test_an_unchanged_resubmission_and_a_fresh_form_save_normally(client, world):
    url = reverse("plans:action_edit", args=[world.action.pk])
    client.force_login(world.manager)
    data = form_data(client.get(url))
    data["title"] = "First"
    assert client.post(url, data).status_code == 302
    data = form_data(client.get(url))
    data["title"] = "Second"
    assert client.post(url, data).status_code == 302
    assert Action.objects.get(pk=world.action.pk).title == "Second"
