from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.core.tests.factories import make_action
from plantrack.directory.models import Membership
from plantrack.plans.models import Action, Plan, Update

pytestmark = pytest.mark.django_db


def _get(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(reverse("plans:detail", args=[world.plan.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_home_shows_my_actions_plans_and_recent_updates(client, world):
    response = _get(client, world.owner, reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "YC/INT/1" in body and "Create a policy" in body
    assert "Youth Strategy" in body
    assert "YC/INT/2" not in body  # not theirs


def test_plan_page_lists_sections_and_actions(client, world):
    response = _get(client, world.viewer, reverse("plans:detail", args=[world.plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Intelligence" in body and "YC/INT/1" in body and "YC/INT/2" in body
    assert "March 2004" in body
    assert "Add an action" not in body  # read-only


def test_plan_page_filters_without_javascript(client, world):
    Action.objects.filter(pk=world.action.pk).update(rag="red")
    url = reverse("plans:detail", args=[world.plan.pk])
    body = _get(client, world.viewer, url, data={"rag": "red"}).content.decode()
    assert "YC/INT/1" in body and "YC/INT/2" not in body
    body = _get(client, world.viewer, url, data={"overdue": "on"}).content.decode()
    assert "YC/INT/1" in body and "YC/INT/2" not in body  # March 2004 has passed
    body = _get(client, world.viewer, url, data={"owner": world.owner_person.pk}).content.decode()
    assert "YC/INT/1" in body and "YC/INT/2" not in body


def test_plan_page_htmx_request_gets_only_the_action_list(client, world):
    url = reverse("plans:detail", args=[world.plan.pk])
    response = _get(client, world.viewer, url, data={"sort": "due"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="actions"')
    assert "<html" not in body


def test_bad_filter_values_do_not_crash(client, world):
    url = reverse("plans:detail", args=[world.plan.pk])
    response = _get(client, world.viewer, url, data={"owner": "abc", "rag": "purple", "sort": "x"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "name", ["detail", "history", "members", "edit", "action_create", "section_create"]
)
def test_outsider_gets_404_for_a_restricted_plan(client, world, name):
    response = _get(client, world.outsider, reverse(f"plans:{name}", args=[world.plan.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["action", "action_edit", "update_create", "milestone_create"])
def test_outsider_gets_404_for_actions_of_a_restricted_plan(client, world, name):
    response = _get(client, world.outsider, reverse(f"plans:{name}", args=[world.action.pk]))
    assert response.status_code == 404


def test_organisation_members_see_organisation_plans(client, world):
    Plan.objects.filter(pk=world.plan.pk).update(visibility=Plan.Visibility.ORGANISATION)
    url = reverse("plans:detail", args=[world.plan.pk])
    assert _get(client, world.outsider, url).status_code == 404
    Membership.objects.create(user=world.outsider, organisation=world.force)
    assert _get(client, world.outsider, url).status_code == 200


def test_viewer_cannot_open_edit_pages(client, world):
    for url in (
        reverse("plans:edit", args=[world.plan.pk]),
        reverse("plans:action_edit", args=[world.action.pk]),
        reverse("plans:update_create", args=[world.action.pk]),
    ):
        assert _get(client, world.viewer, url).status_code == 403


def test_owner_posts_an_update(client, world):
    client.force_login(world.owner)
    url = reverse("plans:update_create", args=[world.action.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "date": page.context["form"].initial["date"].isoformat(),
            "rag": "amber",
            "status": "in_progress",
            "narrative": "Draft policy circulated",
        },
    )
    assert response.status_code == 302
    action_page = client.get(response["Location"]).content.decode()
    assert "Draft policy circulated" in action_page
    assert Action.objects.get(pk=world.action.pk).rag == "amber"


def test_invalid_update_shows_errors_and_saves_nothing(client, world):
    client.force_login(world.owner)
    url = reverse("plans:update_create", args=[world.action.pk])
    response = client.post(
        url, {"date": "2999-01-01", "rag": "amber", "status": "in_progress", "narrative": "Future"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Update.objects.exists()


def test_viewer_cannot_post_an_update(client, world):
    client.force_login(world.viewer)
    response = client.post(
        reverse("plans:update_create", args=[world.action.pk]),
        {"date": "2026-01-01", "rag": "red", "status": "in_progress", "narrative": "x"},
    )
    assert response.status_code == 403
    assert not Update.objects.exists()


@pytest.mark.parametrize(
    ("name", "method"),
    [("detail", "post"), ("history", "post"), ("member_remove", "get")],
)
def test_wrong_method_is_refused(client, world, name, method):
    client.force_login(world.manager)
    args = [world.plan.pk, world.viewer.pk] if name == "member_remove" else [world.plan.pk]
    response = getattr(client, method)(reverse(f"plans:{name}", args=args))
    assert response.status_code == 405


def test_wrong_method_on_action_pages(client, world):
    client.force_login(world.manager)
    assert client.post(reverse("plans:action", args=[world.action.pk])).status_code == 405
    assert client.put(reverse("plans:update_create", args=[world.action.pk])).status_code == 405


def test_manager_creates_a_plan_section_and_action(client, world):
    client.force_login(world.manager)
    response = client.post(
        reverse("plans:create"),
        {
            "title": "Community Charter",
            "kind": "delivery_plan",
            "owner_organisation": world.force.pk,
            "status": "active",
            "visibility": "organisation",
            "update_interval_days": 30,
            "period_text": "2022/23",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    plan = Plan.objects.get(title="Community Charter")
    assert plan.period_earliest.isoformat() == "2022-04-01"
    client.post(reverse("plans:section_create", args=[plan.pk]), {"title": "Prevention"})
    section = plan.sections.get()
    response = client.post(
        reverse("plans:action_create", args=[plan.pk]),
        {
            "section": section.pk,
            "ref": "8",
            "title": "Own safer roads",
            "status": "ongoing",
            "rag": "amber",
            "due_text": "Ongoing",
            "owners": [world.owner_person.pk],
            "lead_organisations": [world.force.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    action = plan.actions.get()
    assert action.due_kind == "ongoing"
    assert list(action.owners.all()) == [world.owner_person]


def test_manager_edits_an_action_and_the_page_shows_the_history(client, world):
    client.force_login(world.manager)
    url = reverse("plans:action_edit", args=[world.action.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        title="Create a youth policy",
        section=world.section.pk,
        status="in_progress",
        owners=[world.owner_person.pk],
        lead_organisations=[world.force.pk],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    page = client.get(reverse("plans:action", args=[world.action.pk])).content.decode()
    assert "Create a youth policy" in page
    assert "Mary Manager" in page  # who made the change, in the history panel
    history = client.get(reverse("plans:history", args=[world.plan.pk])).content.decode()
    assert "Create a youth policy" in history


def test_manager_gives_and_removes_roles(client, world):
    client.force_login(world.manager)
    url = reverse("plans:members", args=[world.plan.pk])
    response = client.post(url, {"username": "outsider", "role": "viewer"})
    assert response.status_code == 302
    assert world.plan.roles.filter(user=world.outsider, role="viewer").exists()
    response = client.post(url, {"username": "nobody", "role": "viewer"})
    assert "There is no user with that username" in response.content.decode()
    client.post(reverse("plans:member_remove", args=[world.plan.pk, world.outsider.pk]))
    assert not world.plan.roles.filter(user=world.outsider).exists()


def test_viewer_cannot_change_roles(client, world):
    client.force_login(world.viewer)
    response = client.post(
        reverse("plans:members", args=[world.plan.pk]), {"username": "outsider", "role": "manager"}
    )
    assert response.status_code == 403


def test_manager_adds_and_completes_a_milestone(client, world):
    client.force_login(world.manager)
    client.post(
        reverse("plans:milestone_create", args=[world.action.pk]),
        {"title": "Publish police notice", "due_text": "Dec 03"},
    )
    milestone = world.action.milestones.get()
    assert milestone.due_latest.isoformat() == "2003-12-31"
    url = reverse("plans:milestone_edit", args=[milestone.pk])
    client.post(url, {"title": "Publish police notice", "due_text": "Dec 03", "done": "on"})
    milestone.refresh_from_db()
    assert milestone.done
    client.force_login(world.viewer)
    assert client.get(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_manager_reorders_sections(client, world):
    from plantrack.plans.services import section_create

    second = section_create(actor=world.manager, plan=world.plan, title="Investigation")
    client.force_login(world.manager)
    client.post(
        reverse("plans:section_edit", args=[second.pk]), {"title": "Investigation", "position": 0}
    )
    titles = [s.title for s in world.plan.sections.order_by("position", "id")]
    assert titles == ["Investigation", "Intelligence"]


def test_cached_plan_page_shows_every_change(client, world, real_cache):
    from plantrack.directory.services import person_update
    from plantrack.plans.services import action_update, update_post

    client.force_login(world.viewer)
    url = reverse("plans:detail", args=[world.plan.pk])
    assert "Create a policy" in client.get(url).content.decode()
    action_update(actor=world.manager, action=world.action, title="Create a youth policy")
    assert "Create a youth policy" in client.get(url).content.decode()
    update_post(actor=world.owner, action=world.action, narrative="x", rag="red")
    assert "app-rag--red" in client.get(url, {"rag": "red"}).content.decode()
    assert "app-rag--red" in client.get(url, headers={"HX-Request": "true"}).content.decode()
    person_update(actor=world.manager, person=world.owner_person, name="Owen Renamed")
    assert "Owen Renamed" in client.get(url).content.decode()


def test_cached_plan_page_keeps_manager_links_from_viewers(client, world, real_cache):
    url = reverse("plans:detail", args=[world.plan.pk])
    client.force_login(world.manager)
    assert 'Edit<span class="govuk-visually-hidden"> section' in client.get(url).content.decode()
    client.force_login(world.viewer)
    assert 'govuk-visually-hidden"> section' not in client.get(url).content.decode()


def test_cached_my_actions_follow_updates_ownership_and_access(client, world, real_cache):
    from plantrack.core.tests.factories import make_person
    from plantrack.plans.services import action_update, plan_role_remove, update_post

    client.force_login(world.owner)
    url = reverse("plans:my_actions")
    assert "YC/INT/1" in client.get(url).content.decode()
    update_post(actor=world.owner, action=world.action, narrative="x", rag="red")
    assert "app-rag--red" in client.get(url).content.decode()
    action_update(actor=world.manager, action=world.other_action, owners=[world.owner_person])
    assert "YC/INT/2" in client.get(reverse("home")).content.decode()
    plan_role_remove(actor=world.manager, plan=world.plan, user=world.owner)
    assert "YC/INT/1" not in client.get(url).content.decode()  # restricted plan, no role now
    action_update(actor=world.manager, action=world.action, owners=[make_person()])
    assert "YC/INT/1" not in client.get(url).content.decode()


def test_cached_home_shows_new_updates_and_plan_changes(client, world, real_cache):
    from plantrack.plans.services import plan_update, update_post

    client.force_login(world.viewer)
    assert "No updates yet." in client.get(reverse("home")).content.decode()
    update_post(actor=world.owner, action=world.action, narrative="First", rag="amber")
    body = client.get(reverse("home")).content.decode()
    assert "No updates yet." not in body and "YC/INT/1" in body
    plan_update(actor=world.manager, plan=world.plan, title="Youth Strategy 2026")
    assert "Youth Strategy 2026" in client.get(reverse("home")).content.decode()


def test_owner_choices_are_the_plans_people_not_the_whole_directory(client, world):
    from plantrack.core.tests.factories import make_org, make_person

    unit = make_org("Schools team", parent=world.force)
    colleague = make_person(name="Unit Colleague", organisation=unit)
    stranger = make_person(name="Far Away", organisation=make_org("Elsewhere"))
    client.force_login(world.manager)
    form = client.get(reverse("plans:action_edit", args=[world.action.pk])).context["form"]
    choices = set(form.fields["owners"].queryset)
    assert {world.owner_person, colleague} <= choices
    assert stranger not in choices


def test_plan_history_page_shows_an_edit_to_the_plan(client, world):
    # The history page once answered 500 as soon as a plan had been edited: it read `version`,
    # which the history table does not keep.
    client.force_login(world.manager)
    url = reverse("plans:edit", args=[world.plan.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(title="Youth Strategy 2025", owner_organisation=world.force.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.get(reverse("plans:history", args=[world.plan.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Youth Strategy 2025" in body and "Youth Strategy" in body


@pytest.mark.parametrize("due", ["31 June 2027", "2027-02-30", "when funding allows"])
def test_a_deadline_that_cannot_be_read_is_kept_warned_and_listed_on_the_plan(client, world, due):
    """Issue 15, defect 6: such deadlines were saved silently and can never be overdue."""
    client.force_login(world.manager)
    response = client.post(
        reverse("plans:action_create", args=[world.plan.pk]),
        {"title": "Publish the charter", "status": "not_started", "due_text": due},
        follow=True,
    )
    body = response.content.decode()
    assert f"cannot read the deadline “{due}” as a date" in body
    assert "Important" in body
    action = world.plan.actions.get(title="Publish the charter")
    assert action.due_text == due and action.due_kind == "unknown"
    page = client.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
    assert 'id="unreadable-deadlines"' in page and f"“{due}”" in page
    assert reverse("plans:action_edit", args=[action.pk]) in page


def test_a_readable_or_tbc_deadline_is_neither_warned_nor_listed(client, world):
    client.force_login(world.manager)
    for due in ("March 2027", "TBC", ""):
        response = client.post(
            reverse("plans:action_create", args=[world.plan.pk]),
            {"title": f"Action {due}", "status": "not_started", "due_text": due},
            follow=True,
        )
        assert "cannot read the deadline" not in response.content.decode()
    page = client.get(reverse("plans:detail", args=[world.plan.pk])).content.decode()
    assert 'id="unreadable-deadlines"' not in page


def test_an_action_with_no_deadline_says_so(client, world):
    client.force_login(world.manager)
    action = make_action(world.plan, world.manager, due_text="Commence Nov 22")
    page = client.get(reverse("plans:action", args=[action.pk])).content.decode()
    assert 'id="no-deadline"' in page and "Commence Nov 22" in page
    dated = client.get(reverse("plans:action", args=[world.action.pk])).content.decode()
    assert 'id="no-deadline"' not in dated


def test_recent_updates_name_the_action_and_say_what_happened(client, world):
    """Issue 15, defect 12: home's Recent updates showed a bare ref."""
    from plantrack.plans import services

    services.update_post(
        actor=world.manager,
        action=world.other_action,
        narrative="Data sharing agreed.",
        rag="green",
    )
    body = _get(client, world.manager, reverse("home")).content.decode()
    recent = body[body.index("Recent updates") :]
    assert "YC/INT/2 Track PYOs" in recent and "Data sharing agreed." in recent


def test_the_pack_form_tells_meetings_of_one_name_apart_by_date(world):
    """Issue 15, defect 12: two meetings called "Youth Board" with no date to choose between."""
    import datetime as dt

    from plantrack.governance.models import Body, Meeting
    from plantrack.packs.forms import PackForm

    body = Body.objects.create(name="Youth Board")
    for day in (dt.date(2026, 1, 12), dt.date(2026, 4, 13)):
        Meeting.objects.create(body=body, date=day, title="Youth Board")
    labels = [label for _, label in PackForm(body=body).fields["meeting"].choices][1:]
    assert sorted(labels) == ["12 Jan 2026: Youth Board", "13 Apr 2026: Youth Board"]


def test_plan_page_shows_the_plan_narrative_and_each_section_scope(client, world):
    """Issue 15, defect 9: the plan's context and objectives and each section's scope were
    kept only in edit forms (or not at all)."""
    from plantrack.plans import services

    services.plan_update(
        actor=world.manager,
        plan=world.plan,
        period_text="April 2003 – March 2004",
        summary="Context\nYouth crime is rising.\n\nObjectives\n- Track persistent offenders",
    )
    services.section_update(
        actor=world.manager, section=world.section, description="- Intelligence-led policing"
    )
    body = _get(client, world.viewer, reverse("plans:detail", args=[world.plan.pk])).content
    body = body.decode()
    assert '<h2 class="govuk-heading-s">Objectives</h2>' in body
    assert "<li>Track persistent offenders</li>" in body
    assert "April 2003 – March 2004" in body
    assert 'Scope<span class="govuk-visually-hidden"> of Intelligence</span>' in body
    assert "<li>Intelligence-led policing</li>" in body
    summary = _get(client, world.viewer, reverse("reports:section", args=[world.section.pk]))
    assert "<li>Intelligence-led policing</li>" in summary.content.decode()
    summary = _get(client, world.viewer, reverse("reports:plan", args=[world.plan.pk]))
    page = summary.content.decode()
    assert "The plan covers April 2003 – March 2004." in page
    assert "<li>Track persistent offenders</li>" in page


def test_lead_organisation_cells_list_only_leads_without_a_stray_separator(client, world):
    """Issue 15, defect 11: a lead followed by a supporting organisation ended in "; "."""
    from plantrack.core.tests.factories import make_org

    partner = make_org("Youth Justice Board")
    make_action(
        world.plan,
        world.manager,
        section=world.section,
        ref="YC/INT/9",
        title="Share information",
        lead_organisations=[world.force],
        supporting_organisations=[partner],
    )
    body = _get(client, world.viewer, reverse("plans:detail", args=[world.plan.pk])).content
    cells = [c.split("</td>")[0] for c in body.decode().split('<td class="govuk-table__cell">')]
    assert "Barnet Police" in cells
    assert not any(c.rstrip().endswith(";") for c in cells)
    assert "Youth Justice Board" not in cells  # supporting, not lead


def test_refusals_say_why_and_give_a_way_back(client, world):
    """Issue 15, defect 11: 403 and 404 were Django's bare pages, with no reason and no
    way back."""
    response = _get(client, world.viewer, reverse("plans:edit", args=[world.plan.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot do that</h1>' in page
    assert 'id="reason"' in page
    assert f'href="{reverse("home")}"' in page and "Your work" in page

    response = _get(client, world.outsider, reverse("plans:detail", args=[world.plan.pk]))
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "restricted" in page
    assert f'href="{reverse("plans:list")}"' in page
    assert world.plan.title not in page

    client.logout()
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert f'href="{reverse("login")}"' in response.content.decode()
