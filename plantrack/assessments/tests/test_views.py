from __future__ import annotations

import pytest
from django.urls import reverse

from plantrack.assessments.models import Framework, Item

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_the_list_shows_what_each_reader_may_see(client, world, fw):
    html = _as(client, world.viewer).get(reverse("assessments:frameworks")).content.decode()
    assert fw.checklist.title in html and fw.draft.title in html
    html = _as(client, world.outsider).get(reverse("assessments:frameworks")).content.decode()
    assert fw.checklist.title in html and fw.draft.title not in html


def test_a_framework_page_lists_its_items_with_their_kinds(client, world, fw):
    page = _as(client, world.outsider).get(reverse("assessments:framework", args=[fw.checklist.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Appointment of a SPOC" in html
    assert ">Role<" in html and "every 21 days" in html
    assert reverse("assessments:item_create", args=[fw.checklist.pk]) not in html


def test_an_outsider_gets_404_for_a_draft(client, world, fw):
    c = _as(client, world.outsider)
    assert c.get(reverse("assessments:framework", args=[fw.draft.pk])).status_code == 404
    item = fw.draft.items.get()
    assert c.get(reverse("assessments:item_edit", args=[item.pk])).status_code == 404


def test_a_reader_of_a_published_framework_cannot_change_it(client, world, fw):
    c = _as(client, world.outsider)
    assert c.get(reverse("assessments:framework_edit", args=[fw.checklist.pk])).status_code == 403
    url = reverse("assessments:framework_new_version", args=[fw.checklist.pk])
    assert c.post(url).status_code == 403
    assert not fw.checklist.next_versions.exists()


def test_wrong_method(client, world, fw):
    c = _as(client, world.manager)
    assert c.post(reverse("assessments:frameworks")).status_code == 405
    assert c.get(reverse("assessments:framework_status", args=[fw.draft.pk])).status_code == 405


def test_create_add_items_and_publish(client, world):
    c = _as(client, world.manager)
    r = c.post(
        reverse("assessments:framework_create"),
        {
            "title": "Youth diversion standards",
            "organisation": world.force.pk,
            "target_percent": 75,
        },
    )
    framework = Framework.objects.get(title="Youth diversion standards")
    assert r.status_code == 302 and framework.status == "draft"
    add = reverse("assessments:item_create", args=[framework.pk])
    r = c.post(add, {"text": "Ensure minimum monthly contact with the YOT", "kind": ""})
    assert r.status_code == 302
    item = framework.items.get()
    assert (item.kind, item.cadence_text, item.cadence_days) == ("partner", "monthly", 30)
    r = c.post(add, {"text": "", "kind": ""})
    assert r.status_code == 200 and "Enter" in r.content.decode()
    status = reverse("assessments:framework_status", args=[framework.pk])
    assert c.post(status, {"status": "published"}).status_code == 302
    framework.refresh_from_db()
    assert framework.status == "published"
    # Fixed now: an item cannot be added.
    r = c.post(add, {"text": "Too late", "kind": ""}, follow=True)
    assert "published framework is fixed" in r.content.decode()
    assert framework.items.count() == 1


def test_a_refused_status_change_is_said_on_the_page(client, world, fw):
    c = _as(client, world.manager)
    url = reverse("assessments:framework_status", args=[fw.checklist.pk])
    r = c.post(url, {"status": "draft"}, follow=True)
    assert "Choose what the framework should become" in r.content.decode()


def test_new_version_then_edit_and_delete_items(client, world, fw):
    c = _as(client, world.manager)
    r = c.post(reverse("assessments:framework_new_version", args=[fw.checklist.pk]))
    second = Framework.objects.get(previous=fw.checklist)
    assert r.status_code == 302 and r["Location"] == second.get_absolute_url()
    item = second.items.order_by("position").first()
    edit = reverse("assessments:item_edit", args=[item.pk])
    form = c.get(edit).content.decode()
    assert "Continues this item of the previous version" in form
    r = c.post(
        edit,
        {
            "text": "Appointment of a SPOC with Inspector oversight",
            "kind": "role",
            "previous": item.previous_id,
            "not_comparable": "on",
            "edit_version": c.get(edit).context["form"]["edit_version"].value(),
        },
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.not_comparable and item.text.startswith("Appointment of a SPOC with")
    page = c.get(second.get_absolute_url()).content.decode()
    assert "Not comparable" in page and "Item 2" in page
    delete = reverse("assessments:item_delete", args=[item.pk])
    assert c.get(delete).status_code == 200
    assert c.post(delete).status_code == 302
    assert not Item.objects.filter(pk=item.pk).exists()
