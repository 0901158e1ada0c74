"""Authentication (sessions with CSRF, API tokens) and the shape of every error."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from opensrm.core.api.tokens import api_token_create
from opensrm.core.models import ApiToken
from opensrm.crm.models import Account
from tests.api.conftest import ApiClient


def test_anonymous_gets_401_problem(db):
    response = ApiClient().get("/accounts")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert ApiClient().post("/accounts", {"name": "X"}).status_code == 401
    assert not Account.objects.exists()


def test_problem_document_shape(org, client_for):
    c = client_for(org.rep_a)
    bad = c.post("/accounts", {"name": "", "employees": -1})
    body = bad.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}
    assert body["status"] == 422
    assert body["type"].startswith("urn:opensrm:problem:")
    assert set(body["errors"]) == {"name", "employees"}
    assert all(isinstance(m, str) for msgs in body["errors"].values() for m in msgs)
    missing = c.get("/accounts/999999")
    assert missing.status_code == 404
    assert missing.json()["status"] == 404
    assert missing["Content-Type"] == "application/problem+json"
    not_allowed = c.put("/accounts", {"name": "X"})
    assert not_allowed.status_code == 405
    assert not_allowed.json()["status"] == 405
    assert "GET" in not_allowed["Allow"]
    malformed = c.client.post("/api/v1/accounts", data="{not json", content_type="application/json")
    assert malformed.status_code in (400, 422)
    assert malformed["Content-Type"] == "application/problem+json"
    assert not Account.objects.exists()


def test_session_writes_need_the_csrf_token(org):
    c = ApiClient(org.rep_a, enforce_csrf=True)
    assert c.get("/accounts").status_code == 200  # safe methods need no token
    refused = c.post("/accounts", {"name": "Forged"})
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    assert not Account.objects.exists()
    secret = "k" * 32  # what a page's csrftoken cookie holds; the header repeats it
    c.client.cookies["csrftoken"] = secret
    assert c.post("/accounts", {"name": "Forged"}, **{"X-CSRFToken": "z" * 32}).status_code == 403
    header = secret
    accepted = c.post("/accounts", {"name": "Real"}, **{"X-CSRFToken": header})
    assert accepted.status_code == 201, accepted.content
    assert list(Account.objects.values_list("name", flat=True)) == ["Real"]


def test_tokens_are_created_listed_and_revoked_through_the_api(org, client_for):
    c = client_for(org.rep_a)
    created = c.post("/tokens", {"name": "laptop", "scopes": ["write"], "expires_in_days": 7})
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith(f"osrm_{created.json()['prefix']}_")
    assert created.json()["scopes"] == ["read", "write"]
    stored = ApiToken.objects.get()
    assert secret.split("_", 2)[2] not in stored.key_hash
    assert len(stored.key_hash) == 64
    listed = c.get("/tokens").json()
    assert [t["name"] for t in listed] == ["laptop"]
    assert "token" not in listed[0]

    bearer = ApiClient(token=secret)
    assert bearer.get("/me").json()["username"] == "rep_a"
    assert bearer.post("/accounts", {"name": "Via token"}).status_code == 201
    assert bearer.post("/tokens", {"name": "child"}).status_code == 401  # a token cannot mint tokens
    assert ApiToken.objects.count() == 1
    ApiToken.objects.filter(pk=stored.pk).update(last_used_at=None)
    bearer.get("/me")
    assert ApiToken.objects.get().last_used_at is not None

    assert client_for(org.rep_b).delete(f"/tokens/{stored.pk}").status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert c.delete(f"/tokens/{stored.pk}").status_code == 204
    assert bearer.get("/me").status_code == 401
    assert c.post("/tokens", {"name": "x", "scopes": ["admin"]}).status_code == 422


def test_read_scope_can_only_read(org):
    _, secret = api_token_create(user=org.rep_a, name="ro", scopes=["read"])
    c = ApiClient(token=secret)
    assert c.get("/accounts").status_code == 200
    refused = c.post("/accounts", {"name": "Nope"})
    assert refused.status_code == 403
    assert refused.json()["status"] == 403
    assert not Account.objects.exists()


def test_expired_revoked_and_wrong_tokens_are_401(org):
    _, expired = api_token_create(user=org.rep_a, name="old", scopes=["read"], expires_in_days=1)
    ApiToken.objects.filter(name="old").update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    token, revoked = api_token_create(user=org.rep_a, name="gone", scopes=["read"])
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    _, good = api_token_create(user=org.rep_a, name="good", scopes=["read"])
    prefix = good.split("_")[1]
    wrong_secret = f"osrm_{prefix}_{'x' * 43}"
    for raw in (expired, revoked, wrong_secret, "osrm_nope_nope", "garbage", f"osrm_{prefix}_"):
        assert ApiClient(token=raw).get("/accounts").status_code == 401, raw
    assert ApiClient(token=good).get("/accounts").status_code == 200
    org.rep_a.is_active = False
    org.rep_a.save()
    assert ApiClient(token=good).get("/accounts").status_code == 401


def test_values_the_database_cannot_hold_are_422_not_500(org, client_for):
    c = client_for(org.rep_a)
    assert c.get("/accounts", {"owner": 2**70}).status_code == 422
    assert c.get("/accounts", {"q": "a\x00b"}).status_code == 422
    assert c.post("/contacts", {"name": "X", "account_id": 2**70}).status_code == 422
    assert c.post("/accounts", {"name": "X", "employees": 2**40}).status_code == 422
    assert not Account.objects.exists()
