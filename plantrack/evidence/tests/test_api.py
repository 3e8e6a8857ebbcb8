from __future__ import annotations

import hashlib

import pytest

from plantrack.accounts.services import api_token_create
from plantrack.evidence import services
from plantrack.evidence.models import Evidence
from plantrack.evidence.tests import samples

pytestmark = pytest.mark.django_db


def _auth(user) -> dict:
    _, secret = api_token_create(actor=user, name="test")
    return {"Authorization": f"Bearer {secret}"}


def _on(update) -> str:
    return f"/api/v1/evidence/on/plans.update/{update.pk}"


def test_list_get_and_download(client, world, update):
    data = samples.xlsx_bytes()
    evidence = services.evidence_attach_file(
        actor=world.owner,
        target=update,
        upload=samples.upload("figures.xlsx", data),
        title="Figures",
    )
    headers = _auth(world.viewer)
    listed = client.get(_on(update), headers=headers)
    assert listed.status_code == 200
    [item] = listed.json()
    assert item["id"] == evidence.pk and item["title"] == "Figures"
    assert item["target_type"] == "plans.update" and item["target_id"] == update.pk
    assert item["type_label"] == "Excel" and item["size"] == len(data)
    assert item["sha256"] == hashlib.sha256(data).hexdigest()
    assert item["download"] == f"/api/v1/evidence/{evidence.pk}/download"
    assert item["uploaded_by"] == "Owen Owner"
    assert client.get(f"/api/v1/evidence/{evidence.pk}", headers=headers).json() == item
    download = client.get(item["download"], headers=headers)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["Content-Disposition"] == 'attachment; filename="figures.xlsx"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_outsiders_get_404_everywhere(client, world, update):
    evidence = services.evidence_attach_link(
        actor=world.owner, target=update, url="https://example.org", title="Site"
    )
    headers = _auth(world.outsider)
    for url in (_on(update), f"/api/v1/evidence/{evidence.pk}"):
        assert client.get(url, headers=headers).status_code == 404
    assert client.delete(f"/api/v1/evidence/{evidence.pk}", headers=headers).status_code == 404
    response = client.post(
        f"{_on(update)}/links",
        {"url": "https://example.org", "title": "x"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    assert Evidence.objects.count() == 1


def test_unregistered_or_malformed_targets_are_404_or_422(client, world, update):
    headers = _auth(world.manager)
    assert (
        client.get(f"/api/v1/evidence/on/plans.plan/{world.plan.pk}", headers=headers).status_code
        == 404
    )
    assert client.get("/api/v1/evidence/on/plans/1", headers=headers).status_code == 422
    assert client.get("/api/v1/evidence/on/Plans.Update!/1", headers=headers).status_code == 422


def test_attach_a_link_and_remove_it(client, world, update):
    headers = _auth(world.owner)
    response = client.post(
        f"{_on(update)}/links",
        {"url": "https://example.org/report", "title": "Report"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "link" and body["download"] is None and body["type_label"] == "Link"
    assert client.delete(f"/api/v1/evidence/{body['id']}", headers=headers).status_code == 204
    assert not Evidence.objects.exists()


def test_a_bad_link_is_422(client, world, update):
    response = client.post(
        f"{_on(update)}/links",
        {"url": "javascript:alert(1)", "title": "x"},
        content_type="application/json",
        headers=_auth(world.owner),
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "url": ["Enter a web address starting with https:// or http://."]
    }


def test_upload_a_file(client, world, update):
    response = client.post(
        f"{_on(update)}/files",
        {"file": samples.upload("photo.png", samples.png_bytes()), "title": "Site visit"},
        headers=_auth(world.owner),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Site visit" and body["mime_type"] == "image/png"
    assert Evidence.objects.get().file.name.endswith(".png")


def test_upload_refusals(client, world, update):
    headers = _auth(world.owner)
    response = client.post(
        f"{_on(update)}/files",
        {"file": samples.upload("evil.pdf", samples.exe_bytes())},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "file": ["evil.pdf is not a PDF, Word, Excel, CSV or image file."]
    }
    assert client.post(f"{_on(update)}/files", {}, headers=headers).status_code == 422
    viewer = client.post(
        f"{_on(update)}/files",
        {"file": samples.upload("a.pdf", samples.pdf_bytes())},
        headers=_auth(world.viewer),
    )
    assert viewer.status_code == 403
    assert not Evidence.objects.exists()


def test_the_read_only_viewer_may_not_delete(client, world, update):
    evidence = services.evidence_attach_link(
        actor=world.owner, target=update, url="https://example.org", title="Site"
    )
    response = client.delete(f"/api/v1/evidence/{evidence.pk}", headers=_auth(world.viewer))
    assert response.status_code == 403
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_list_asks_a_fixed_number_of_queries(
    client, world, update, django_assert_max_num_queries
):
    headers = _auth(world.viewer)
    client.get(_on(update), headers=headers)
    for n in range(10):
        services.evidence_attach_link(
            actor=world.owner, target=update, url=f"https://example.org/{n}", title=f"L{n}"
        )
    with django_assert_max_num_queries(6):
        assert len(client.get(_on(update), headers=headers).json()) == 10
