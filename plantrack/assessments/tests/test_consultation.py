"""Consultation: the keepers choose whom to consult; members of those organisations read the
framework and comment on each item while it is in consultation, and not after."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from plantrack.assessments import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def consulting(world, fw, cw):
    services.framework_update(
        actor=world.manager, framework=fw.draft, consulted=[cw.barnet.organisation]
    )
    services.framework_status_set(actor=world.manager, framework=fw.draft, status="consultation")
    return fw.draft


def test_the_consulted_read_and_comment_on_each_item(client, world, cw, consulting):
    item = consulting.items.get()
    client.force_login(cw.barnet_assessor)
    page = client.get(reverse("assessments:framework", args=[consulting.pk])).content.decode()
    assert "In consultation with Barnet BOCU" in page and "Comment" in page
    url = reverse("assessments:item_comment", args=[item.pk])
    assert client.post(url, {"text": ""}).status_code == 200  # "Write the comment"
    r = client.post(url, {"text": "Add outcomes to the aim"})
    assert r.status_code == 302 and r["Location"].endswith(f"#item-{item.pk}")
    comment = item.comments.get()
    assert comment.organisation == cw.barnet.organisation and comment.author == cw.barnet_assessor
    page = client.get(reverse("assessments:framework", args=[consulting.pk])).content.decode()
    assert "Add outcomes to the aim" in page and "(Barnet BOCU)" in page
    # Brent was not consulted: the draft stays hidden from it.
    client.force_login(cw.brent_assessor)
    assert client.get(reverse("assessments:framework", args=[consulting.pk])).status_code == 404
    assert client.post(url, {"text": "x"}).status_code == 404


def test_comments_end_with_the_consultation(world, cw, consulting):
    item = consulting.items.get()
    services.item_comment_add(actor=world.manager, item=item, text="Noted: will add")
    services.framework_status_set(actor=world.manager, framework=consulting, status="published")
    with pytest.raises(PermissionDenied):
        services.item_comment_add(actor=cw.barnet_assessor, item=item, text="Too late")
    with pytest.raises(ValidationError, match="no longer consulted"):
        services.framework_update(actor=world.manager, framework=consulting, consulted=[])
    assert item.comments.count() == 1


def test_a_published_framework_keeps_its_title(world, fw):
    with pytest.raises(ValidationError, match="draft's title"):
        services.framework_update(actor=world.manager, framework=fw.checklist, title="Renamed")
    services.framework_update(actor=world.manager, framework=fw.checklist, description="Intro")


def test_comments_are_read_by_the_consultation_only(client, world, cw, consulting):
    item = consulting.items.get()
    services.item_comment_add(actor=cw.barnet_assessor, item=item, text="Add outcomes")
    services.framework_status_set(actor=world.manager, framework=consulting, status="published")
    url = reverse("assessments:framework", args=[consulting.pk])
    client.force_login(cw.barnet_assessor)
    assert "Add outcomes" in client.get(url).content.decode()
    client.force_login(world.outsider)  # published: readable by all, its comments not
    page = client.get(url).content.decode()
    assert "Add outcomes" not in page


def test_a_draft_next_version_is_not_linked_for_readers_who_cannot_see_it(client, world, fw):
    second = services.framework_new_version(actor=world.manager, framework=fw.checklist)
    url = reverse("assessments:framework", args=[fw.checklist.pk])
    client.force_login(world.manager)
    assert second.get_absolute_url() in client.get(url).content.decode()
    client.force_login(world.outsider)
    assert second.get_absolute_url() not in client.get(url).content.decode()
