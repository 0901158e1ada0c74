"""Property-based tests of the whole REST API against its own OpenAPI schema.

Every operation of ``/api/v1`` is called with generated requests (schemathesis, valid and
invalid path parameters, headers, query strings and bodies) by a sales-ops user holding a
write-scoped API token, over a small organisation with records of every kind. Every check
schemathesis has for one identity runs: no server error; the status code, content type,
headers (``ETag``) and body the schema declares; invalid data (a wrong type, an unknown field,
a value out of range) refused with a 4xx; a required header left out refused; the
authentication enforced. ``If-Match`` is honoured: an unsafe request with a stale version or
none never succeeds. Valid data is not required to succeed (a valid request may still break a
business rule, or name a version that is not current), so ``positive_data_acceptance`` does
not run; nor ``object_level_authorization``, which needs a second identity
(``test_visibility_matrix.py`` covers that). The schema's links (create -> read -> change ->
delete) are followed on real records in ``test_api_links.py``.

Generated ids are mostly unknown, so, to reach real records as well as 404s, half of the time
a path id is replaced by the id of an existing record of that path's kind (a deleted one for
the recycle bin), unless the path is the invalid part of the case. An unsafe request on a
versioned record sends ``If-Match`` with the record's current version, a stale one or none, so
updates and deletes are exercised as well as 412 and 428.

No operation runs with fewer examples. The solve and trade-off endpoints queue their job on
commit, and a test's transaction is never committed, so they answer 202 without solving; the
lead-routing endpoints solve synchronously, but over a handful of leads.

Whatever a request does to the caller (deactivating their own user, revoking their own token,
taking away the sales-ops role), the caller is restored before the next request, so every
example runs authenticated. The records are built once per module; each test rolls back to
them. Examples are derandomized: every run sends the same requests.

Run time: the example budget is ``EXAMPLES`` per operation (25 under the ``ci`` profile, 6 under
``check``), the same on every run, which keeps the module under three minutes on a shared core
(60 per operation took over three minutes of a core by itself). Most of it is generating the
examples, not answering them. The examples are fixed by a seed per database (``SEEDS``): every
SQLite run sends the same requests, every PostgreSQL run the same requests, and the two differ,
so ``make test``, which runs both, tries 50 different examples per operation rather than the
same ones twice.
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS as REGISTERED_CHECKS
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation

from opensrm.config.api import api
from tests.conftest import examples

API = "/api/v1"

# A malformed If-Match names no version, so it cannot match: 412, like a stale one. A missing
# one is 428 (RFC 6585), which says what to send.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": ["400", "401", "403", "404", "405", "409", "412", "413", "415", "422", "428"]
            },
            "missing_required_header": {"expected-statuses": ["400", "401", "403", "422", "428"]},
        }
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix=API), config=CONFIG)
schema.app = get_wsgi_application()

SKIPPED_CHECKS = {"positive_data_acceptance", "object_level_authorization"}
CHECKS = [check for check in REGISTERED_CHECKS.get_all() if check.__name__ not in SKIPPED_CHECKS]
EXAMPLES = examples(25)  # per operation, by hypothesis profile (tests/conftest.py)
# One fixed seed per database: each run is repeatable, and the PostgreSQL run (make test-postgres)
# draws other examples than the SQLite one instead of repeating them.
SEEDS = {"sqlite": 20261, "postgresql": 20262}
UNSAFE = {"POST", "PATCH", "PUT", "DELETE"}

# The kind of record each path parameter names: by the collection in front of ``{id}``, or by
# the parameter's own name.
_COLLECTION = re.compile(rf"^{API}/(allocation/)?([a-z-]+)/\{{id\}}")


def _models() -> dict[str, Any]:
    from opensrm.allocation.models import AllocationPlan
    from opensrm.core.models import ApiToken
    from opensrm.crm import models as crm
    from opensrm.people.models import RepProfile, Team, User

    models = {
        "teams": Team,
        "users": User,
        "rep-profiles": RepProfile,
        "territories": crm.Territory,
        "accounts": crm.Account,
        "contacts": crm.Contact,
        "leads": crm.Lead,
        "pipelines": crm.Pipeline,
        "stages": crm.Stage,
        "opportunities": crm.Opportunity,
        "activities": crm.Activity,
        "products": crm.Product,
        "orders": crm.Order,
        "tokens": ApiToken,
        "scenarios": AllocationPlan,
        "user_id": User,
        "line_id": crm.OpportunityLine,
        # foreign keys in bodies
        "account_id": crm.Account,
        "contact_id": crm.Contact,
        "lead_id": crm.Lead,
        "manager_id": User,
        "opportunity_id": crm.Opportunity,
        "owner_id": User,
        "pipeline_id": crm.Pipeline,
        "product_id": crm.Product,
        "scope_team_id": Team,
        "scope_territory_id": crm.Territory,
        "stage_id": crm.Stage,
        "team_id": Team,
        "territory_id": crm.Territory,
        "price-lists": getattr(crm, "PriceList", None),
        "quotes": getattr(crm, "Quote", None),
        "price_list_id": getattr(crm, "PriceList", None),
        "quote_id": getattr(crm, "Quote", None),
    }
    return {name: model for name, model in models.items() if model is not None}


def _target_model(path: str, name: str) -> Any:
    """The model whose ids parameter or field ``name`` of ``path`` takes (``None``: not an id)."""
    from opensrm.core.api.routes import BIN_MODELS

    models = _models()
    if name in models:
        return models[name]
    if name not in {"id", "parent_id"}:
        return None
    if path.startswith(f"{API}/recycle-bin/"):
        return BIN_MODELS
    match = _COLLECTION.match(path) or re.match(rf"^{API}/([a-z-]+)$", path)
    return models.get(match.group(match.lastindex or 0)) if match else None


def test_every_path_parameter_is_mapped_to_the_records_it_names():
    """So that no new endpoint is fuzzed with unknown ids only."""
    for result in schema.get_all_operations():
        operation = result.ok()
        for parameter in operation.path_parameters:
            if parameter.name == "type":
                continue
            assert _target_model(operation.path, parameter.name) is not None, (operation.path, parameter.name)


def test_ids_out_of_the_column_range_are_not_found_or_invalid(fuzz_world):
    """Every id parameter past 64 bits, next to the ids of real records: the database cannot
    hold such an id, and the API answers 404 or 422 rather than failing."""
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {fuzz_world['secret']}", "If-Match": '"1"'})
    answers = {}
    for operation in (result.ok() for result in schema.get_all_operations()):
        names = [p.name for p in operation.path_parameters if p.name != "type"]
        for name, huge in ((name, huge) for name in names for huge in (2**63, 2**64)):
            url = operation.path.replace("{type}", "account").replace(f"{{{name}}}", str(huge))
            for other in set(names) - {name}:
                url = url.replace(f"{{{other}}}", str((_known_ids(_target_model(operation.path, other), {}) or [1])[0]))
            response = client.generic(operation.method.upper(), url, data="{}", content_type="application/json")
            answers[f"{operation.method.upper()} {url}"] = response.status_code
    assert len(answers) > 100
    assert {call: status for call, status in answers.items() if status not in (404, 422)} == {}


def test_every_operation_that_asks_for_if_match_declares_it(fuzz_world):
    """A client generated from the schema sends what the schema requires: an operation that
    answers 428 (If-Match missing) must declare If-Match as a required header."""
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {fuzz_world['secret']}"})
    undeclared = []
    for operation in (result.ok() for result in schema.get_all_operations()):
        if operation.method.upper() not in UNSAFE or any(p.name == "If-Match" for p in operation.headers):
            continue
        url = operation.path.replace("{type}", "account")
        for parameter in operation.path_parameters:
            if parameter.name != "type":
                ids = _known_ids(_target_model(operation.path, parameter.name), {"type": "account"}) or [1]
                url = url.replace(f"{{{parameter.name}}}", str(ids[0]))
        response = client.generic(operation.method.upper(), url, data="{}", content_type="application/json")
        _restore_caller(SimpleNamespace(method=operation.method, operation=operation), fuzz_world)
        if response.status_code == 428:
            undeclared.append(f"{operation.method.upper()} {operation.path}")
    assert undeclared == []


def test_text_with_nul_is_a_field_error_on_every_database(fuzz_world):
    """PostgreSQL cannot store NUL; it is refused before any database sees it, field by field."""
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {fuzz_world['secret']}", "Accept-Language": "en"})
    listed = client.get(f"{API}/accounts", {"q": "ok", "city": "Shang\x00hai"})
    assert listed.status_code == 422
    assert listed.json()["errors"] == {"city": ["Text cannot contain the NUL character."]}
    created = client.post(
        f"{API}/orders",
        '{"number": "N-1", "lines": [{"product_id": 1, "quantity": 1, "unit_price": "1\\u0000"}]}',
        content_type="application/json",
    )
    assert created.status_code == 422, created.content
    assert created["Content-Type"] == "application/problem+json"
    assert list(created.json()["errors"]) == ["lines[0].unit_price"]
    literal = client.post(f"{API}/pipelines", '{"name": "a\\\\u0000b"}', content_type="application/json")
    assert literal.status_code == 201
    assert literal.json()["name"] == "a\\u0000b"


def test_any_utc_offset_is_accepted_and_an_instant_out_of_range_is_invalid(fuzz_world):
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {fuzz_world['secret']}"})
    # ISO 8601 allows offsets PostgreSQL does not (it stops at 15:59); the instant is what counts.
    assert client.get(f"{API}/activities", {"due_from": "2026-01-01T00:00:00+20:04"}).status_code == 200
    assert client.get(f"{API}/users", {"updated_since": "1964-12-27T16:56:38-16:08"}).status_code == 200
    early = client.get(f"{API}/accounts", {"updated_since": "0001-01-01T00:00:00+05:00"})
    assert early.status_code == 422
    assert list(early.json()["errors"]) == ["updated_since"]


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker):
    """The records every test of this module starts from, built once: the module's tests run
    inside this transaction and roll back to it, and it is rolled back at the end."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world() -> dict[str, Any]:
    """One record of each kind (team A's), rep profiles, a territory, a routing scenario with its
    lines, a record in the recycle bin, and the sales-ops token every request is sent with."""
    from opensrm.allocation import services as allocation
    from opensrm.allocation.models import ScenarioKind
    from opensrm.core.api.tokens import api_token_create
    from opensrm.core.services import record_create, record_delete
    from opensrm.crm.models import Lead, Territory
    from opensrm.people.services import rep_profile_upsert
    from tests.api.conftest import make_side
    from tests.factories import make_account, make_org, make_pipeline

    org = make_org()
    make_side(org.rep_a, make_pipeline(), "Alpha")
    for rep, city in ((org.rep_a, "Shanghai"), (org.rep_a1, "Hangzhou"), (org.rep_b, "Beijing")):
        rep_profile_upsert(user=rep, actor=org.ops, data={"home_city": city, "home_lat": 31.2, "home_lon": 121.5})
    record_create(model=Territory, actor=org.ops, data={"name": "East", "code": "EAST", "owner": org.manager_a})
    record_create(model=Lead, actor=org.ops, data={"name": "Unowned", "company": "Open Co", "owner": None})
    gone = make_account(org.rep_a, name="Deleted Co")
    record_delete(instance=gone, actor=org.ops, expected_version=None)
    scenario = allocation.plan_create(
        actor=org.ops,
        data={"name": "Routing", "kind": ScenarioKind.ROUTING, "parameters": {"max_open_leads": 5}},
    )
    allocation.plan_solve(scenario=scenario, actor=org.ops)
    token, secret = api_token_create(user=org.ops, name="fuzz", scopes=["write"])
    api_token_create(user=org.ops, name="spare", scopes=["read"])
    return {"user": org.ops, "token": token, "secret": secret}


@pytest.fixture
def fuzz_world(_shared_world, db):
    """The shared records, and a database connection that survives the requests.

    Schemathesis calls the WSGI application itself, not through Django's test client, so the
    end of each request would close the connection and with it the test's transaction: do what
    the test client does. Afterwards, the transaction must still be usable (a failed statement
    whose error was answered as a 4xx would have broken it for the requests after it).
    """
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _shared_world
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _restore_caller(case: Any, world: dict[str, Any]) -> None:
    if case.method.upper() not in UNSAFE or not re.match(rf"^{API}/(users|tokens|teams)/", case.operation.path):
        return
    from opensrm.core.models import ApiToken
    from opensrm.people.models import Role, User

    User.objects.filter(pk=world["user"].pk).update(is_active=True, role=Role.SALES_OPS)
    ApiToken.objects.filter(pk=world["token"].pk).update(revoked_at=None)


def _known_ids(model: Any, path_parameters: dict[str, Any]) -> list[int]:
    if isinstance(model, dict):  # the recycle bin: deleted records of the requested type
        kind = path_parameters.get("type")
        if kind not in model:
            return []
        return list(model[kind][0].all_objects.filter(deleted_at__isnull=False).values_list("pk", flat=True))
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:50])


def _known_id(case: Any, data: Any, name: str, value: Any, params: dict[str, Any]) -> Any:
    """Half of the time, the id of an existing record instead of ``value``."""
    model = _target_model(case.operation.path, name)
    if model is None or not data.draw(st.booleans(), label=f"known {name}"):
        return value
    ids = _known_ids(model, params)
    return data.draw(st.sampled_from(ids), label=name) if ids else value


def _negative_at(case: Any, location: ParameterLocation) -> bool:
    return case.meta is not None and case.meta.is_negative_at(location)


def _point_at_records(case: Any, data: Any) -> None:
    """Real ids in the path and body, except where the case's invalid data is (it must stay)."""
    params = case.path_parameters or {}
    if not _negative_at(case, ParameterLocation.PATH):
        for name in list(params):
            params[name] = _known_id(case, data, name, params[name], params)
    if not _negative_at(case, ParameterLocation.BODY):
        _point_body_at_records(case, data, case.body)


def _point_body_at_records(case: Any, data: Any, body: Any) -> None:
    """The same for the foreign keys of a body (``account_id``, ``lines[].product_id``, …)."""
    if isinstance(body, list):
        for item in body:
            _point_body_at_records(case, data, item)
    elif isinstance(body, dict):
        for key, value in body.items():
            if key.endswith("_id") and isinstance(value, int) and not isinstance(value, bool):
                body[key] = _known_id(case, data, key, value, {})
            else:
                _point_body_at_records(case, data, value)


def _declares_if_match(case: Any) -> bool:
    return any(p.name == "If-Match" for p in case.operation.headers)


def _set_if_match(case: Any, data: Any) -> str | None:
    """Put the record's current version, a stale one or none in ``If-Match``; which one (None:
    the request names no real versioned record, or the header is the case's invalid data)."""
    params = case.path_parameters or {}
    if not _declares_if_match(case) or "id" not in params or _negative_at(case, ParameterLocation.HEADER):
        return None
    model = _target_model(case.operation.path, "id")
    if isinstance(model, dict) or model is None or not any(f.name == "version" for f in model._meta.fields):
        return None
    manager = getattr(model, "all_objects", model._base_manager)
    version = (
        manager.filter(pk=params["id"]).values_list("version", flat=True).first()
        if isinstance(params["id"], int) and not isinstance(params["id"], bool)
        else None
    )
    if version is None:
        return None
    choice = data.draw(st.sampled_from(["current", "stale", "none"]), label="If-Match")
    headers = case.headers if case.headers is not None else {}
    headers.pop("If-Match", None)
    if choice != "none":
        headers["If-Match"] = f'"{version if choice == "current" else version + 1}"'
    case.headers = headers
    return choice


@schema.parametrize()
@seed(SEEDS.get(connection.vendor, 0))
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@schema.given(data=st.data())
def test_api_conforms_to_its_schema(case, data, fuzz_world):
    _point_at_records(case, data)
    if_match = _set_if_match(case, data)
    checks = CHECKS
    if _negative_at(case, ParameterLocation.HEADER):
        # The call sends the fuzz user's valid token, which undoes an invalid Authorization the case
        # drew; whatever invalid data the case also drew elsewhere may not survive serialisation
        # (an optional query value that encodes to nothing), so the request can be valid after all.
        checks = [check for check in CHECKS if check.__name__ != "negative_data_rejection"]
    response = case.call_and_validate(headers={"Authorization": f"Bearer {fuzz_world['secret']}"}, checks=checks)
    _restore_caller(case, fuzz_world)
    if if_match in {"stale", "none"}:
        assert not 200 <= response.status_code < 300, f"{case.method} {case.formatted_path} with {if_match} If-Match"
