"""Input properties of every request body of the API, with hypothesis.

For every operation of the OpenAPI schema that takes a JSON body, a few of its fields (and
sometimes a field the schema does not have) get arbitrary JSON values: booleans where numbers
are expected, floats for integers, huge numbers, strings, nulls, arrays, objects. Sent by sales
ops (who may write everything) on records that exist:

* the answer is never a 5xx;
* a boolean is never taken as a number: a numeric field given ``true`` is refused (422);
* nothing is dropped silently: an unknown field is refused, and a 2xx answer to a create or a
  change shows every field that was sent, with the value sent.

The examples are derandomized and bounded, so the run is the same every time and short.
"""

from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opensrm.config.api import api
from tests.api.conftest import make_side
from tests.conftest import examples

PREFIX = "/api/v1"
SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA.get("components", {}).get("schemas", {})
EXAMPLES = examples(12)  # per operation, by hypothesis profile (tests/conftest.py)

# Fields a create accepts but does not echo under the same name, because the answer shows them
# in another form (the order's lines come back as line records with their own ids).
NOT_ECHOED = {("POST", "/orders"): {"lines"}, ("POST", "/users"): {"password"}}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


def _types(node: dict[str, Any]) -> set[str]:
    node = _resolve(node)
    found: set[str] = set()
    if "type" in node:
        found |= set(node["type"]) if isinstance(node["type"], list) else {node["type"]}
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in node.get(key, []):
            found |= _types(sub)
    if "enum" in node and "type" not in node:
        found |= {type(v).__name__ for v in node["enum"]}
    return found


def _body_operations() -> list[tuple[str, str, dict[str, Any]]]:
    ops = []
    for path, methods in SCHEMA["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                ops.append((method.upper(), path.removeprefix(PREFIX), _resolve(content["schema"])))
    return sorted(ops, key=lambda o: (o[1], o[0]))


OPERATIONS = _body_operations()

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, 1, -1, 2**31, 2**63, 10**30, -(10**30)]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.5, 1.0, 1e308, -1e308, 1e-300]),
    st.text(max_size=30),
    st.sampled_from(["", " ", "1", "1.5", "true", "2027-01-01", "null", "0x10", "1e400", "９"]),
)
json_values = st.one_of(
    json_scalars,
    st.lists(json_scalars, max_size=3),
    st.dictionaries(st.text(max_size=5), json_scalars, max_size=2),
)


def _equal(sent: Any, shown: Any) -> bool:
    """The answer shows ``sent``: same JSON type family and value (money may come back as a
    decimal string, a date or time in a normalised spelling)."""
    if isinstance(sent, bool) or isinstance(shown, bool):
        return type(sent) is type(shown) and sent == shown
    if isinstance(sent, (int, float)) and isinstance(shown, (int, float, str)):
        try:
            return Decimal(str(shown)) == Decimal(str(sent))
        except InvalidOperation:
            return False
    if isinstance(sent, str) and isinstance(shown, (int, float)):
        try:
            return Decimal(sent) == Decimal(str(shown))
        except InvalidOperation:
            return False
    if isinstance(sent, str) and isinstance(shown, str):
        if sent == shown:
            return True
        try:
            return Decimal(sent) == Decimal(shown)
        except InvalidOperation:
            return shown.startswith(sent) or shown.replace("+00:00", "Z").startswith(sent.replace("+00:00", "Z"))
    return sent == shown


def _is_record_write(method: str, path: str) -> bool:
    parts = path.strip("/").split("/")
    return (method == "POST" and len(parts) == 1) or (method == "PATCH" and len(parts) == 2 and parts[1] == "{id}")


@pytest.fixture
def targets(org, pipeline) -> dict[str, Any]:
    from opensrm.core.services import record_create
    from opensrm.crm.models import PriceList
    from opensrm.crm.services import territory_create
    from opensrm.people.models import RepProfile

    side = make_side(org.rep_a, pipeline, "Prop")
    return {
        "/rep-profiles": record_create(model=RepProfile, actor=org.ops, data={"user": org.rep_a1, "home_city": "X"}),
        "/territories": territory_create(actor=org.ops, data={"name": "Prop", "code": "PROP"}),
        "/price-lists": record_create(model=PriceList, actor=org.ops, data={"name": "Prop"}),
        "/accounts": side["account"],
        "/contacts": side["contact"],
        "/leads": side["lead"],
        "/opportunities": side["opportunity"],
        "/activities": side["activity"],
        "/orders": side["order"],
        "/products": side["product"],
        "/pipelines": pipeline,
        "/stages": pipeline.stages.first(),
        "/teams": org.team_a,
        "/users": org.rep_a,
        "/line": side["line"],
    }


def _url(path: str, targets: dict[str, Any]) -> tuple[str, Any]:
    base = "/" + path.strip("/").split("/")[0]
    target = targets.get(base)
    url = path.replace("{id}", str(getattr(target, "pk", 999999)))
    url = url.replace("{user_id}", str(targets["/users"].pk)).replace("{line_id}", str(targets["/line"].pk))
    return url.replace("{type}", "account"), target


@pytest.mark.parametrize(("method", "path", "schema"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_arbitrary_json_per_field_is_refused_cleanly_or_kept_whole(method, path, schema, org, targets, client_for):
    props: dict[str, Any] = schema.get("properties", {})
    names = sorted(props)
    client = client_for(org.ops)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        fields=st.dictionaries(st.sampled_from(names), json_values, min_size=1, max_size=3) if names else st.just({}),
        unknown=st.one_of(st.none(), st.tuples(st.sampled_from(["zzz_unknown", "ownr_id"]), json_scalars)),
    )
    def check(fields: dict[str, Any], unknown: tuple[str, Any] | None) -> None:
        body = dict(fields)
        if unknown is not None:
            body[unknown[0]] = unknown[1]
        url, target = _url(path, targets)
        headers = {}
        if target is not None and hasattr(target, "version"):
            target.refresh_from_db()
            headers["If-Match"] = f'"{target.version}"'
        response = getattr(client, method.lower())(url, body, **headers)
        status = response.status_code
        shown = json.dumps(body, default=str)[:300]
        assert status < 500, (method, path, shown, response.content[:300])
        booleans_for_numbers = [
            k
            for k, v in fields.items()
            if isinstance(v, bool) and (_types(props[k]) & {"integer", "number"}) and "boolean" not in _types(props[k])
        ]
        if booleans_for_numbers:
            assert status == 422, f"{method} {path}: {booleans_for_numbers} took a boolean as a number ({shown})"
        if unknown is not None:
            assert status >= 400, f"{method} {path}: the unknown field {unknown[0]!r} was dropped silently"
        if 200 <= status < 300 and _is_record_write(method, path):
            answer = response.json()
            skip = NOT_ECHOED.get((method, path), set())
            for k, v in fields.items():
                if k in skip or (isinstance(v, float) and not math.isfinite(v)):
                    continue
                assert k in answer, f"{method} {path}: {k} was accepted but is not in the answer ({shown})"
                assert _equal(v, answer[k]), f"{method} {path}: sent {k}={v!r}, the answer shows {answer[k]!r}"

    check()
