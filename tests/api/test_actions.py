"""Actions beyond field changes, sub-resources, the recycle bin, search and cursor pages."""

from __future__ import annotations

from decimal import Decimal

from opensrm.core.services import record_create
from opensrm.crm.models import (
    Account,
    AccountTeamMember,
    Contact,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityLine,
    Order,
    StageChange,
)
from tests.api.conftest import SECRET, if_match


def test_lead_convert_is_one_transaction(org, world, client_for):
    c = client_for(org.rep_a)
    lead = world["a"]["lead"]
    assert c.post(f"/leads/{lead.pk}/convert", {}).status_code == 428
    accounts = Account.objects.count()
    refused = c.post(f"/leads/{lead.pk}/convert", {"pipeline_id": 999999}, **if_match(lead))
    assert refused.status_code == 422
    assert "pipeline_id" in refused.json()["errors"]
    hidden = c.post(f"/leads/{lead.pk}/convert", {"account_id": world["b"]["account"].pk}, **if_match(lead))
    assert hidden.status_code == 422
    assert "account_id" in hidden.json()["errors"]
    assert Account.objects.count() == accounts
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.NEW

    done = c.post(
        f"/leads/{lead.pk}/convert", {"amount": "500.00", "opportunity_name": "First order"}, **if_match(lead)
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert (
        body["lead"]["status"] == "converted"
    )
    assert (
        body["lead"]["converted_account_id"] == body["account_id"]
    )
    assert Account.objects.get(pk=body["account_id"]).name == "Alpha Co"
    assert Contact.objects.get(pk=body["contact_id"]).account_id == body["account_id"]
    assert Opportunity.objects.get(pk=body["opportunity_id"]).amount == Decimal("500.00")
    again = c.post(f"/leads/{lead.pk}/convert", {}, **if_match(lead))
    assert again.status_code == 422
    assert Account.objects.count() == accounts + 1
    assert (
        client_for(org.rep_a)
        .post(f"/leads/{world['b']['lead'].pk}/convert", {}, **if_match(world["b"]["lead"]))
        .status_code
        == 404
    )


def test_move_stage_records_the_stage_history(org, world, client_for):
    c = client_for(org.rep_a)
    opp = world["a"]["opportunity"]
    lost = opp.pipeline.stages.get(is_lost=True)
    assert c.post(f"/opportunities/{opp.pk}/move-stage", {"stage_id": lost.pk}).status_code == 428
    needs_reason = c.post(f"/opportunities/{opp.pk}/move-stage", {"stage_id": lost.pk}, **if_match(opp))
    assert needs_reason.status_code == 422
    assert "lost_reason" in needs_reason.json()["errors"]
    moved = c.post(
        f"/opportunities/{opp.pk}/move-stage", {"stage_id": lost.pk, "lost_reason": "Price"}, **if_match(opp)
    )
    assert moved.status_code == 200
    assert moved.json()["stage_id"] == lost.pk
    assert moved.json()["closed_at"]
    assert moved["ETag"] == f'"{moved.json()["version"]}"'
    stale = c.post(f"/opportunities/{opp.pk}/move-stage", {"stage_id": opp.stage_id}, **{"If-Match": '"1"'})
    assert stale.status_code == 412
    history = c.get(f"/opportunities/{opp.pk}/stage-history").json()
    assert [h["to_stage_id"] for h in history] == [opp.stage_id, lost.pk]
    assert StageChange.objects.filter(opportunity=opp).count() == 2


def test_opportunity_lines(org, world, client_for):
    c = client_for(org.rep_a)
    opp, product = world["a"]["opportunity"], world["a"]["product"]
    added = c.post(
        f"/opportunities/{opp.pk}/lines", {"product_id": product.pk, "quantity": "3", "discount_pct": "10"}
    )
    assert added.status_code == 201
    assert added.json()["amount"] == "27.00"
    assert (
        c.post(f"/opportunities/{opp.pk}/lines", {"product_id": product.pk, "quantity": "0"}).status_code
        == 422
    )
    assert len(c.get(f"/opportunities/{opp.pk}/lines").json()) == 2
    line_id = added.json()["id"]
    b_line = world["b"]["line"]
    assert c.delete(f"/opportunities/{opp.pk}/lines/{b_line.pk}").status_code == 404
    assert client_for(org.viewer).delete(f"/opportunities/{opp.pk}/lines/{line_id}").status_code == 403
    assert c.delete(f"/opportunities/{opp.pk}/lines/{line_id}").status_code == 204
    assert OpportunityLine.objects.filter(opportunity=opp).count() == 1
    assert OpportunityLine.objects.filter(pk=b_line.pk).exists()


def test_account_team_members_grant_visibility(org, world, client_for):
    owner = client_for(org.rep_a)
    account = world["a"]["account"]
    assert client_for(org.rep_b).get(f"/accounts/{account.pk}").status_code == 404
    added = owner.post(f"/accounts/{account.pk}/team", {"user_id": org.rep_b.pk, "role": "engineer"})
    assert added.status_code == 201
    assert added.json()["user_id"] == org.rep_b.pk
    assert owner.post(f"/accounts/{account.pk}/team", {"user_id": org.rep_b.pk}).status_code == 409
    assert {m["user_id"] for m in owner.get(f"/accounts/{account.pk}/team").json()} == {
        org.rep_a.pk,
        org.rep_b.pk,
    }
    assert client_for(org.rep_b).get(f"/accounts/{account.pk}").status_code == 200
    assert owner.delete(f"/accounts/{account.pk}/team/{org.rep_b.pk}").status_code == 204
    assert owner.delete(f"/accounts/{account.pk}/team/{org.rep_b.pk}").status_code == 404
    assert client_for(org.rep_b).get(f"/accounts/{account.pk}").status_code == 404
    assert not AccountTeamMember.objects.filter(account=account, user=org.rep_b).exists()


def test_order_cancel(org, world, client_for):
    c = client_for(org.rep_a)
    order = world["a"]["order"]
    assert order.total == Decimal("30.00")
    assert c.post(f"/orders/{order.pk}/cancel").status_code == 428
    cancelled = c.post(f"/orders/{order.pk}/cancel", **if_match(order))
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert len(cancelled.json()["lines"]) == 1
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    assert (
        c.post(f"/orders/{world['b']['order'].pk}/cancel", **if_match(world["b"]["order"])).status_code == 404
    )


def test_recycle_bin_lists_and_restores_with_children(org, world, client_for):
    c = client_for(org.rep_a)
    account = world["a"]["account"]
    assert c.delete(f"/accounts/{account.pk}", **if_match(account)).status_code == 204
    assert c.get(f"/contacts/{world['a']['contact'].pk}").status_code == 404
    binned = c.get("/recycle-bin", {"type": "account"}).json()["items"]
    assert [(i["id"], i["label"]) for i in binned] == [(account.pk, "Alpha Account")]
    assert c.get("/recycle-bin", {"type": "nonsense"}).status_code == 422
    assert client_for(org.rep_b).get("/recycle-bin", {"type": "account"}).json()["items"] == []
    assert client_for(org.rep_b).post(f"/recycle-bin/account/{account.pk}/restore").status_code == 404
    assert client_for(org.viewer).post(f"/recycle-bin/account/{account.pk}/restore").status_code == 403
    restored = c.post(f"/recycle-bin/account/{account.pk}/restore")
    assert restored.status_code == 200
    assert restored.json()["label"] == "Alpha Account"
    assert c.get(f"/contacts/{world['a']['contact'].pk}").status_code == 200
    assert c.get("/recycle-bin", {"type": "account"}).json()["items"] == []
    types = [e["type"] for e in c.get(f"/accounts/{account.pk}/history").json()["items"]]
    assert types[:2] == ["restored", "deleted"]


def test_search_respects_visibility(org, world, client_for):
    mine = client_for(org.rep_a).get("/search", {"q": "alpha"}).json()["items"]
    assert {h["type"] for h in mine} == {"account", "contact", "lead", "opportunity"}
    assert client_for(org.rep_a).get("/search", {"q": SECRET}).json()["items"] == []
    theirs = client_for(org.manager_b).get("/search", {"q": SECRET}).json()["items"]
    assert {h["type"] for h in theirs} == {"account", "contact", "lead", "opportunity"}
    assert client_for(org.rep_a).get("/search").status_code == 422


def test_cursor_pages_are_stable_with_ties(org, client_for):
    for i in range(23):
        record_create(
            model=Account, actor=org.rep_a, data={"name": "Same name" if i % 2 else f"Name {i:02d}"}
        )
    c = client_for(org.rep_a)
    seen: list[int] = []
    url, params = "/accounts", {"ordering": "name", "limit": 4}
    while url:
        page = c.get(url, params).json()
        seen.extend(item["id"] for item in page["items"])
        url, params = page["next"], None
        if url:
            record_create(model=Account, actor=org.rep_a, data={"name": "AAA inserted meanwhile"})
    expected = list(
        Account.objects.exclude(name="AAA inserted meanwhile")
        .order_by("name", "id")
        .values_list("id", flat=True)
    )
    assert seen == expected
    desc = c.get("/accounts", {"ordering": "-name", "limit": 3}).json()
    following = c.get("/accounts", {"ordering": "-name", "limit": 3, "cursor": desc["next_cursor"]}).json()
    assert not {i["id"] for i in desc["items"]} & {i["id"] for i in following["items"]}
    wrong = c.get("/accounts", {"ordering": "name", "cursor": desc["next_cursor"]})
    assert wrong.status_code == 422
    assert "cursor" in wrong.json()["errors"]


def test_opportunity_without_pipeline_or_stage_starts_in_the_default_pipeline(org, world, pipeline, client_for):
    c = client_for(org.rep_a)
    account = world["a"]["account"]
    made = c.post("/opportunities", {"account_id": account.pk, "name": "Renewal", "expected_close_date": "2027-03-31"})
    assert made.status_code == 201, made.content
    body = made.json()
    first = pipeline.stages.order_by("order").first()
    assert body["pipeline_id"] == pipeline.pk
    assert body["stage_id"] == first.pk
    assert StageChange.objects.filter(opportunity_id=body["id"], from_stage=None, to_stage=first).count() == 1

    # a stage alone brings its pipeline; a stage of another pipeline is refused with its field named
    other = record_create(model=type(pipeline), actor=org.admin, data={"name": "Projects", "is_default": False})
    stage = record_create(
        model=type(first), actor=org.admin, data={"pipeline": other, "name": "Scope", "order": 1, "probability": 20}
    )
    by_stage = c.post(
        "/opportunities",
        {"account_id": account.pk, "name": "Project", "expected_close_date": "2027-03-31", "stage_id": stage.pk},
    )
    assert by_stage.status_code == 201
    assert by_stage.json()["pipeline_id"] == other.pk
    mixed = c.post(
        "/opportunities",
        {
            "account_id": account.pk,
            "name": "Mixed",
            "expected_close_date": "2027-03-31",
            "pipeline_id": pipeline.pk,
            "stage_id": stage.pk,
        },
    )
    assert mixed.status_code == 422
    assert "stage" in str(mixed.json()["errors"])
