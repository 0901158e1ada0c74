"""The write-visibility matrix of the pages, generated from the URL conf.

Every route of ``django.urls.get_resolver()`` (outside the API, which has its own matrix) is
POSTed by a team-A rep and a team-A manager, its URL parameters filled with team B's objects
and its form naming team B's records. A write on a team-B record must answer 404 (403 for
reference data the role may not change at all), a new record that points at team B must be
refused by its form, a read-only page must ignore the POST — and in every case nothing may
change in any table (row counts and row checksums, history included). The Django admin is
POSTed route by route too: a team-A rep or manager is not staff and is sent to the sign-in page.
A new route fails :func:`test_every_route_is_in_the_matrix` until it is listed in ``PAGES``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from opensrm.core.services import record_create, record_delete
from opensrm.crm.models import Account, PriceList
from opensrm.crm.services.customfields import definition_create
from opensrm.web.services import saved_view_create
from tests.api.conftest import SECRET, make_side
from tests.write_matrix_support import changed_tables, db_state, url_routes

READ = "read"  # the page only reads: a POST must change nothing (any status below 500)
OWN = "own"  # acts only on the signed-in user's own settings or session; nothing of team B to name

# route name: the answer to team A (one status, or per role).
PAGES: dict[str, Any] = {
    "healthz": READ,
    # Unnamed routes are listed by their pattern.
    "favicon.ico": READ,
    "^api/": READ,
    "set_language": OWN,
    "web:home": READ,
    "web:notifications": READ,
    "web:search": READ,
    "web:lookup": READ,
    "web:profile": OWN,
    "web:set_language": OWN,
    "web:recycle_bin": READ,
    "web:restore": 404,
    "web:recycle_detail": 404,
    "web:purge": 404,
    "web:saved_view_add": OWN,
    "web:saved_view_delete": 404,
    # Forgets the signed-in user's own column choice; nothing of anyone else's to name.
    "web:list_columns_reset": OWN,
    # Team B's ids in a bulk action are not found: back to the list, nothing changed.
    "web:bulk_action": 302,
    "web:board": READ,
    "web:calendar": READ,
    "web:opportunity_move": 404,
    "web:activity_done": 404,
    # A drop in the calendar on team B's activity: not found.
    "web:activity_reschedule": 404,
    "web:lead_convert": 404,
    "web:quote_pdf": 404,
    "web:quote_action": 404,
    "web:pricelist_item_set": 403,
    "web:pricelist_item_remove": 403,
    "web:order_list": READ,
    "web:order_detail": 404,
    "web:order_cancel": 404,
    # People and teams are managed by administrators and sales ops only: a rep or a manager is
    # refused every settings page, reading or writing.
    "web:settings_users": 403,
    "web:settings_invite": 403,
    "web:settings_user": 403,
    "web:settings_reinvite": 403,
    "web:settings_teams": 403,
    "web:settings_team_create": 403,
    "web:settings_team": 403,
    # The security log is read by administrators only.
    "web:security_log": 403,
    # Pipelines, stages and exchange rates are kept by administrators and sales ops; everyone
    # reads the rates.
    "web:pipeline_settings": 403,
    "web:pipeline_settings_edit": 403,
    "web:stage_settings": 403,
    "web:stage_settings_move": 403,
    "web:stage_settings_delete": 403,
    "web:currency_rates": READ,
    "web:currency_rate_create": 403,
    "web:currency_rate": 403,
    # Custom fields are defined by administrators and sales ops only.
    "web:customfield_list": 403,
    "web:customfield_create": 403,
    "web:customfield_edit": 403,
    "web:customfield_toggle": 403,
    "territories:scenario_list": READ,
    # A rep may not plan: the form page sends them back to the list with the reason. A manager
    # gets the form again, refusing team B as the scope.
    "territories:scenario_create": {"rep_a": 302, "manager_a": 200},
    "territories:scenario_detail": 404,
    "territories:scenario_solve": 404,
    "territories:scenario_apply": 404,
    "territories:scenario_rollback": 404,
    "territories:scenario_pareto": 404,
    "territories:scenario_pareto_use": 404,
}
for _key in ("account", "contact", "lead", "opportunity", "activity", "quote"):
    PAGES |= {
        f"web:{_key}_list": READ,
        f"web:{_key}_create": 422,
        f"web:{_key}_detail": 404,
        f"web:{_key}_edit": 404,
        f"web:{_key}_delete": 404,
    }
# A quote is created from an opportunity the user can see; team B's is not one: back to the list.
PAGES["web:quote_create"] = 302
for _key in ("product", "pricelist"):
    PAGES |= {
        f"web:{_key}_list": READ,
        f"web:{_key}_create": 403,
        f"web:{_key}_detail": READ,
        f"web:{_key}_edit": 403,
        f"web:{_key}_delete": 403,
    }

# The segment before the first parameter names the record type whose team-B object fills it.
PREFIX_KEYS = {
    "accounts": "account",
    "contacts": "contact",
    "leads": "lead",
    "opportunities": "opportunity",
    "activities": "activity",
    "orders": "order",
    "quotes": "quote",
    "products": "product",
    "price-lists": "pricelist",
    "allocation": "scenario",
    "recycle-bin": "deleted",
    "views": "saved_view",
    "settings/people": "user",
    "settings/teams": "team",
    "settings/custom-fields": "custom_field",
}


def _is_admin(route: str) -> bool:
    return route.startswith("admin/")


def _is_api(route: str) -> bool:
    return route.startswith("api/v1/")


def _is_allauth(callback: Any) -> bool:
    return getattr(callback, "__module__", "").startswith("allauth.")


def _page_routes() -> list[tuple[str, str]]:
    return [
        (route, name or route)
        for route, name, callback in url_routes()
        if not (_is_admin(route) or _is_api(route) or _is_allauth(callback))
    ]


def test_every_route_is_in_the_matrix(db):
    routes = _page_routes()
    names = {n for _, n in routes}
    missing = sorted(names - PAGES.keys())
    assert not missing, f"add these page routes to the write matrix: {missing}"
    assert not PAGES.keys() - names, "the matrix lists routes the URL conf no longer has"


_PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _fill(route: str, values: dict[str, Any]) -> str:
    def sub(m: re.Match[str]) -> str:
        return str(values[m.group("name") or m.group("rname")])

    return "/" + _PARAM.sub(sub, route).replace("^", "").replace("$", "")


@pytest.fixture
def team_b(org, pipeline) -> dict[str, Any]:
    from opensrm.crm.services.quotes import quote_create
    from tests.allocation import api_visibility

    make_side(org.rep_a, pipeline, "Alpha")
    b = make_side(org.rep_b, pipeline, SECRET)
    deleted = record_create(model=Account, actor=org.rep_b, data={"name": f"{SECRET} Deleted", "owner": org.rep_b})
    record_delete(instance=deleted, actor=org.rep_b, expected_version=deleted.version)
    pricelist = record_create(model=PriceList, actor=org.ops, data={"name": "Export"})
    quote = quote_create(actor=org.rep_b, opportunity=b["opportunity"], data={"notes": f"{SECRET} quote"})
    saved = saved_view_create(user=org.rep_b, page="account", name=f"{SECRET} view", querystring="q=x")
    custom_field = definition_create(
        actor=org.ops, data={"object_type": "account", "key": "region", "label_en": "Region", "field_type": "text"}
    )
    world = {"b": b}
    scenario = api_visibility.targets(org, world, pipeline)["/allocation/scenarios"]
    return {
        **b,
        "deleted": deleted,
        "pricelist": pricelist,
        "quote": quote,
        "saved_view": saved,
        "scenario": scenario,
        "user": org.rep_b,
        "team": org.team_b,
        "custom_field": custom_field,
    }


def _body(org: Any, b: dict[str, Any], pipeline: Any, target: Any) -> dict[str, Any]:
    """A form that would be valid for team B's records: the refusal must come from who asks."""
    return {
        "name": "Taken",
        "subject": "Taken",
        "company": "Taken",
        "title": "Taken",
        "owner": org.rep_b.pk,
        "account": b["account"].pk,
        "opportunity": b["opportunity"].pk,
        "pipeline": pipeline.pk,
        "stage": pipeline.stages.last().pk,
        "amount": "10.00",
        "expected_close_date": "2027-01-01",
        "country": "CN",
        "industry": "other",
        "status": "prospect",
        "kind": "task",
        "product": b["product"].pk,
        "quantity": "1",
        "unit_price": "1.00",
        "scope_team": org.team_b.pk,
        "max_moves": "0",
        "querystring": "q=x",
        "ids": b["account"].pk,
        "action": "tier",
        "tier": "A",
        "to": "someone@example.com",
        "username": "taken",
        "email": "taken@example.com",
        "role": "admin",
        "team": org.team_b.pk,
        "manager": org.rep_a.pk,
        "parent": org.team_a.pk,
        "is_active": "",
        "date": "2027-01-01",
        "due_at": "2027-01-01T10:00",
        "version": getattr(target, "version", 1),
        "next": "/",
        "tags": "Taken",
        "cf_region": "Taken",
        "untag": "VIP",
        "object_type": "account",
        "key": "taken",
        "label_en": "Taken",
        "field_type": "text",
        "order": "0",
    }


def _values(route: str, b: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    segments = route.split("/")
    key = PREFIX_KEYS.get("/".join(segments[:2])) or PREFIX_KEYS.get(segments[0])
    target = b.get(key) if key else None
    values = {
        "pk": getattr(target, "pk", 0),
        "kind": "account",
        "page": "account",
        "action": "approve",
        "product_pk": b["product"].pk,
    }
    return values, target


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_team_a_posts_on_team_b_pages_change_nothing(who, client, org, team_b, pipeline):
    user = getattr(org, who)
    client.force_login(user)
    for route, name in _page_routes():
        answer = PAGES[name]
        if isinstance(answer, dict):
            answer = answer[who]
        if answer == OWN:
            continue
        values, target = _values(route, team_b)
        url = _fill(route, values)
        before = db_state()
        response = client.post(url, _body(org, team_b, pipeline, target))
        changes = changed_tables(before, db_state())
        assert not changes, f"{who} POST {url} ({name}) changed {changes}"
        if answer == READ:
            assert response.status_code < 500, (who, url, response.status_code)
        else:
            assert response.status_code == answer, (who, url, name, response.status_code)
        if response.status_code != 302:
            assert SECRET not in response.content.decode(errors="replace"), (who, url, name)


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_team_a_cannot_write_through_the_admin(who, client, org, team_b, pipeline):
    client.force_login(getattr(org, who))
    values = {
        "object_id": team_b["account"].pk,
        "app_label": "crm",
        "content_type_id": 1,
        "id": team_b["account"].pk,
        "pk": team_b["account"].pk,
        "url": "x",
    }
    login = reverse("admin:login")
    routes = [r for r, _, _ in url_routes() if _is_admin(r)]
    assert routes
    before = db_state()
    for route in routes:
        url = _fill(route, values)
        response = client.post(url, {"name": "Taken", "owner": org.rep_b.pk, "post": "yes"})
        if url.startswith((login, reverse("admin:logout"))):
            continue  # the sign-in form and signing out act on the session only
        assert response.status_code in (302, 404), (who, url, response.status_code)
        if response.status_code == 302:
            assert response["Location"].startswith(login), (who, url, response["Location"])
    changes = changed_tables(before, db_state())
    assert not changes, f"{who} changed {changes} through the admin"
