"""The board pack journey in a real browser: prepare a pack, chase a missing commentary,
publish, download."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from plantrack.packs.models import Pack, PackFile
from plantrack.packs.tests.conftest import PackWorld, build_pack_world

pytestmark = pytest.mark.browser


@pytest.fixture
def pw(transactional_db) -> PackWorld:
    return build_pack_world()


def test_prepare_chase_publish_download(page: Page, live_server, pw, signed_in, screenshot):
    signed_in(page, live_server, "manager")

    # Prepare a pack for the body's next meeting.
    page.goto(f"{live_server.url}/packs/")
    page.get_by_role("link", name="Prepare a pack for Youth Board").click()
    expect(page.get_by_role("heading", level=1, name="Prepare a pack")).to_be_visible()
    page.get_by_label("Reporting period").select_option(pw.period)
    page.get_by_label("Meeting").select_option(str(pw.meeting.pk))
    page.get_by_role("button", name="Prepare the pack").click()
    expect(page.get_by_role("heading", level=1, name=pw.body.name)).to_be_visible()
    expect(page.locator("#missing-count")).to_have_text("2")
    expect(page.locator("#pack-exceptions")).to_contain_text("Track PYOs")
    screenshot(page, "packs-1-draft")

    # Chase the owner for the missing commentary.
    page.get_by_role("link", name="Commentary for Youth Strategy").click()
    owners = page.locator("#owners")
    expect(owners).to_contain_text("2 missing")
    screenshot(page, "packs-2-commentary")
    owners.get_by_role("button", name="Chase Insp. Owen Owner").click()
    expect(page.get_by_text("Asked Insp. Owen Owner for commentary on 2 items.")).to_be_visible()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owen@example.org"]

    # Publish without the missing commentary, saying so.
    page.go_back()
    page.go_back()
    page.reload()
    page.get_by_role("button", name="Publish the pack").click()
    expect(page.get_by_text("have no commentary")).to_be_visible()
    page.get_by_label("Publish without the missing commentary").check()
    page.get_by_role("button", name="Publish the pack").click()
    expect(page.get_by_text("Pack published.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish the pack")).to_have_count(0)
    screenshot(page, "packs-3-published")
    pack = Pack.objects.get()
    assert pack.status == Pack.Status.PUBLISHED

    # Download the PDF: the stored file, byte for byte.
    with page.expect_download() as info:
        page.locator("#downloads").get_by_role("link", name="PDF (pdf)").click()
    download = info.value
    data = Path(download.path()).read_bytes()
    assert data == bytes(PackFile.objects.get(pack=pack, format="pdf").data)
    assert download.suggested_filename.endswith(".pdf")
