"""The write-visibility matrix, generated from the OpenAPI schema.

Every write operation of the API (POST, PUT, PATCH, DELETE and the actions) is sent by a
team-A rep and a team-A manager against team B's objects. Each must be refused — 404 for a
team-B record, 403 for what the role may not do at all, 422 naming the field for a new record
that points at a team-B record — and must change nothing: the state of every table (history
tables included) is compared, by row count and a checksum of every row, before and after each
request. A new write operation fails :func:`test_every_write_operation_is_in_the_matrix` until
it is listed in ``WRITES``.

Then the indirect ways in: a record team A owns under a team-B parent (restoring it from the
recycle bin, moving it under another team-B record, deleting it), and the history of that
record. The team-B world, its objects and request bodies come from the read matrix
(``tests/api/test_visibility_matrix.py``) and the per-app ``tests/<app>/api_visibility.py`` hooks.
"""

from __future__ import annotations

from typing import Any

import pytest

from opensrm.core.services import record_create, record_delete
from opensrm.crm.models import Account, Activity, Contact, Lead
from tests.api.conftest import SECRET
from tests.api.test_visibility_matrix import _expected, _fill, _prefix, team_b  # noqa: F401 - fixture
from tests.write_matrix_support import api_write_operations, changed_tables, db_state

# "METHOD path": the answer to a team-A rep or manager acting on team B. "own" marks an operation
# that only ever acts on the caller's own records (nothing of team B can be named in it).
WRITES: dict[str, int | str] = {
    "POST /recycle-bin/{type}/{id}/restore": 404,
    "DELETE /recycle-bin/{type}/{id}": 404,
    "POST /tokens": "own",
    "DELETE /tokens/{id}": 404,
    "POST /users": 403,
    "PATCH /users/{id}": 403,
    # New records pointing at a team-B record: the reference is not a valid choice.
    "POST /accounts": 422,
    "POST /contacts": 422,
    "POST /leads": 422,
    "POST /opportunities": 422,
    "POST /activities": 422,
    "POST /orders": 422,
    "POST /accounts/{id}/team": 404,
    "DELETE /accounts/{id}/team/{user_id}": 404,
    "POST /leads/{id}/convert": 404,
    "POST /opportunities/{id}/move-stage": 404,
    "POST /opportunities/{id}/lines": 404,
    "DELETE /opportunities/{id}/lines/{line_id}": 404,
    "POST /orders/{id}/cancel": 404,
    "POST /allocation/scenarios": 403,
    "PATCH /allocation/scenarios/{id}": 404,
    "DELETE /allocation/scenarios/{id}": 404,
    "POST /allocation/scenarios/{id}/solve": 404,
    "POST /allocation/scenarios/{id}/apply": 404,
    "POST /allocation/scenarios/{id}/rollback": 404,
    "POST /allocation/scenarios/{id}/pareto": 404,
    "POST /allocation/scenarios/{id}/pareto/use": 404,
    "POST /allocation/leads/route": 403,
    "POST /allocation/leads/{id}/route": 404,
    "POST /quotes": 422,
    "PATCH /quotes/{id}": 404,
    "DELETE /quotes/{id}": 404,
    "PUT /price-lists/{id}/items": 403,
    "DELETE /price-lists/{id}/items/{product_id}": 403,
}
for _action in ("submit", "approve", "refuse", "send", "accept", "decline"):
    WRITES[f"POST /quotes/{{id}}/{_action}"] = 404
for _res in ("accounts", "contacts", "leads", "opportunities", "activities", "orders"):
    WRITES |= {f"PATCH /{_res}/{{id}}": 404, f"DELETE /{_res}/{{id}}": 404}
for _res in ("teams", "rep-profiles", "territories", "pipelines", "stages", "products", "price-lists"):
    WRITES |= {f"POST /{_res}": 403, f"PATCH /{_res}/{{id}}": 403, f"DELETE /{_res}/{{id}}": 403}

REFUSALS = {403, 404, 422}


def test_every_write_operation_is_in_the_matrix(db):
    operations = {f"{m} {p}" for m, p in api_write_operations()}
    missing = sorted(operations - WRITES.keys())
    assert not missing, f"add these write operations to the write matrix: {missing}"
    assert not WRITES.keys() - operations, "the write matrix lists operations the API no longer has"
    assert all(w == "own" or w in REFUSALS for w in WRITES.values())
    # The read matrix holds the request body of each operation; it must know them all too.
    assert not operations - _expected().keys()


def _values(org: Any, world: dict[str, Any], pipeline: Any) -> dict[str, Any]:
    return {
        "rep_a": org.rep_a.pk,
        "rep_b": org.rep_b.pk,
        "team_b": org.team_b.pk,
        "account": world["b"]["account"].pk,
        "product": world["b"]["product"].pk,
        "stage": pipeline.stages.last().pk,
        "pipeline": pipeline.pk,
    }


def _send(c: Any, method: str, url: str, body: Any, headers: dict[str, str]) -> Any:
    if method == "DELETE":
        return c.delete(url, **headers)
    return getattr(c, method.lower())(url, body, **headers)


def _assert_refused(response: Any, status: int, what: Any) -> None:
    assert response.status_code == status, (what, response.status_code, response.content[:500])
    assert response["Content-Type"] == "application/problem+json", what
    assert SECRET not in response.content.decode(), (what, response.content[:500])
    if status == 422:
        assert response.json()["errors"], f"{what}: a 422 must name the field it refuses"


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_team_a_writes_to_team_b_are_refused_and_change_nothing(
    who,
    org,
    world,
    team_b,  # noqa: F811 - the read matrix's fixture
    pipeline,
    client_for,
):
    expected_bodies = _expected()
    c = client_for(getattr(org, who))
    values = _values(org, world, pipeline)
    for method, path in api_write_operations():
        answer = WRITES[f"{method} {path}"]
        if answer == "own":
            continue
        _, body = expected_bodies[f"{method} {path}"]
        target = team_b["ids"].get(_prefix(path))
        url = path.replace("{type}", "account").replace("{user_id}", str(org.rep_b.pk))
        url = url.replace("{line_id}", str(team_b["line"].pk)).replace("{product_id}", str(values["product"]))
        if "{id}" in url:
            assert target is not None, f"no team-B object for {path}"
            url = url.replace("{id}", str(target.pk))
        version = getattr(target, "version", None)
        # A correct version: the refusal must come from who is asking, not from a stale ETag.
        headers = {"If-Match": f'"{version}"'} if version else {}
        before = db_state()
        response = _send(c, method, url, _fill(body, values) if body is not None else None, headers)
        _assert_refused(response, int(answer), (who, method, path))
        changes = changed_tables(before, db_state())
        assert not changes, f"{who} {method} {path} changed {changes}"


# --- indirect: a record team A owns under a team-B parent ---------------------------------------
@pytest.fixture
def own_child(org, world, pipeline) -> dict[str, Any]:
    """Sales ops files a contact and a task owned by rep_a on team B's account (rep_a sees them
    because they own them), and gives rep_a a lead of their own."""
    b = world["b"]
    contact = record_create(
        model=Contact,
        actor=org.ops,
        data={"account": b["account"], "name": "Alpha's contact at Beta", "owner": org.rep_a},
    )
    task = record_create(
        model=Activity,
        actor=org.ops,
        data={"subject": "Alpha's task at Beta", "account": b["account"], "owner": org.rep_a},
    )
    lead = record_create(model=Lead, actor=org.rep_a, data={"name": "Alpha lead", "company": "Alpha lead Co"})
    other_b = record_create(model=Account, actor=org.rep_b, data={"name": f"{SECRET} Second", "owner": org.rep_b})
    return {"contact": contact, "task": task, "lead": lead, "other_b": other_b}


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_restoring_an_own_child_does_not_bring_back_team_b_records(who, org, world, own_child, client_for):
    """Sales ops deletes team B's account: rep_a's contact on it goes to the bin in the same
    batch. Restoring that contact must not restore team B's account (nor anything else)."""
    account = world["b"]["account"]
    record_delete(instance=account, actor=org.ops, expected_version=account.version)
    contact = Contact.all_objects.get(pk=own_child["contact"].pk)
    assert contact.deleted_at is not None
    assert contact.deletion_batch is not None
    c = client_for(getattr(org, who))
    before = db_state()
    response = c.post(f"/recycle-bin/contact/{contact.pk}/restore")
    assert response.status_code in (403, 404, 409, 422), response.content[:500]
    assert SECRET not in response.content.decode()
    changes = changed_tables(before, db_state())
    assert not changes, f"restoring team A's contact changed {changes}"
    assert Account.objects.filter(pk=account.pk).count() == 0


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_the_recycle_bin_never_lists_team_b_records_deleted_with_an_own_child(who, org, world, own_child, client_for):
    account = world["b"]["account"]
    record_delete(instance=account, actor=org.ops, expected_version=account.version)
    c = client_for(getattr(org, who))
    for kind in ("account", "contact", "opportunity", "activity", "order"):
        listed = c.get("/recycle-bin", {"type": kind})
        assert listed.status_code == 200, kind
        assert SECRET not in listed.content.decode(), kind


@pytest.mark.parametrize(
    ("kind", "path", "body"),
    [
        ("contact", "/contacts/{id}", {"account_id": "{other_b}"}),
        ("task", "/activities/{id}", {"opportunity_id": "{opportunity_b}"}),
        ("task", "/activities/{id}", {"account_id": "{other_b}"}),
        ("contact", "/contacts/{id}", {"owner_id": "{rep_b}"}),
    ],
)
def test_an_own_child_cannot_be_moved_under_another_team_b_record(kind, path, body, org, world, own_child, client_for):
    record = own_child[kind]
    c = client_for(org.rep_a)
    values = {"other_b": own_child["other_b"].pk, "opportunity_b": world["b"]["opportunity"].pk, "rep_b": org.rep_b.pk}
    before = db_state()
    response = c.patch(path.format(id=record.pk), _fill(body, values), **{"If-Match": f'"{record.version}"'})
    _assert_refused(response, 422, (kind, body))
    assert set(response.json()["errors"]) & {*body, *(k.removesuffix("_id") for k in body)}, response.json()
    assert not changed_tables(before, db_state())


def test_converting_an_own_lead_into_a_team_b_account_is_refused(org, world, own_child, client_for):
    lead = own_child["lead"]
    c = client_for(org.rep_a)
    before = db_state()
    response = c.post(
        f"/leads/{lead.pk}/convert", {"account_id": world["b"]["account"].pk}, **{"If-Match": f'"{lead.version}"'}
    )
    assert response.status_code in (404, 422), response.content[:500]
    assert SECRET not in response.content.decode()
    assert not changed_tables(before, db_state())


def test_deleting_an_own_child_touches_only_that_child(org, world, own_child, client_for):
    """The parent (team B's account) and its other children stay as they were."""
    contact = own_child["contact"]
    c = client_for(org.rep_a)
    before = db_state()
    response = c.delete(f"/contacts/{contact.pk}", **{"If-Match": f'"{contact.version}"'})
    assert response.status_code == 204, response.content[:500]
    after = db_state()
    assert {t.split(":")[0] for t in changed_tables(before, after)} == {"crm.contact", "crm.historicalcontact"}


def test_the_history_of_an_own_child_shows_nothing_of_team_b(org, world, own_child, client_for):
    contact = own_child["contact"]
    c = client_for(org.rep_a)
    response = c.get(f"/contacts/{contact.pk}/history")
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
