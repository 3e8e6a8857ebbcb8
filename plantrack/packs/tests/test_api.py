from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantrack.packs import services
from plantrack.packs.tests.conftest import make_pack

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_list_get_and_download(client, pw):
    draft = make_pack(pw)
    published = services.pack_publish(actor=pw.w.manager, pack=make_pack(pw), allow_missing=True)
    _as(client, pw.w.viewer)
    rows = client.get(f"/api/v1/bodies/{pw.body.pk}/packs").json()
    assert [r["id"] for r in rows] == [published.pk, draft.pk]
    assert rows[0]["status"] == "published" and rows[0]["missing_commentary"] == 2
    assert {f["format"] for f in rows[0]["files"]} == {"pdf", "docx", "xlsx"}
    # A draft lists its draft files, made when it was prepared.
    assert {f["format"] for f in rows[1]["files"]} == {"pdf", "docx", "xlsx"}
    assert rows[1]["plan_ids"] == [pw.w.plan.pk]
    assert {f["sha256"] for f in rows[0]["files"]}.isdisjoint(f["sha256"] for f in rows[1]["files"])

    one = client.get(f"/api/v1/packs/{published.pk}").json()
    assert one["title"] == published.title and one["downloads"]["pdf"].endswith("/files/pdf")
    data = client.get(one["downloads"]["pdf"])
    assert data.status_code == 200 and data.content == services.pack_file(published, "pdf")
    assert client.get(f"/api/v1/packs/{published.pk}/files/odt").status_code == 404


def test_api_hides_packs_from_outsiders(client, pw):
    pack = make_pack(pw)
    _as(client, pw.w.outsider)
    assert client.get(f"/api/v1/bodies/{pw.body.pk}/packs").status_code == 404
    assert client.get(f"/api/v1/packs/{pack.pk}").status_code == 404
    assert client.get(f"/api/v1/packs/{pack.pk}/files/pdf").status_code == 404


def test_list_endpoint_queries_do_not_grow(client, pw):
    make_pack(pw)
    _as(client, pw.w.viewer)
    url = f"/api/v1/bodies/{pw.body.pk}/packs"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        services.pack_publish(actor=pw.w.manager, pack=make_pack(pw), allow_missing=True)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(url).json()) == 4
    assert len(many) == len(few)
