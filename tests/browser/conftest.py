"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Run with ``.venv/bin/python -m pytest tests/browser``. Every test is marked ``browser``.
The CSS must be built first (``make assets``; the Makefile's ``test`` target does it).
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in this thread, so Django would refuse ORM calls
# from the test body without this. It must be set before Django touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
CSS = REPO / "plantrack" / "core" / "static" / "dist" / "plantrack.css"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

# Playwright's default of 30 s hides hangs for a long time; a page here renders in well under 1 s.
expect.set_options(timeout=5_000)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The live server runs in this process, so it sees this setting too.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CSS.exists():
        pytest.fail(
            f"{CSS.relative_to(REPO)} is missing: run `make assets` first "
            "(`make test` builds the assets before running the tests).",
            pytrace=False,
        )
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package.", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open extra contexts (e.g. with JavaScript off); all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(**options) -> BrowserContext:
        options.setdefault("viewport", VIEWPORT)
        # What PlanTrack's users have: dates read 22/11/2026, not 11/22/2026.
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Europe/London")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context) -> Page:
    return new_context().new_page()


def sign_in(page: Page, live_server, username: str, password: str = "pw") -> None:
    """Sign in through the real login form (django-axes is happy with a browser)."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise AssertionError(f"Could not sign in as {username!r}: still on {page.url}")


@pytest.fixture
def signed_in() -> Callable[..., None]:
    """``signed_in(page, live_server, username, password="pw")`` signs in through the form."""
    return sign_in


def take_screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """``screenshot(page, name)`` saves a full-page PNG to test-artifacts/screenshots/."""
    return take_screenshot
