"""The product walked as its users walk it: every role in both languages, in Chromium.

Each test starts from a small seeded company, signs in as one role in one language and crawls
every link, filter and form it is shown (bounded by route pattern, see ``crawl_support``). It
fails with the list of findings: 5xx, broken links, console and page errors, links a viewer is
shown but refused, text in the other language.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.conftest import PASSWORD, block_heavy_resources, submit_and_wait
from tests.e2e.crawl_support import Crawl, Vocabulary, report, seed_company

pytestmark = pytest.mark.e2e

# role -> the seeded user who has it (tests.factories.make_org)
USERS = {"admin": "admin", "sales_ops": "ops", "manager": "manager_a", "rep": "rep_a", "viewer": "viewer"}
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}
FORMS_LANGUAGE = "zh-hans"
# (route pattern, status) a role is refused on purpose although the page links it; each says why.
DELIBERATE: dict[str, set[tuple[str, int]]] = {}


# The seeded company as a copy of the whole SQLite database, taken after the first seed of this
# process (one per xdist worker).
_SEEDED: list[sqlite3.Connection] = []


def _seeded_company() -> None:
    """``seed_company()``, whose records every crawl starts from. On SQLite (the browser tests'
    database, in memory and shared with the live server) it is built once per process and then
    copied back into the emptied database before each crawl: the rows seeding again would give
    (with the first seed's ids), without its cost (the services, a solve). On another database
    it is built for each test."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        seed_company()
        return
    connection.ensure_connection()
    live = connection.connection
    if not _SEEDED:
        seed_company()
        snapshot = sqlite3.connect(":memory:", check_same_thread=False)
        live.backup(snapshot)
        _SEEDED.append(snapshot)
        return
    _SEEDED[0].backup(live)
    # the content types were made again (other ids) when the last test's data was flushed; the
    # ids of the records are the same in every crawl, so no figure cached by the last one may
    # be shown in this one
    ContentType.objects.clear_cache()
    cache.clear()


def _signed_in(browser, base_url: str, username: str, language: str):
    from opensrm.people.models import User

    # The language follows the user's setting.
    User.objects.filter(username=username).update(language=language)
    context = browser.new_context(locale=LOCALES[language], viewport={"width": 1366, "height": 900}, base_url=base_url)
    block_heavy_resources(context)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.set_default_navigation_timeout(30_000)
    page.goto("/accounts/login/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return context, page


@pytest.mark.parametrize("language", list(LOCALES))
@pytest.mark.parametrize("role", list(USERS))
def test_crawl(role, language, chromium_browser, live_server, transactional_db):
    _seeded_company()
    context, page = _signed_in(chromium_browser, live_server.url, USERS[role], language)
    # Forms are submitted (unchanged and changed) in the first language only: their behaviour
    # does not depend on the language, their pages' text is read in both.
    crawl = Crawl(
        page,
        live_server.url,
        role,
        language,
        Vocabulary.from_database(),
        DELIBERATE.get(role, set()),
        submit=language == FORMS_LANGUAGE,
    )
    try:
        findings = crawl.run()
    finally:
        context.close()
    assert crawl.pages > 20, f"the crawl reached only {crawl.pages} pages"
    assert not findings, f"{len(findings)} findings over {crawl.pages} pages:\n" + report(findings)


@pytest.mark.parametrize("language", list(LOCALES))
def test_allocation_draft_from_the_form_defaults_solves_and_its_pages_crawl(
    language, chromium_browser, live_server, transactional_db
):
    from opensrm.allocation.models import AllocationPlan, ScenarioStatus

    _seeded_company()
    context, page = _signed_in(chromium_browser, live_server.url, "ops", language)
    crawl = Crawl(page, live_server.url, "sales_ops", language, Vocabulary.from_database(), set())
    try:
        before = set(AllocationPlan.objects.values_list("pk", flat=True))
        page.goto("/allocation/new/")
        if not page.input_value("#id_name"):
            page.fill("#id_name", "Defaults" if language == "en" else "默认参数")
            crawl.vocab.add(page.input_value("#id_name"))
        submit_and_wait(page, "#scenario-form button[type=submit]")  # "**/allocation/*/" matches new/
        page.wait_for_url(lambda url: "/allocation/new/" not in url)
        scenario = AllocationPlan.objects.exclude(pk__in=before).get()
        assert scenario.status == ScenarioStatus.DRAFT
        page.click("#solve-button")
        page.wait_for_selector(
            "#scenario-status[data-status=solved], #scenario-status[data-status=failed]", timeout=60_000
        )
        scenario.refresh_from_db()
        assert (scenario.status, scenario.result_status) in {
            (ScenarioStatus.SOLVED, "optimal"),
            (ScenarioStatus.SOLVED, "feasible"),
        }, f"{scenario.status} {scenario.result_status}: {scenario.progress_message}"
        findings = crawl.run(
            start=[f"/allocation/{scenario.pk}/", "/allocation/", "/allocation/new/"], scope="/allocation/"
        )
    finally:
        context.close()
    assert not findings, f"{len(findings)} findings over {crawl.pages} pages:\n" + report(findings)
