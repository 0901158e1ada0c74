"""Browser tests: Playwright (sync API) driving Debian's Chromium against the live server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pw-Strong-123"
# Images and web fonts change no text, link or status the tests judge; not loading them saves
# a good part of every page load on a busy machine.
HEAVY_RESOURCES = "**/*.{png,jpg,jpeg,gif,webp,ico,woff,woff2,ttf,otf}"


def block_heavy_resources(context) -> None:
    context.route(HEAVY_RESOURCES, lambda route: route.abort())


@pytest.fixture(scope="session")
def chromium_browser():
    if not CHROMIUM.exists():
        missing = "Chromium is not installed at /usr/bin/chromium (apt-get install chromium fonts-wqy-microhei)"
        if os.environ.get("CI") == "true":  # in CI the browser tests cannot be skipped
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def web_page(chromium_browser, live_server):
    context = chromium_browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    # the first page a fresh live server renders (static files, a cold cache) takes longer on
    # a machine shared with other test runs
    page.set_default_navigation_timeout(30_000)
    yield page
    context.close()


@pytest.fixture
def e2e_org(transactional_db):
    from tests.factories import make_org, make_pipeline

    return make_org(), make_pipeline()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    # "**/" matches the login page itself: wait for the page the sign-in lands on
    with page.expect_navigation():
        page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def submit_and_wait(page, selector: str) -> None:
    """Click a button that submits a full-page form and return once the answer is the page
    shown (a POST that redirects has committed its write by then). ``wait_for_load_state``
    alone returns at once: the page it waits for is still the one the click left."""
    with page.expect_navigation():
        page.click(selector)
