from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.engagement import services
from plantrack.engagement.models import Activity, Output

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_registers_page_lists_what_one_can_see(client, world, eng):
    html = _as(client, world.viewer).get(reverse("engagement:registers")).content.decode()
    assert "Engagement activity register" in html and 'href="/engagement/"' in html
    html = _as(client, world.outsider).get(reverse("engagement:registers")).content.decode()
    assert "Engagement activity register" not in html


def test_register_page_filters_by_area_and_group(client, world, eng):
    url = reverse("engagement:register", args=[eng.register.pk])
    html = _as(client, world.viewer).get(url).content.decode()
    assert "Deaf link scheme" in html and "Met Volunteer programme" in html
    assert "£2,500" in html and "Add an activity" not in html
    html = client.get(url, {"area": eng.barnet.pk}).content.decode()
    assert "Deaf link scheme" in html and "Met Volunteer programme" not in html
    html = client.get(url, {"q": "volunteer"}).content.decode()
    assert "Deaf link scheme" not in html and "Met Volunteer programme" in html
    manager = _as(client, world.manager).get(url).content.decode()
    assert "Add an activity" in manager


def test_outsider_gets_404_everywhere(client, world, eng):
    c = _as(client, world.outsider)
    for name, pk in (
        ("engagement:register", eng.register.pk),
        ("engagement:activity", eng.activity.pk),
        ("engagement:activity_edit", eng.activity.pk),
        ("engagement:output_create", eng.activity.pk),
        ("engagement:register_edit", eng.register.pk),
    ):
        assert c.get(reverse(name, args=[pk])).status_code == 404, name


def test_read_only_member_gets_403_on_writes(client, world, eng):
    c = _as(client, world.viewer)
    assert c.get(reverse("engagement:activity_edit", args=[eng.activity.pk])).status_code == 403
    assert c.post(reverse("engagement:activity_create", args=[eng.register.pk])).status_code == 403
    response = c.post(
        reverse("engagement:output_create", args=[eng.activity.pk]),
        {"kind": "wards", "count": 3},
    )
    assert response.status_code == 403 and not Output.objects.exists()


def test_wrong_method(client, world, eng):
    c = _as(client, world.manager)
    assert c.post(reverse("engagement:registers")).status_code == 405
    assert c.get(reverse("engagement:output_confirm", args=[eng.activity.pk])).status_code == 405
    assert c.put(reverse("engagement:activity", args=[eng.activity.pk])).status_code == 405


def test_manager_adds_an_activity_reading_the_cost_as_written(client, world, eng):
    response = _as(client, world.manager).post(
        reverse("engagement:activity_create", args=[eng.register.pk]),
        {
            "title": "Ongoing engagement with Met Youth Advisory Group",
            "group": eng.group.pk,
            "status": "running",
            "level": "involve",
            "cost_text": "£900 0 p.a",
            "areas": [eng.force_area.pk],
            "communities_text": "Young people 14-25",
            "start_text": "Apr 2006",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.get(title__startswith="Ongoing engagement")
    assert activity.cost_amount == 9000 and activity.cost_period == "year"
    assert activity.cost_text == "£900 0 p.a" and activity.start_earliest is not None
    assert list(activity.areas.all()) == [eng.force_area]


def test_unreadable_cost_is_a_form_error_and_saves_nothing(client, world, eng):
    count = Activity.objects.count()
    response = _as(client, world.manager).post(
        reverse("engagement:activity_create", args=[eng.register.pk]),
        {"title": "Event", "status": "planned", "cost_text": "about two grand maybe"},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    assert Activity.objects.count() == count


def test_completing_a_consultation_without_outcome_shows_the_rule(client, world, eng):
    url = reverse("engagement:activity_edit", args=[eng.activity.pk])
    c = _as(client, world.manager)
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        status="completed",
        title=eng.activity.title,
        level="consult",
        areas=[a.pk for a in eng.activity.areas.all()],
        methods=[m.pk for m in eng.activity.methods.all()],
        edit_version=form["edit_version"].value(),
    )
    data.pop("owners", None)
    data.pop("partners", None)
    data.pop("plans", None)
    data.pop("actions", None)
    data.pop("communities", None)
    response = c.post(url, data)
    assert response.status_code == 200
    assert "you said, we did" in response.content.decode()
    assert Activity.objects.get(pk=eng.activity.pk).status == "running"


def test_activity_page_offers_counts_found_in_its_text_and_confirms_one(client, world, eng):
    services.activity_update(
        actor=world.manager,
        activity=eng.owned,
        communities_text="Individuals recruited as volunteers. Haringey has 52 (4 couples).",
    )
    c = _as(client, world.owner)
    url = reverse("engagement:activity", args=[eng.owned.pk])
    html = c.get(url).content.decode()
    assert "Counts found in the text" in html and "<strong>52</strong> volunteers" in html
    response = c.post(
        reverse("engagement:output_confirm", args=[eng.owned.pk]),
        {"kind": "volunteers", "count": "52"},
    )
    assert response.status_code == 302
    output = Output.objects.get()
    assert output.count == 52 and "Haringey has 52" in output.source_text
    # A count not in the text is not recorded through the suggestion route.
    c.post(reverse("engagement:output_confirm", args=[eng.owned.pk]), {"kind": "wards", "count": 9})
    assert Output.objects.count() == 1
    viewer = _as(client, world.viewer).get(url).content.decode()
    assert "Counts found in the text" not in viewer


def test_record_outcome_follow_up_and_update(client, world, eng):
    c = _as(client, world.owner)
    pk = eng.owned.pk
    r = c.post(
        reverse("engagement:outcome_create", args=[pk]),
        {"you_said": "More Tamil officers", "we_did": "Two mentored into applying"},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("engagement:follow_up_create", args=[pk]),
        {"title": "Follow-up meeting", "due_on": "2027-01-15", "owner": world.owner_person.pk},
    )
    assert r.status_code == 302
    r = c.post(
        reverse("engagement:update_create", args=[pk]), {"narrative": "Going well", "rag": "green"}
    )
    assert r.status_code == 302
    html = c.get(reverse("engagement:activity", args=[pk])).content.decode()
    for text in ("More Tamil officers", "Two mentored", "Follow-up meeting", "Going well"):
        assert text in html


def test_action_page_lists_the_activities_delivering_it(client, world, eng):
    services.activity_update(actor=world.manager, activity=eng.activity, actions=[world.action])
    html = _as(client, world.manager).get(reverse("plans:action", args=[world.action.pk]))
    html = html.content.decode()
    assert "Engagement activities delivering it" in html and "Deaf link scheme" in html
    # A plan viewer who cannot read the register sees the action but not the activity.
    from plantrack.directory.models import Membership

    Membership.objects.filter(user=world.viewer).delete()
    from plantrack.directory.selectors import forget_organisation_ids

    forget_organisation_ids(world.viewer)
    html = _as(client, world.viewer).get(reverse("plans:action", args=[world.action.pk]))
    assert "Deaf link scheme" not in html.content.decode()


def test_group_and_register_edit(client, world, eng):
    c = _as(client, world.manager)
    r = c.post(reverse("engagement:group_create", args=[eng.register.pk]), {"name": "SCD"})
    assert r.status_code == 302
    r = c.post(
        reverse("engagement:group_create", args=[eng.register.pk]),
        {"name": "Individual Borough Based Initiatives"},
    )
    assert r.status_code == 200 and "already has a group" in r.content.decode()
    r = c.post(reverse("engagement:group_delete", args=[eng.group.pk]))
    assert r.status_code == 302
    eng.activity.refresh_from_db()
    assert eng.activity.group is None


def test_evidence_on_an_activity_and_its_outcome(client, world, eng, settings, tmp_path):
    from plantrack.evidence.models import Evidence
    from plantrack.evidence.tests import samples

    settings.MEDIA_ROOT = tmp_path
    attach = reverse(
        "evidence:attach",
        kwargs={"app_label": "engagement", "model": "activity", "object_id": eng.owned.pk},
    )
    c = _as(client, world.owner)
    response = c.post(
        attach,
        {
            "kind": "file",
            "file-file": samples.upload("attendance.pdf", samples.pdf_bytes()),
            "file-title": "Attendance",
        },
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    page = c.get(reverse("engagement:activity", args=[eng.owned.pk])).content.decode()
    assert "Attendance" in page
    # Another user who reads the register downloads it; an outsider gets 404.
    download = reverse("evidence:download", args=[evidence.pk])
    response = _as(client, world.viewer).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _as(client, world.outsider).get(download).status_code == 404
    # The viewer reads but may not attach.
    assert _as(client, world.viewer).get(attach).status_code == 403
    outcome = services.outcome_record(
        actor=world.owner, activity=eng.owned, you_said="Tamil events", we_did="Attended"
    )
    attach_outcome = reverse(
        "evidence:attach",
        kwargs={"app_label": "engagement", "model": "outcome", "object_id": outcome.pk},
    )
    assert _as(client, world.owner).get(attach_outcome).status_code == 200
    assert _as(client, world.outsider).get(attach_outcome).status_code == 404


def test_area_page_lists_the_activities_there(client, world, eng):
    html = _as(client, world.viewer).get(reverse("directory:area", args=[eng.barnet.pk]))
    html = html.content.decode()
    assert "Engagement activity here" in html and "Deaf link scheme" in html
    assert "Met Volunteer programme" not in html  # Brent's
    outsider = _as(client, world.outsider).get(reverse("directory:area", args=[eng.barnet.pk]))
    assert "Deaf link scheme" not in outsider.content.decode()


def test_communities_an_organisation_serves(client, world, eng):
    from plantrack.engagement.models import Community, OrganisationCommunity

    url = reverse("engagement:organisation_communities", args=[world.force.pk])
    young = Community.objects.get(name="Young people")
    faith = Community.objects.get(name="Faith communities")
    assert _as(client, world.outsider).post(url, {"communities": [young.pk]}).status_code == 403
    response = _as(client, world.manager).post(url, {"communities": [young.pk, faith.pk]})
    assert response.status_code == 302
    assert set(
        OrganisationCommunity.objects.filter(organisation=world.force).values_list(
            "community__name", flat=True
        )
    ) == {"Young people", "Faith communities"}
    _as(client, world.manager).post(url, {"communities": [faith.pk]})
    page = client.get(reverse("directory:organisation", args=[world.force.pk])).content.decode()
    assert "Faith communities" in page and "Young people" not in page
    assert "Engagement activity register" in page


def test_administrators_extend_the_methods_and_retire_one(client, world, eng):
    from plantrack.engagement.models import Method

    client.force_login(eng.admin)
    response = client.post(
        "/admin/engagement/method/add/",
        {"name": "Ward panel", "description": "", "position": 50, "active": "on"},
    )
    assert response.status_code == 302
    form = client.get(reverse("engagement:activity_create", args=[eng.register.pk]))
    assert "Ward panel" in form.content.decode()
    Method.objects.filter(name="Ward panel").update(active=False)
    form = client.get(reverse("engagement:activity_create", args=[eng.register.pk]))
    assert "Ward panel" not in form.content.decode()
    method = Method.objects.get(name="Ward panel")
    assert client.post(f"/admin/engagement/method/{method.pk}/delete/").status_code == 403
