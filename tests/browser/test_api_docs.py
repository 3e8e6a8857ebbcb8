"""The API's docs page: Swagger UI served from the app's own static files under its CSP (issue
15, defect 2: it loaded its script from a CDN, which the CSP blocks, and showed a blank page)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from plantrack.api import api
from plantrack.core.tests.factories import World, build_world

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db) -> World:
    return build_world()


def test_the_api_docs_render_every_operation_with_no_script_refused(
    page: Page, live_server, world: World, signed_in, screenshot
):
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    external: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith(live_server.url) else external.append(r.url),
    )
    signed_in(page, live_server, "manager")
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_role("heading", name="PlanTrack API")).to_be_visible()
    expect(page.locator(".opblock").first).to_be_visible()
    schema = api.get_openapi_schema()
    methods = {"get", "post", "put", "patch", "delete"}
    operations = sum(len(methods & set(path)) for path in schema["paths"].values())
    assert page.locator(".opblock").count() == operations
    screenshot(page, "api-docs")
    assert refused == []
    assert external == []
