"""The action page lists every update's evidence without a query per update or per file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plantrack.evidence.models import Evidence
from plantrack.plans.models import Update

pytestmark = pytest.mark.django_db


def _grow(world, total: int) -> None:
    """Bulk-add updates by the owner, each with a file and a link."""
    existing = Update.objects.filter(action=world.action).count()
    updates = Update.objects.bulk_create(
        Update(
            action=world.action,
            date=dt.date(2025, 1, 1) + dt.timedelta(days=i),
            rag="green",
            narrative=f"Update {i}",
            author=world.owner,
            author_name="Owen Owner",
        )
        for i in range(existing, total)
    )
    content_type = ContentType.objects.get_for_model(Update)
    rows = []
    for update in updates:
        rows.append(
            Evidence(
                content_type=content_type,
                object_id=update.pk,
                kind="file",
                title=f"Minutes {update.pk}",
                file=f"evidence/2025/01/{update.pk:032x}.pdf",
                original_name="minutes.pdf",
                mime_type="application/pdf",
                size=1234,
                uploaded_by=world.owner,
            )
        )
        rows.append(
            Evidence(
                content_type=content_type,
                object_id=update.pk,
                kind="link",
                title=f"Web {update.pk}",
                url="https://example.org/",
                uploaded_by=world.manager,
            )
        )
    Evidence.objects.bulk_create(rows)


def _count(fetch) -> int:
    fetch()
    with CaptureQueriesContext(connection) as ctx:
        fetch()
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["manager", "owner", "viewer"])
def test_the_action_page(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("plans:action", args=[world.action.pk])

    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        return response

    _grow(world, 5)
    small = _count(fetch)
    _grow(world, 50)
    assert _count(fetch) == small
    html = fetch().content.decode()
    assert html.count('/download/" download>') == 50 and html.count("(link to example.org)") == 50
