"""The list toolbar and the global search in Chromium: what the address bar and Enter do."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import sign_in
from tests.factories import make_account

pytestmark = pytest.mark.e2e


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _until(page, part: str) -> None:
    """pushState is not a navigation Playwright waits for: poll the address bar."""
    for _ in range(150):
        if part in page.url:
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{part} never reached the address bar: {page.url}")


def _settle(page) -> None:
    page.wait_for_load_state("networkidle")
    page.locator(".htmx-request").first.wait_for(state="detached")


def test_the_address_bar_follows_each_filter_and_a_saved_view_stores_it_once(web_page, e2e_org):
    org, _pipeline = e2e_org
    make_account(org.rep_a, name="Wuxi Motors", status="customer")
    make_account(org.rep_a, name="Wuhan Steel", status="prospect")
    page = web_page
    page.set_default_timeout(30_000)  # the first page of a session on a busy machine
    sign_in(page, "rep_a")
    page.goto("/accounts/")
    page.fill("form.toolbar input[name=q]", "Wu")
    _until(page, "q=Wu")
    _settle(page)
    assert _query(page.url)["q"] == ["Wu"]
    page.select_option("form.toolbar select[name=status]", "customer")
    _until(page, "status=customer")
    _settle(page)
    query = _query(page.url)
    assert query["q"] == ["Wu"]
    assert query["status"] == ["customer"]
    assert page.locator("#list-results").inner_text().count("Wuxi Motors") == 1
    assert "Wuhan Steel" not in page.locator("#list-results").inner_text()
    page.select_option("form.toolbar select[name=status]", "prospect")
    _until(page, "status=prospect")
    _settle(page)
    query = _query(page.url)
    assert query["status"] == ["prospect"], page.url
    # cols= (the column chooser) is a list by design; every filter appears once.
    assert all(len(v) == 1 for k, v in query.items() if k != "cols"), page.url
    page.locator("form.toolbar details.menu:has(#saved-view-name) > summary").click()  # not the Columns menu
    page.fill("#saved-view-name", "Wu prospects")
    # the POST's answer (a redirect) is sent after the view is stored; the page it leads to
    # shows the view's name
    with page.expect_response(lambda r: r.request.method == "POST" and "/views/account/" in r.url) as posted:
        page.click("button[form=save-view-form]")
    assert posted.value.status == 302
    page.wait_for_selector(".chip a >> text=Wu prospects")
    from opensrm.web.models import SavedView

    view = SavedView.objects.get(user=org.rep_a)
    stored = parse_qs(view.querystring)
    assert stored["q"] == ["Wu"]
    assert stored["status"] == ["prospect"]
    assert all(len(v) == 1 for k, v in stored.items() if k != "cols"), view.querystring


@pytest.mark.parametrize("wait_for_typeahead", [True, False])
@pytest.mark.parametrize("start", ["/", "/accounts/"])
def test_enter_in_the_global_search_opens_the_results_page(web_page, e2e_org, start, wait_for_typeahead):
    org, _pipeline = e2e_org
    make_account(org.rep_a, name="Suzhou Optics")
    page = web_page
    page.set_default_timeout(30_000)  # the first page of a session on a busy machine
    sign_in(page, "rep_a")
    page.goto(start)
    page.click("#global-search")
    page.keyboard.type("Suzhou")
    if wait_for_typeahead:
        page.wait_for_selector("#search-dropdown a")
        if start != "/":
            # the list's own filter must not react to the global search box
            page.wait_for_timeout(800)
            _settle(page)
            assert "q=" not in page.url
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Suzhou*")
    # nothing still pending on the page we left may pull the browser back to it
    page.wait_for_timeout(1200)
    page.wait_for_load_state("networkidle")
    assert "/search/?q=Suzhou" in page.url
    assert "Suzhou Optics" in page.locator("main").inner_text()


def test_arrow_keys_walk_the_typeahead_and_enter_opens_the_chosen_record(web_page, e2e_org):
    org, _pipeline = e2e_org
    account = make_account(org.rep_a, name="Suzhou Optics")
    page = web_page
    page.set_default_timeout(30_000)
    sign_in(page, "rep_a")
    page.click("#global-search")
    page.keyboard.type("Suzhou")
    page.wait_for_selector("#search-dropdown a")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith("Suzhou Optics")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/accounts/{account.pk}/")
