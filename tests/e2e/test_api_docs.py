"""The API reference page: Swagger UI renders the operations in the browser."""

from __future__ import annotations

import json

import pytest


def _refuse_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    keys = [key for key, _ in pairs]
    duplicated = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicated, f"duplicated keys {duplicated} in {keys}"
    return dict(pairs)


@pytest.mark.django_db
def test_openapi_document_has_no_duplicated_keys(client):
    # Swagger UI parses the document as YAML, which refuses a key twice in one mapping (Python
    # writes an int 200 and a str "200" as the same JSON key) and then shows no operation at all.
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    json.loads(response.content, object_pairs_hook=_refuse_duplicate_keys)


@pytest.mark.e2e
def test_api_docs_show_the_operations(web_page, live_server):
    page = web_page
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)

    # A request to another origin (a CDN) is refused here at once, as a strict CSP or an offline
    # installation would refuse it, instead of hanging until a timeout.
    def off_origin(route):
        problems.append(f"off-origin request: {route.request.url}")
        route.abort()

    page.route(lambda url: not url.startswith(live_server.url), off_origin)
    response = page.goto("/api/v1/docs")
    assert response is not None
    assert response.status == 200
    assert "cdn" not in response.text().lower()
    # The document takes a few seconds to build on a busy machine.
    # A selector wait, not wait_for_function: the page's CSP forbids the eval that one needs.
    page.wait_for_selector(".opblock, .errors-wrapper, .loading-container .errors", timeout=30_000)
    operations = page.locator(".opblock").count()
    assert operations >= 10, f"only {operations} operation blocks; {problems}"
    assert page.locator(".opblock .opblock-summary-path").first.inner_text().startswith("/api/v1/")
    assert problems == []
