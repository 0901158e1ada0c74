"""A request Django refuses before any view (here a disallowed Host header) still answers the API's
problem document on API paths, and the plain 400 page elsewhere."""

from __future__ import annotations

import json


def test_disallowed_host_on_the_api_is_a_problem_document(client, db):
    response = client.get("/api/v1/accounts", HTTP_HOST="")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["status"] == 400
    assert body["type"] == "urn:opensrm:problem:bad_request"
    assert body["detail"]


def test_disallowed_host_on_a_page_is_the_plain_400_page(client, db):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
