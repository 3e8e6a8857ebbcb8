"""Evidence end to end: an owner posts an update with a file, a colleague who may read the plan
downloads it, an outsider is told it does not exist; links are added and removed."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from plantrack.core.tests.factories import World, build_world
from plantrack.evidence.models import Evidence
from plantrack.evidence.tests import samples

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def test_an_update_with_evidence_downloaded_by_a_colleague_and_hidden_from_an_outsider(
    page: Page, live_server, world: World, signed_in, new_context, screenshot
):
    pdf = samples.pdf_bytes("Signed policy")
    action_url = f"{live_server.url}/plans/actions/{world.action.pk}/"

    # The owner posts an update with the signed policy attached.
    signed_in(page, live_server, "owner")
    page.goto(action_url)
    page.get_by_role("button", name="Post an update").click()
    page.get_by_role("group", name="RAG rating").get_by_label("Green").check()
    page.get_by_role("group", name="Status").get_by_label("In progress").check()
    page.get_by_label("What has happened since the last update?").fill("Policy signed off.")
    page.get_by_label("Evidence (optional)").set_input_files(
        files=[{"name": "signed-policy.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    screenshot(page, "evidence-1-update-form")
    page.get_by_role("button", name="Post update").click()
    expect(page).to_have_url(action_url)
    update = page.locator(".app-timeline__item").filter(has_text="Policy signed off.")
    expect(update.get_by_role("link", name="signed-policy.pdf")).to_be_visible()
    expect(update).to_contain_text("(PDF, ")
    screenshot(page, "evidence-2-action-page")
    evidence = Evidence.objects.get()
    download_url = f"{live_server.url}/evidence/{evidence.pk}/download/"

    # The read-only viewer downloads it from the action page: the same bytes, as a file.
    viewer = new_context().new_page()
    signed_in(viewer, live_server, "viewer")
    viewer.goto(action_url)
    link = viewer.locator(".app-timeline__item").get_by_role("link", name="signed-policy.pdf")
    expect(viewer.get_by_role("link", name="Add evidence")).to_have_count(0)
    with viewer.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename == "signed-policy.pdf"
    assert Path(download.path()).read_bytes() == pdf

    # An outsider asking for the same address hears that there is nothing there.
    outsider = new_context().new_page()
    signed_in(outsider, live_server, "outsider")
    response = outsider.goto(download_url)
    assert response is not None and response.status == 404
    response = outsider.goto(action_url)
    assert response is not None and response.status == 404


def test_the_author_adds_a_link_and_removes_it(
    page: Page, live_server, world: World, signed_in, screenshot
):
    from plantrack.plans import services

    services.update_post(
        actor=world.owner, action=world.action, narrative="Panel met.", rag="green"
    )
    signed_in(page, live_server, "owner")
    page.goto(f"{live_server.url}/plans/actions/{world.action.pk}/")
    page.get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1, name="Evidence")).to_be_visible()
    page.get_by_label("Web address").fill("https://example.org/panel-minutes")
    page.get_by_label("Title", exact=True).fill("Panel minutes")
    page.get_by_role("button", name="Add link").click()
    expect(page.get_by_text("Link added.")).to_be_visible()
    link = page.get_by_role("link", name="Panel minutes")
    expect(link).to_have_attribute("href", "https://example.org/panel-minutes")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    page.get_by_role("link", name="Add or remove evidence").click()
    screenshot(page, "evidence-3-attach-page")
    page.get_by_role("button", name="Remove Panel minutes").click()
    expect(page.get_by_text("“Panel minutes” removed.")).to_be_visible()
    expect(page.get_by_text("Nothing yet.")).to_be_visible()
    assert not Evidence.objects.exists()
