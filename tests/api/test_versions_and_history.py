"""A record's ETag covers its lines and team; one default pipeline; history in cursor pages."""

from __future__ import annotations

import pytest

from opensrm.core.services import record_update
from opensrm.crm.models import Account, AccountTeamMember, Opportunity, OpportunityLine, Pipeline
from tests.api.conftest import if_match


def _etag(c, path: str) -> str:
    response = c.get(path)
    assert response.status_code == 200
    return response["ETag"]


# --- lines and team members are part of their parent ----------------------------------------
def test_adding_and_removing_a_line_moves_the_opportunity_etag_and_writes_its_history(org, world, client_for):
    c = client_for(org.rep_a)
    opp = world["a"]["opportunity"]
    path = f"/opportunities/{opp.pk}"
    stale = _etag(c, path)

    added = c.post(f"{path}/lines", {"product_id": world["a"]["product"].pk, "quantity": "3"})

    assert added.status_code == 201, added.content
    after_add = _etag(c, path)
    assert after_add != stale
    # A PATCH based on the version read before the line came is refused, and changes nothing.
    assert c.patch(path, {"amount": "9.00"}, **{"If-Match": stale}).status_code == 412
    assert Opportunity.objects.get(pk=opp.pk).amount != 9

    assert c.delete(f"{path}/lines/{added.json()['id']}").status_code == 204
    assert _etag(c, path) != after_add
    events = c.get(f"{path}/history").json()["items"]
    assert [e["type"] for e in events[:2]] == ["line_removed", "line_added"]
    assert {e["actor"] for e in events[:2]} == {"rep_a"}


def test_adding_and_removing_a_team_member_moves_the_account_etag_and_writes_its_history(
    org, world, client_for
):
    c = client_for(org.rep_a)
    account = world["a"]["account"]
    path = f"/accounts/{account.pk}"
    stale = _etag(c, path)

    assert c.post(f"{path}/team", {"user_id": org.rep_a1.pk, "role": "support"}).status_code == 201
    after_add = _etag(c, path)
    assert after_add != stale
    assert c.patch(path, {"name": "Renamed"}, **{"If-Match": stale}).status_code == 412

    assert c.delete(f"{path}/team/{org.rep_a1.pk}").status_code == 204
    assert _etag(c, path) != after_add
    events = c.get(f"{path}/history").json()["items"]
    assert [e["type"] for e in events[:2]] == ["team_member_removed", "team_member_added"]
    assert events[0]["actor"] == "rep_a"


def test_a_refused_child_change_leaves_the_parent_version_alone(org, world, client_for):
    c = client_for(org.rep_a)
    account = world["a"]["account"]
    version = Account.objects.get(pk=account.pk).version
    members = AccountTeamMember.objects.count()

    # rep_a is already on the team (make_side put them there): 409.
    assert c.post(f"/accounts/{account.pk}/team", {"user_id": org.rep_a.pk}).status_code == 409
    assert c.delete(f"/accounts/{account.pk}/team/{org.rep_b.pk}").status_code == 404
    lines = OpportunityLine.objects.count()
    bad = c.post(f"/opportunities/{world['a']['opportunity'].pk}/lines", {"product_id": 999999})
    assert bad.status_code == 422

    assert Account.objects.get(pk=account.pk).version == version
    assert AccountTeamMember.objects.count() == members
    assert OpportunityLine.objects.count() == lines


# --- one default pipeline -------------------------------------------------------------------
def test_making_a_pipeline_the_default_clears_the_others(org, pipeline, client_for):
    c = client_for(org.ops)
    created = c.post("/pipelines", {"name": "Enterprise", "is_default": True})
    assert created.status_code == 201, created.content
    enterprise = created.json()["id"]

    assert list(Pipeline.objects.filter(is_default=True).values_list("pk", flat=True)) == [enterprise]
    pipeline.refresh_from_db()
    assert pipeline.version == 2  # the old default's ETag moved on, and its history says who
    events = c.get(f"/pipelines/{pipeline.pk}/history").json()["items"]
    assert events[0]["actor"] == "ops"
    assert {"field": "is_default", "old": True, "new": False} in events[0]["changes"]

    back = c.patch(f"/pipelines/{pipeline.pk}", {"is_default": True}, **if_match(pipeline))
    assert back.status_code == 200
    assert back.json()["is_default"] is True
    assert list(Pipeline.objects.filter(is_default=True).values_list("pk", flat=True)) == [pipeline.pk]
    assert c.get("/pipelines", {"is_default": True}).json()["items"][0]["id"] == pipeline.pk


def test_a_refused_default_change_clears_nothing(org, pipeline, client_for):
    other = Pipeline.objects.create(name="Other")
    stale = {"If-Match": '"7"'}

    ops = client_for(org.ops)
    assert ops.patch(f"/pipelines/{other.pk}", {"is_default": True}, **stale).status_code == 412
    assert client_for(org.rep_a).patch(
        f"/pipelines/{other.pk}", {"is_default": True}, **if_match(other)
    ).status_code == 403
    assert client_for(org.rep_a).post("/pipelines", {"name": "Mine", "is_default": True}).status_code == 403

    assert list(Pipeline.objects.filter(is_default=True).values_list("pk", flat=True)) == [pipeline.pk]
    assert Pipeline.objects.get(pk=pipeline.pk).version == 1


# --- history pages --------------------------------------------------------------------------
@pytest.fixture
def renamed(org, world):
    """rep_a's account, renamed seven times: eight events, newest first "Name 7" ... created."""
    account = world["a"]["account"]
    for i in range(1, 8):
        record_update(instance=account, actor=org.rep_a, data={"name": f"Name {i}"}, expected_version=None)
    return account


def test_history_reads_in_pages_that_add_up_to_the_whole(org, renamed, client_for):
    c = client_for(org.rep_a)
    path = f"/accounts/{renamed.pk}/history"
    whole = c.get(path, {"limit": 500}).json()
    assert whole["next_cursor"] is None
    assert whole["next"] is None

    pages, params = [], {"limit": 3}
    while True:
        page = c.get(path, params).json()
        pages.append(page["items"])
        if page["next_cursor"] is None:
            break
        params = {"limit": 3, "cursor": page["next_cursor"]}

    assert [len(p) for p in pages] == [3, 3, len(whole["items"]) - 6]
    assert [e for p in pages for e in p] == whole["items"]
    # The oldest event of a page is diffed against the first event of the next one.
    assert {"field": "name", "old": "Name 4", "new": "Name 5"} in pages[0][2]["changes"]
    assert pages[-1][-1]["type"] == "created"


def test_the_next_link_reads_the_next_page(org, renamed, client_for):
    c = client_for(org.rep_a)
    first = c.get(f"/accounts/{renamed.pk}/history", {"limit": 2}).json()
    second = c.get(first["next"]).json()

    assert [e["id"] for e in second["items"]] == [
        e["id"] for e in c.get(f"/accounts/{renamed.pk}/history", {"limit": 4}).json()["items"][2:]
    ]


@pytest.mark.parametrize("cursor", ["garbage", "eyJ4IjoxfQ", "eyJhdCI6IjIwMjYtMDEtMDEiLCJpZCI6MX0"])
def test_a_bad_cursor_or_limit_is_422(cursor, org, renamed, client_for):
    c = client_for(org.rep_a)
    response = c.get(f"/accounts/{renamed.pk}/history", {"cursor": cursor})
    assert response.status_code == 422
    assert "cursor" in response.json()["errors"]
    assert c.get(f"/accounts/{renamed.pk}/history", {"limit": 0}).status_code == 422


def test_a_history_page_costs_the_same_queries_whatever_its_size(
    org, renamed, client_for, django_assert_num_queries
):
    c = client_for(org.rep_a)
    c.get("/me")  # the first request of a session also records when it was last seen
    counts = []
    for limit in (2, 8):
        with django_assert_num_queries(4) as captured:
            assert len(c.get(f"/accounts/{renamed.pk}/history", {"limit": limit}).json()["items"]) == limit
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_history_schema_declares_the_page_parameters():
    from opensrm.config.api import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/stages/{id}/history"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"id", "limit", "cursor"} <= names
    assert 422 in operation["responses"]
