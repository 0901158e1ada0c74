"""History and version over every write path (R9).

The write paths are enumerated, not listed by hand: the write operations of the OpenAPI schema,
the page routes that write (the page write matrix), every model of the admin registry (change
and delete), the ``opensrm`` commands, the Huey jobs and the demo loader. Each must have a case
in ``CASES`` — a function that performs one write on that path and asserts the record's
``version`` went up by one and its newest history row names the actor (the user, or for a job
or command the user it acts for) — or a reason in ``NO_RECORD_WRITE`` why it writes no
versioned record. A new path fails :func:`test_every_write_path_has_a_case` until it has one.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps

from opensrm.core.models import BaseModel
from opensrm.core.services import record_create, record_delete
from tests.api.conftest import ApiClient, make_side
from tests.write_matrix_support import api_write_operations

pytestmark = pytest.mark.django_db


# --- enumeration ----------------------------------------------------------------------------------
def _page_write_routes() -> set[str]:
    from tests.web.test_write_matrix import PAGES, READ

    return {f"page {name}" for name, answer in PAGES.items() if answer != READ}


def _admin_paths() -> set[str]:
    from django.contrib import admin

    return {f"admin {action} {m._meta.label}" for m in admin.site._registry for action in ("change", "delete")}


def _cli_commands() -> set[str]:
    from opensrm.cli import app

    names = {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands}
    for group in app.registered_groups:
        sub = group.typer_instance
        prefix = f"{group.name} " if group.name else ""
        names |= {prefix + (c.name or c.callback.__name__.replace("_", "-")) for c in sub.registered_commands}
    return {f"cli {n}" for n in names}


def _jobs() -> set[str]:
    from huey.contrib.djhuey import HUEY

    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
    return {f"job {name.rsplit('.', 1)[-1]}" for name in HUEY._registry._registry}


def enumerate_write_paths() -> set[str]:
    api = {f"api {m} {p}" for m, p in api_write_operations()}
    return api | _page_write_routes() | _admin_paths() | _cli_commands() | _jobs() | {"demo load_company"}


# --- the check every case ends with --------------------------------------------------------------
def assert_written(obj: BaseModel, *, before: int | None, actor: Any, reason: str | None = None) -> None:
    """``obj`` went from version ``before`` to ``before + 1`` (or was created at 1) and its newest
    history row names ``actor``."""
    stored = type(obj).all_objects.get(pk=obj.pk)
    expected = 1 if before is None else before + 1
    assert stored.version == expected, f"{type(obj).__name__} version {stored.version}, expected {expected}"
    latest = stored.history.order_by("-history_date", "-history_id").first()
    assert latest is not None, f"{type(obj).__name__}: no history row"
    assert latest.history_user_id == getattr(actor, "pk", actor), (
        f"{type(obj).__name__}: newest history row by {getattr(latest, 'history_user_id', None)}, expected {actor}"
    )
    assert latest.version == stored.version, "the history row does not record the new version"
    if reason is not None:
        assert latest.history_change_reason == reason


# --- the world the cases act on ----------------------------------------------------------------------
@pytest.fixture
def w(org, pipeline) -> dict[str, Any]:
    side = make_side(org.rep_a, pipeline, "Path")
    return {"org": org, "pipeline": pipeline, **side}


def _api(user: Any) -> ApiClient:
    return ApiClient(user)


def _if_match(obj: BaseModel) -> dict[str, str]:
    obj.refresh_from_db()
    return {"If-Match": f'"{obj.version}"'}


PRIVATE = {
    "accounts": ("account", {"name": "Changed"}),
    "contacts": ("contact", {"name": "Changed"}),
    "leads": ("lead", {"name": "Changed"}),
    "opportunities": ("opportunity", {"name": "Changed"}),
    "activities": ("activity", {"subject": "Changed"}),
    "orders": ("order", {"number": "CHANGED-1"}),
}
REFERENCE = {
    "teams": {"name": "Changed"},
    "territories": {"name": "Changed"},
    "pipelines": {"name": "Changed"},
    "stages": {"name": "Changed"},
    "products": {"name": "Changed"},
    "rep-profiles": {"home_city": "Changed"},
}


def _reference_object(res: str, w: dict[str, Any]) -> BaseModel:
    from opensrm.crm.models import Territory
    from opensrm.people.models import RepProfile

    org = w["org"]
    if res == "teams":
        return org.team_a1
    if res == "territories":
        return record_create(model=Territory, actor=org.ops, data={"name": "T", "code": "T"})
    if res == "pipelines":
        return w["pipeline"]
    if res == "stages":
        return w["pipeline"].stages.first()
    if res == "products":
        return w["product"]
    return record_create(model=RepProfile, actor=org.ops, data={"user": org.rep_a1, "home_city": "X"})


def _patch_case(res: str) -> Callable[[dict[str, Any]], None]:
    def case(w: dict[str, Any]) -> None:
        org = w["org"]
        if res in PRIVATE:
            key, body = PRIVATE[res]
            obj, actor = w[key], org.rep_a
        else:
            obj, actor, body = _reference_object(res, w), org.ops, REFERENCE[res]
        before = type(obj).all_objects.get(pk=obj.pk).version
        response = _api(actor).patch(f"/{res}/{obj.pk}", body, **_if_match(obj))
        assert response.status_code == 200, response.content[:400]
        assert_written(obj, before=before, actor=actor)

    return case


def _delete_case(res: str) -> Callable[[dict[str, Any]], None]:
    def case(w: dict[str, Any]) -> None:
        org = w["org"]
        if res in PRIVATE:
            obj, actor = w[PRIVATE[res][0]], org.rep_a
        else:
            obj, actor = _reference_object(res, w), org.ops
            if res in ("pipelines", "stages", "products"):
                obj = _fresh_reference(res, w)
        before = type(obj).all_objects.get(pk=obj.pk).version
        response = _api(actor).delete(f"/{res}/{obj.pk}", **_if_match(obj))
        assert response.status_code == 204, response.content[:400]
        assert_written(obj, before=before, actor=actor, reason="deleted")

    return case


def _fresh_reference(res: str, w: dict[str, Any]) -> BaseModel:
    from opensrm.crm.models import Pipeline, Product, Stage

    ops = w["org"].ops
    if res == "pipelines":
        return record_create(model=Pipeline, actor=ops, data={"name": "Spare"})
    if res == "stages":
        return record_create(model=Stage, actor=ops, data={"pipeline": w["pipeline"], "name": "Spare", "order": 9})
    return record_create(model=Product, actor=ops, data={"code": "SPARE", "name": "Spare"})


CREATES: dict[str, Callable[[dict[str, Any]], tuple[Any, dict[str, Any]]]] = {
    "accounts": lambda w: (w["org"].rep_a, {"name": "New"}),
    "contacts": lambda w: (w["org"].rep_a, {"name": "New", "account_id": w["account"].pk}),
    "leads": lambda w: (w["org"].rep_a, {"name": "New", "company": "New Co"}),
    "opportunities": lambda w: (
        w["org"].rep_a,
        {"name": "New", "account_id": w["account"].pk, "expected_close_date": "2027-01-01"},
    ),
    "activities": lambda w: (w["org"].rep_a, {"subject": "New", "account_id": w["account"].pk}),
    "orders": lambda w: (
        w["org"].rep_a,
        {
            "number": "NEW-1",
            "account_id": w["account"].pk,
            "order_date": "2026-01-01",
            "lines": [{"product_id": w["product"].pk, "quantity": 1}],
        },
    ),
    "teams": lambda w: (w["org"].ops, {"name": "New"}),
    "territories": lambda w: (w["org"].ops, {"name": "New", "code": "NEW"}),
    "pipelines": lambda w: (w["org"].ops, {"name": "New"}),
    "stages": lambda w: (w["org"].ops, {"pipeline_id": w["pipeline"].pk, "name": "New", "order": 9}),
    "products": lambda w: (w["org"].ops, {"code": "NEW", "name": "New"}),
    "rep-profiles": lambda w: (w["org"].ops, {"user_id": w["org"].rep_b.pk}),
}
MODELS = {
    "accounts": "crm.Account",
    "contacts": "crm.Contact",
    "leads": "crm.Lead",
    "opportunities": "crm.Opportunity",
    "activities": "crm.Activity",
    "orders": "crm.Order",
    "teams": "people.Team",
    "territories": "crm.Territory",
    "pipelines": "crm.Pipeline",
    "stages": "crm.Stage",
    "products": "crm.Product",
    "rep-profiles": "people.RepProfile",
}


def _create_case(res: str) -> Callable[[dict[str, Any]], None]:
    def case(w: dict[str, Any]) -> None:
        actor, body = CREATES[res](w)
        response = _api(actor).post(f"/{res}", body)
        assert response.status_code == 201, response.content[:400]
        obj = apps.get_model(MODELS[res]).all_objects.get(pk=response.json()["id"])
        assert_written(obj, before=None, actor=actor)

    return case


def _restore(w: dict[str, Any]) -> None:
    org, account = w["org"], w["account"]
    record_delete(instance=account, actor=org.rep_a, expected_version=account.version)
    before = type(account).all_objects.get(pk=account.pk).version
    response = _api(org.rep_a).post(f"/recycle-bin/account/{account.pk}/restore")
    assert response.status_code == 200, response.content[:400]
    assert_written(account, before=before, actor=org.rep_a, reason="restored")


def _move_stage(w: dict[str, Any]) -> None:
    opp, rep = w["opportunity"], w["org"].rep_a
    before = opp.version
    stage = w["pipeline"].stages.order_by("order")[1]
    response = _api(rep).post(f"/opportunities/{opp.pk}/move-stage", {"stage_id": stage.pk}, **_if_match(opp))
    assert response.status_code == 200, response.content[:400]
    assert_written(opp, before=before, actor=rep)


def _convert(w: dict[str, Any]) -> None:
    lead, rep = w["lead"], w["org"].rep_a
    before = lead.version
    response = _api(rep).post(f"/leads/{lead.pk}/convert", {"create_opportunity": False}, **_if_match(lead))
    assert response.status_code == 200, response.content[:400]
    assert_written(lead, before=before, actor=rep)


def _cancel(w: dict[str, Any]) -> None:
    order, rep = w["order"], w["org"].rep_a
    before = order.version
    response = _api(rep).post(f"/orders/{order.pk}/cancel", None, **_if_match(order))
    assert response.status_code == 200, response.content[:400]
    assert_written(order, before=before, actor=rep)


def _line_add(w: dict[str, Any]) -> None:
    from opensrm.crm.models import OpportunityLine

    opp, rep = w["opportunity"], w["org"].rep_a
    response = _api(rep).post(f"/opportunities/{opp.pk}/lines", {"product_id": w["product"].pk, "quantity": "1"})
    assert response.status_code == 201, response.content[:400]
    line = OpportunityLine.objects.get(pk=response.json()["id"])
    if isinstance(line, BaseModel):
        assert_written(line, before=None, actor=rep)
    else:  # the line is not versioned itself: the opportunity's amount and version carry it
        assert hasattr(line, "history"), "opportunity lines keep no history"
        assert line.history.first().history_user_id == rep.pk


def _line_remove(w: dict[str, Any]) -> None:
    line, rep = w["line"], w["org"].rep_a
    response = _api(rep).delete(f"/opportunities/{w['opportunity'].pk}/lines/{line.pk}")
    assert response.status_code == 204, response.content[:400]
    newest = type(line).history.filter(id=line.pk).order_by("-history_date").first()
    assert newest is not None
    assert newest.history_user_id == rep.pk


def _team_add(w: dict[str, Any]) -> None:
    from opensrm.crm.models import AccountTeamMember

    account, rep = w["account"], w["org"].rep_a
    response = _api(rep).post(f"/accounts/{account.pk}/team", {"user_id": w["org"].rep_a1.pk})
    assert response.status_code in (200, 201), response.content[:400]
    member = AccountTeamMember.objects.get(account=account, user=w["org"].rep_a1)
    newest = member.history.order_by("-history_date").first()
    assert newest.history_user_id == rep.pk


def _team_remove(w: dict[str, Any]) -> None:
    from opensrm.crm.models import AccountTeamMember

    account, rep = w["account"], w["org"].rep_a
    member = w["member"]
    response = _api(rep).delete(f"/accounts/{account.pk}/team/{member.user_id}")
    assert response.status_code == 204, response.content[:400]
    newest = AccountTeamMember.history.filter(id=member.pk).order_by("-history_date").first()
    assert newest is not None
    assert newest.history_user_id == rep.pk


def _admin_change(label: str) -> Callable[[dict[str, Any]], None]:
    def case(w: dict[str, Any]) -> None:
        from django.test import Client

        model = apps.get_model(label)
        obj = _admin_object(model, w)
        before = obj.version
        client = Client()
        client.force_login(w["org"].admin)
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
        page = client.get(url)
        assert page.status_code == 200, page.status_code
        data = _form_fields(page.content.decode())
        changed = next((k for k in ("name", "subject", "number", "home_city", "notes") if k in data), None)
        assert changed is not None, f"no text field to change in the {label} admin form"
        data[changed] = f"{data[changed]}-A"
        response = client.post(url, data)
        assert response.status_code == 302, response.content[:1500]
        assert_written(obj, before=before, actor=w["org"].admin)

    return case


class _FormParser(HTMLParser):
    """Collects what a browser would submit from a form: see :func:`_form_fields`."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self.select: str | None = None
        self.multiple = False
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.data.setdefault(name, a.get("value") or "on")
            else:
                self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self.select = name
            self.multiple = "multiple" in a
            # A multiple select with nothing chosen submits nothing; a single one its first option.
            self.data.setdefault(name, [] if self.multiple else None)
        elif tag == "option" and self.select and not self.multiple and self.data[self.select] is None:
            self.data[self.select] = a.get("value") or ""
        if tag == "option" and self.select and "selected" in a:
            if self.multiple:
                self.data[self.select].append(a.get("value") or "")
            else:
                self.data[self.select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            if self.select and self.data[self.select] is None:  # a select without options
                self.data[self.select] = ""
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, text: str) -> None:
        if self.textarea:
            self.data[self.textarea] += text.removeprefix("\n") if not self.data[self.textarea] else text


def _form_fields(html: str) -> dict[str, Any]:
    """What a browser would submit from the change form as it is: every input, select and
    textarea with its current value (inline formsets and their management forms included)."""
    parser = _FormParser()
    parser.feed(html)
    return parser.data


def _admin_delete(label: str) -> Callable[[dict[str, Any]], None]:
    def case(w: dict[str, Any]) -> None:
        from django.test import Client

        model = apps.get_model(label)
        obj = _admin_object(model, w, fresh=True)
        before = obj.version
        client = Client()
        client.force_login(w["org"].admin)
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/delete/"
        response = client.post(url, {"post": "yes"})
        assert response.status_code == 302, response.content[:1500]
        assert_written(obj, before=before, actor=w["org"].admin, reason="deleted")

    return case


def _admin_object(model: type[BaseModel], w: dict[str, Any], fresh: bool = False) -> BaseModel:
    from opensrm.allocation.models import AllocationPlan, RoutingPolicy

    org = w["org"]
    if model is AllocationPlan:
        from opensrm.allocation.services import plan_create

        return plan_create(actor=org.ops, data={"name": "Admin", "parameters": {}})
    if model is RoutingPolicy:
        return record_create(model=RoutingPolicy, actor=org.ops, data={"name": "Admin"})
    by_label = {
        "crm.Account": "account",
        "crm.Contact": "contact",
        "crm.Lead": "lead",
        "crm.Opportunity": "opportunity",
        "crm.Activity": "activity",
        "crm.Order": "order",
        "crm.Product": "product",
    }
    key = by_label.get(model._meta.label)
    if key and not (fresh and key == "product"):
        return w[key]
    res = {
        "people.Team": "teams",
        "people.RepProfile": "rep-profiles",
        "crm.Territory": "territories",
        "crm.Pipeline": "pipelines",
        "crm.Product": "products",
    }[model._meta.label]
    if fresh and res in ("pipelines", "products"):
        return _fresh_reference(res, w)
    return _reference_object(res, w)


def _purge_job(w: dict[str, Any]) -> None:
    """The purge is a hard delete: the last history row ('-') names who deleted the record."""
    from opensrm.core.tasks import recycle_bin_purge_job
    from opensrm.crm.models import Account

    org, account = w["org"], w["account"]
    record_delete(instance=account, actor=org.rep_a, expected_version=account.version)
    Account.all_objects.filter(pk=account.pk).update(deleted_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    recycle_bin_purge_job.call_local()
    assert not Account.all_objects.filter(pk=account.pk).exists()
    newest = Account.history.filter(id=account.pk).order_by("-history_date").first()
    assert newest.history_type == "-"
    assert newest.history_user_id == org.rep_a.pk


def _purge(via: str) -> Callable[[dict[str, Any]], None]:
    """A permanent delete from the bin (administrators): the last history row names them."""

    def case(w: dict[str, Any]) -> None:
        from django.test import Client

        from opensrm.crm.models import Account

        org, account = w["org"], w["account"]
        record_delete(instance=account, actor=org.rep_a, expected_version=account.version)
        if via == "api":
            assert _api(org.admin).delete(f"/recycle-bin/account/{account.pk}").status_code == 204
        else:
            client = Client()
            client.force_login(org.admin)
            assert client.post(f"/recycle-bin/account/{account.pk}/purge/").status_code == 302
        assert not Account.all_objects.filter(pk=account.pk).exists()
        newest = Account.history.filter(id=account.pk).order_by("-history_date", "-history_id").first()
        assert newest.history_type == "-"
        assert newest.history_user_id == org.admin.pk

    return case


def _bulk_page(w: dict[str, Any]) -> None:
    """A bulk action from a list page writes each selected record through its service."""
    from django.test import Client

    org, account = w["org"], w["account"]
    before = account.version
    client = Client()
    client.force_login(org.rep_a)
    response = client.post("/bulk/account/", {"ids": [account.pk], "action": "tier", "tier": "B"})
    assert response.status_code == 302, response.content[:400]
    assert_written(account, before=before, actor=org.rep_a)


def _reschedule_page(w: dict[str, Any]) -> None:
    """Dropping an activity on another calendar day writes it through activity_reschedule."""
    from django.test import Client

    org, activity = w["org"], w["activity"]
    before = activity.version
    client = Client()
    client.force_login(org.rep_a)
    url = f"/activities/{activity.pk}/reschedule/"
    response = client.post(url, {"date": "2027-01-08", "version": before}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content[:400]
    assert_written(activity, before=before, actor=org.rep_a)


def _demo_load(w: dict[str, Any]) -> None:
    """The demo loader writes version 1 and a creation history row for every record it loads."""
    from opensrm.crm.models import Account
    from opensrm.demo.generate import DemoConfig, generate_company
    from opensrm.demo.load import load_company

    company = generate_company(DemoConfig(accounts=60, reps=5, years=1, seed=1, as_of=dt.date(2026, 6, 30)))
    load_company(company)
    accounts = Account.objects.all()
    assert accounts.exists()
    assert set(accounts.values_list("version", flat=True)) == {1}
    missing = accounts.exclude(pk__in=Account.history.filter(history_type="+").values("id"))
    assert not missing.exists(), "demo accounts without a creation history row"


def _allocate_cli(w: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from opensrm.allocation.models import AllocationPlan
    from opensrm.cli import app

    org = w["org"]
    result = CliRunner().invoke(app, ["allocate", "--actor", org.ops.username, "--time-limit", "5", "--no-balance"])
    scenario = AllocationPlan.objects.order_by("-pk").first()
    assert scenario is not None, result.output
    newest = scenario.history.order_by("-history_date").first()
    assert newest.history_user_id == org.ops.pk
    assert scenario.version == scenario.history.count()


def _createuser_cli(w: dict[str, Any]) -> None:
    from typer.testing import CliRunner

    from opensrm.cli import app
    from opensrm.people.models import User

    result = CliRunner().invoke(app, ["createuser", "cli_user", "--password", "pw-Strong-123456", "--role", "rep"])
    user = User.objects.filter(username="cli_user").first()
    assert user is not None, result.output
    assert user.history.exists() if hasattr(user, "history") else True


# --- quotes, price lists, users ------------------------------------------------------------------
def _quote(w: dict[str, Any], status: str | None = None) -> BaseModel:
    """A draft quote of the rep's opportunity (its lines copied), put straight into ``status``."""
    from opensrm.crm.models import Quote
    from opensrm.crm.services.quotes import quote_create

    quote = quote_create(actor=w["org"].rep_a, opportunity=w["opportunity"], data={"notes": "Path"})
    if status is not None:
        Quote.all_objects.filter(pk=quote.pk).update(status=status)
        quote.refresh_from_db()
    return quote


def _price_list(w: dict[str, Any]) -> BaseModel:
    from opensrm.crm.models import PriceList
    from opensrm.crm.services.catalog import price_list_item_set

    price_list = record_create(model=PriceList, actor=w["org"].ops, data={"name": "Path list"})
    price_list_item_set(price_list=price_list, product=w["product"], unit_price=Decimal("1"), actor=w["org"].ops)
    price_list.refresh_from_db()
    return price_list


def _api_write(
    method: str,
    url: str,
    target: Callable[[dict[str, Any]], BaseModel],
    actor: str,
    body: Callable[[dict[str, Any]], Any] | None = None,
    status: int = 200,
    reason: str | None = None,
) -> Callable[[dict[str, Any]], None]:
    """``method url`` (``{id}``, ``{product_id}`` filled) by ``actor`` on the record ``target`` makes."""

    def case(w: dict[str, Any]) -> None:
        obj, who = target(w), getattr(w["org"], actor)
        before = type(obj).all_objects.get(pk=obj.pk).version
        path = url.format(id=obj.pk, product_id=w["product"].pk)
        send = getattr(_api(who), method)
        args = () if method == "delete" else ((body(w) if body else None),)
        response = send(path, *args, **_if_match(obj))
        assert response.status_code == status, response.content[:400]
        assert_written(obj, before=before, actor=who, reason=reason)

    return case


def _quote_create(w: dict[str, Any]) -> None:
    from opensrm.crm.models import Quote

    rep = w["org"].rep_a
    response = _api(rep).post("/quotes", {"opportunity_id": w["opportunity"].pk})
    assert response.status_code == 201, response.content[:400]
    assert_written(Quote.all_objects.get(pk=response.json()["id"]), before=None, actor=rep)


def _price_list_create(w: dict[str, Any]) -> None:
    from opensrm.crm.models import PriceList

    ops = w["org"].ops
    response = _api(ops).post("/price-lists", {"name": "New list"})
    assert response.status_code == 201, response.content[:400]
    assert_written(PriceList.all_objects.get(pk=response.json()["id"]), before=None, actor=ops)


def assert_user_written(user: Any, *, actor: Any, history_type: str = "~") -> None:
    """People carry no version: their newest history row names who changed them."""
    latest = type(user).history.filter(id=user.pk).order_by("-history_date", "-history_id").first()
    assert latest is not None, "no history row"
    assert latest.history_type == history_type, (latest.history_type, latest.history_user_id)
    assert latest.history_user_id == actor.pk, f"newest history row by {latest.history_user_id}, expected {actor}"


def _user_create(w: dict[str, Any]) -> None:
    from opensrm.people.models import User

    ops = w["org"].ops
    response = _api(ops).post("/users", {"username": "path_new", "team_id": w["org"].team_a.pk})
    assert response.status_code == 201, response.content[:400]
    assert_user_written(User.objects.get(pk=response.json()["id"]), actor=ops, history_type="+")


def _user_patch(w: dict[str, Any]) -> None:
    org = w["org"]
    response = _api(org.ops).patch(f"/users/{org.rep_a1.pk}", {"display_name": "Changed"})
    assert response.status_code == 200, response.content[:400]
    assert_user_written(org.rep_a1, actor=org.ops)


def _admin_user(action: str) -> Callable[[dict[str, Any]], None]:
    def case(w: dict[str, Any]) -> None:
        from django.test import Client

        from opensrm.people.models import User

        org = w["org"]
        person = User.objects.create_user(username="admin_path", password="pw-Strong-123456", team=org.team_a)
        client = Client()
        client.force_login(org.admin)
        url = f"/admin/people/user/{person.pk}/{action}/"
        if action == "delete":
            response = client.post(url, {"post": "yes"})
            assert response.status_code == 302, response.content[:1500]
            assert not User.objects.filter(pk=person.pk).exists()
            assert_user_written(person, actor=org.admin, history_type="-")
            return
        data = _form_fields(client.get(url).content.decode())
        data["first_name"] = "Changed"
        response = client.post(url, data)
        errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode(), re.S)
        assert response.status_code == 302, errors
        assert_user_written(person, actor=org.admin)

    return case


API_CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "api POST /quotes": _quote_create,
    "api PATCH /quotes/{id}": _api_write("patch", "/quotes/{id}", _quote, "rep_a", lambda w: {"notes": "Changed"}),
    "api DELETE /quotes/{id}": _api_write("delete", "/quotes/{id}", _quote, "rep_a", status=204, reason="deleted"),
    "api POST /quotes/{id}/submit": _api_write("post", "/quotes/{id}/submit", _quote, "rep_a"),
    "api POST /quotes/{id}/approve": _api_write("post", "/quotes/{id}/approve", lambda w: _quote(w, "pending"), "ops"),
    "api POST /quotes/{id}/refuse": _api_write("post", "/quotes/{id}/refuse", lambda w: _quote(w, "pending"), "ops"),
    "api POST /quotes/{id}/send": _api_write(
        "post", "/quotes/{id}/send", lambda w: _quote(w, "approved"), "rep_a", lambda w: {"to": "buyer@example.com"}
    ),
    "api POST /quotes/{id}/accept": _api_write("post", "/quotes/{id}/accept", lambda w: _quote(w, "sent"), "rep_a"),
    "api POST /quotes/{id}/decline": _api_write("post", "/quotes/{id}/decline", lambda w: _quote(w, "sent"), "rep_a"),
    "api POST /price-lists": _price_list_create,
    "api PATCH /price-lists/{id}": _api_write(
        "patch", "/price-lists/{id}", _price_list, "ops", lambda w: {"name": "Changed"}
    ),
    "api DELETE /price-lists/{id}": _api_write(
        "delete", "/price-lists/{id}", _price_list, "ops", status=204, reason="deleted"
    ),
    "api PUT /price-lists/{id}/items": _api_write(
        "put",
        "/price-lists/{id}/items",
        _price_list,
        "ops",
        lambda w: {"product_id": w["product"].pk, "unit_price": "7"},
    ),
    "api DELETE /price-lists/{id}/items/{product_id}": _api_write(
        "delete", "/price-lists/{id}/items/{product_id}", _price_list, "ops", status=204
    ),
    "api POST /users": _user_create,
    "api PATCH /users/{id}": _user_patch,
    "admin change people.User": _admin_user("change"),
    "admin delete people.User": _admin_user("delete"),
}


def _scenario(w: dict[str, Any]) -> BaseModel:
    from opensrm.allocation.services import plan_create

    return plan_create(actor=w["org"].ops, data={"name": "Path plan", "parameters": {}})


def _scenario_create(w: dict[str, Any]) -> None:
    from opensrm.allocation.models import AllocationPlan

    ops = w["org"].ops
    response = _api(ops).post("/allocation/scenarios", {"name": "New plan"})
    assert response.status_code == 201, response.content[:400]
    assert_written(AllocationPlan.all_objects.get(pk=response.json()["id"]), before=None, actor=ops)


API_CASES |= {
    "api POST /allocation/scenarios": _scenario_create,
    "api PATCH /allocation/scenarios/{id}": _api_write(
        "patch", "/allocation/scenarios/{id}", _scenario, "ops", lambda w: {"name": "Changed"}
    ),
    "api DELETE /allocation/scenarios/{id}": _api_write(
        "delete", "/allocation/scenarios/{id}", _scenario, "ops", status=204, reason="deleted"
    ),
}


# --- pages -----------------------------------------------------------------------------------------
def _browser(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _page_form(
    url: Callable[[dict[str, Any]], str],
    actor: str,
    changes: Callable[[dict[str, Any]], dict[str, Any]],
    target: Callable[[dict[str, Any]], Any] | None = None,
    created: str | None = None,
) -> Callable[[dict[str, Any]], None]:
    """Submit the page's form as rendered, with ``changes``: ``target`` is changed, or a new
    ``created`` record (a model label) is written at version 1."""

    def case(w: dict[str, Any]) -> None:
        who = getattr(w["org"], actor)
        obj = target(w) if target else None
        before = type(obj).all_objects.get(pk=obj.pk).version if isinstance(obj, BaseModel) else None
        model = apps.get_model(created) if created else None
        newest = model.all_objects.order_by("-pk").values_list("pk", flat=True).first() if model else None
        client, path = _browser(who), url(w)
        page = client.get(path)
        assert page.status_code == 200, page.status_code
        data = {**_form_fields(page.content.decode()), **changes(w)}
        response = client.post(path, data)
        html = response.content.decode()
        errors = re.findall(r'class="errorlist[^>]*>(.*?)</ul>', html, re.S) + re.findall(r'role="alert">([^<]*)', html)
        assert response.status_code == 302, (response.status_code, errors)
        if model is not None:
            obj = model.all_objects.filter(pk__gt=newest or 0).order_by("-pk").first()
            assert obj is not None, f"no new {created}"
        if isinstance(obj, BaseModel):
            assert_written(obj, before=before, actor=who)
        else:
            assert_user_written(obj, actor=who, history_type="+" if created else "~")

    return case


def _page_post(
    url: Callable[[dict[str, Any], Any], str],
    target: Callable[[dict[str, Any]], BaseModel],
    actor: str,
    body: Callable[[dict[str, Any]], dict[str, Any]] = lambda w: {},
    reason: str | None = None,
) -> Callable[[dict[str, Any]], None]:
    """POST ``body`` (with the record's version) as the page's button does."""

    def case(w: dict[str, Any]) -> None:
        obj, who = target(w), getattr(w["org"], actor)
        before = type(obj).all_objects.get(pk=obj.pk).version
        response = _browser(who).post(url(w, obj), {"version": before, **body(w)})
        assert response.status_code in (200, 302), (response.status_code, response.content[:400])
        assert_written(obj, before=before, actor=who, reason=reason)

    return case


def _deleted_account(w: dict[str, Any]) -> BaseModel:
    account = w["account"]
    record_delete(instance=account, actor=w["org"].rep_a, expected_version=account.version)
    return account


def _spare_activity(w: dict[str, Any]) -> BaseModel:
    return w["activity"]


def _rate(w: dict[str, Any]) -> BaseModel:
    if "rate" not in w:
        from opensrm.core.currency import currency_rate_create

        w["rate"] = currency_rate_create(
            actor=w["org"].ops, data={"currency": "EUR", "rate": Decimal("7.8"), "valid_from": dt.date(2026, 1, 1)}
        )
    return w["rate"]


def _first_stage(w: dict[str, Any]) -> BaseModel:
    return w["pipeline"].stages.order_by("order", "pk")[0]


def _spare_stage(w: dict[str, Any]) -> BaseModel:
    """A stage no deal has used: the only kind that may be deleted."""
    if "spare_stage" not in w:
        w["spare_stage"] = record_create(
            model=apps.get_model("crm.Stage"),
            actor=w["org"].ops,
            data={"pipeline": w["pipeline"], "name": "Spare", "order": 9},
        )
    return w["spare_stage"]


CREATE_FORMS: dict[str, tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = {
    "account": ("crm.Account", lambda w: {"name": "Page new", "owner": w["org"].rep_a.pk}),
    "contact": ("crm.Contact", lambda w: {"name": "Page new", "account": w["account"].pk}),
    "lead": ("crm.Lead", lambda w: {"name": "Page new", "company": "Page Co", "owner": w["org"].rep_a.pk}),
    "opportunity": (
        "crm.Opportunity",
        lambda w: {
            "name": "Page new",
            "account": w["account"].pk,
            "pipeline": w["pipeline"].pk,
            "stage": w["pipeline"].stages.order_by("order").first().pk,
            "expected_close_date": "2027-01-01",
            "owner": w["org"].rep_a.pk,
        },
    ),
    "activity": ("crm.Activity", lambda w: {"subject": "Page new", "account": w["account"].pk, "kind": "task"}),
}
PATHS = {
    "account": "accounts",
    "contact": "contacts",
    "lead": "leads",
    "opportunity": "opportunities",
    "activity": "activities",
}
TEXT = {"activity": "subject"}

PAGE_CASES: dict[str, Callable[[dict[str, Any]], None]] = {}
for _key, (_label, _data) in CREATE_FORMS.items():
    _prefix = PATHS[_key]
    PAGE_CASES |= {
        f"page web:{_key}_create": _page_form(lambda w, p=_prefix: f"/{p}/new/", "rep_a", _data, created=_label),
        f"page web:{_key}_edit": _page_form(
            lambda w, p=_prefix, k=_key: f"/{p}/{w[k].pk}/edit/",
            "rep_a",
            lambda w, k=_key: {TEXT.get(k, "name"): "Page changed"},
            target=lambda w, k=_key: w[k],
        ),
        f"page web:{_key}_delete": _page_post(
            lambda w, obj, p=_prefix: f"/{p}/{obj.pk}/delete/", lambda w, k=_key: w[k], "rep_a", reason="deleted"
        ),
    }
for _key, _prefix, _make in (
    ("product", "products", lambda w: _fresh_reference("products", w)),
    ("pricelist", "price-lists", _price_list),
):
    PAGE_CASES |= {
        f"page web:{_key}_edit": _page_form(
            lambda w, p=_prefix: f"/{p}/{w['_page'].pk}/edit/",
            "ops",
            lambda w: {"name": "Page changed"},
            target=lambda w, m=_make: w.setdefault("_page", m(w)),
        ),
        f"page web:{_key}_delete": _page_post(
            lambda w, obj, p=_prefix: f"/{p}/{obj.pk}/delete/", _make, "ops", reason="deleted"
        ),
    }
PAGE_CASES |= {
    "page web:product_create": _page_form(
        lambda w: "/products/new/", "ops", lambda w: {"code": "PAGE-1", "name": "Page new"}, created="crm.Product"
    ),
    "page web:pricelist_create": _page_form(
        lambda w: "/price-lists/new/", "ops", lambda w: {"name": "Page new"}, created="crm.PriceList"
    ),
    "page web:pricelist_item_set": _page_post(
        lambda w, obj: f"/price-lists/{obj.pk}/items/",
        _price_list,
        "ops",
        lambda w: {"product": w["product"].pk, "unit_price": "3.00"},
    ),
    "page web:pricelist_item_remove": _page_post(
        lambda w, obj: f"/price-lists/{obj.pk}/items/{w['product'].pk}/remove/", _price_list, "ops"
    ),
    "page web:quote_create": _page_form(
        lambda w: f"/quotes/new/?opportunity={w['opportunity'].pk}", "rep_a", lambda w: {}, created="crm.Quote"
    ),
    "page web:quote_edit": _page_form(
        lambda w: f"/quotes/{w['_page'].pk}/edit/",
        "rep_a",
        lambda w: {"notes": "Page changed"},
        target=lambda w: w.setdefault("_page", _quote(w)),
    ),
    "page web:quote_delete": _page_post(lambda w, obj: f"/quotes/{obj.pk}/delete/", _quote, "rep_a", reason="deleted"),
    "page web:quote_action": _page_post(lambda w, obj: f"/quotes/{obj.pk}/submit/", _quote, "rep_a"),
    "page web:order_cancel": _page_post(lambda w, obj: f"/orders/{obj.pk}/cancel/", lambda w: w["order"], "rep_a"),
    "page web:lead_convert": _page_form(
        lambda w: f"/leads/{w['lead'].pk}/convert/", "rep_a", lambda w: {}, target=lambda w: w["lead"]
    ),
    "page web:opportunity_move": _page_post(
        lambda w, obj: f"/opportunities/{obj.pk}/move/",
        lambda w: w["opportunity"],
        "rep_a",
        lambda w: {"stage": w["pipeline"].stages.order_by("order")[1].pk},
    ),
    "page web:activity_done": _page_post(lambda w, obj: f"/activities/{obj.pk}/done/", _spare_activity, "rep_a"),
    "page web:activity_reschedule": _page_post(
        lambda w, obj: f"/activities/{obj.pk}/reschedule/", _spare_activity, "rep_a", lambda w: {"date": "2027-02-01"}
    ),
    "page web:restore": _page_post(
        lambda w, obj: f"/recycle-bin/account/{obj.pk}/restore/", _deleted_account, "rep_a", reason="restored"
    ),
    "page web:settings_user": _page_form(
        lambda w: f"/settings/people/{w['org'].rep_a1.pk}/",
        "ops",
        # The page holds the person's form and their rep profile's: this is the person's.
        lambda w: {"display_name": "Page changed", "form": "user"},
        target=lambda w: w["org"].rep_a1,
    ),
    "page web:settings_team_create": _page_form(
        lambda w: "/settings/teams/new/", "ops", lambda w: {"name": "Page team"}, created="people.Team"
    ),
    "page web:settings_team": _page_form(
        lambda w: f"/settings/teams/{w['org'].team_a1.pk}/",
        "ops",
        lambda w: {"name": "Page changed"},
        target=lambda w: w["org"].team_a1,
    ),
    "page web:currency_rate_create": _page_form(
        lambda w: "/settings/exchange-rates/new/",
        "ops",
        lambda w: {"currency": "USD", "rate": "7.1", "valid_from": "2026-01-01"},
        created="core.CurrencyRate",
    ),
    "page web:currency_rate": _page_form(
        lambda w: f"/settings/exchange-rates/{_rate(w).pk}/", "ops", lambda w: {"rate": "7.2"}, target=_rate
    ),
    "page web:pipeline_settings_edit": _page_form(
        lambda w: f"/settings/pipelines/{w['pipeline'].pk}/",
        "ops",
        lambda w: {"name_en": "Renamed", "name_zh": "改名"},
        target=lambda w: w["pipeline"],
    ),
    "page web:stage_settings": _page_form(
        lambda w: f"/settings/stages/{_first_stage(w).pk}/",
        "ops",
        lambda w: {"name_zh": "初步接触", "probability": "15"},
        target=_first_stage,
    ),
    "page web:stage_settings_move": _page_post(
        lambda w, obj: f"/settings/stages/{obj.pk}/move/", _first_stage, "ops", lambda w: {"direction": "down"}
    ),
    "page web:stage_settings_delete": _page_post(
        lambda w, obj: f"/settings/stages/{obj.pk}/delete/", _spare_stage, "ops", reason="deleted"
    ),
}


def _custom_field(w: dict[str, Any]) -> BaseModel:
    from opensrm.crm.services.customfields import definition_create

    if "_custom_field" not in w:
        w["_custom_field"] = definition_create(
            actor=w["org"].ops,
            data={"object_type": "account", "key": "page_field", "label_en": "Page field", "field_type": "text"},
        )
    return w["_custom_field"]


PAGE_CASES |= {
    "page web:customfield_create": _page_form(
        lambda w: "/settings/custom-fields/new/",
        "ops",
        lambda w: {"object_type": "lead", "key": "page_new", "label_en": "Page new", "field_type": "number"},
        created="crm.CustomFieldDefinition",
    ),
    "page web:customfield_edit": _page_form(
        lambda w: f"/settings/custom-fields/{_custom_field(w).pk}/",
        "ops",
        lambda w: {"label_en": "Page changed"},
        target=_custom_field,
    ),
    "page web:customfield_toggle": _page_post(
        lambda w, obj: f"/settings/custom-fields/{obj.pk}/active/", _custom_field, "ops"
    ),
}


def _invite(w: dict[str, Any]) -> None:
    from opensrm.people.models import User

    ops = w["org"].ops
    client = _browser(ops)
    data = {
        **_form_fields(client.get("/settings/people/invite/").content.decode()),
        "username": "invited",
        "email": "invited@example.com",
        "role": "rep",
        "team": w["org"].team_a.pk,
    }
    response = client.post("/settings/people/invite/", data)
    assert response.status_code == 302, re.findall(r'class="errorlist[^>]*>(.*?)</ul>', response.content.decode())
    assert_user_written(User.objects.get(username="invited"), actor=ops, history_type="+")


PAGE_CASES["page web:settings_invite"] = _invite


# --- the planner: solve, apply, roll back, trade-off, routing ------------------------------------
PLAN_PARAMETERS = {"tolerance": None, "time_limit": 10}


def assert_written_steps(obj: BaseModel, *, before: int | None, actor: Any, steps: int) -> None:
    """Like :func:`assert_written` for a path that writes the record ``steps`` times (a solve
    request and its job): each write bumped the version by one and its history row names ``actor``."""
    stored = type(obj).all_objects.get(pk=obj.pk)
    start = before or 0
    assert stored.version == start + steps, f"{type(obj).__name__} version {stored.version}, expected {start + steps}"
    rows = list(stored.history.order_by("-history_date", "-history_id")[:steps])
    assert [r.version for r in rows] == list(range(start + steps, start, -1)), [r.version for r in rows]
    assert {r.history_user_id for r in rows} == {actor.pk}, [r.history_user_id for r in rows]


def _planner(w: dict[str, Any]) -> dict[str, Any]:
    """The planning tests' small company on this world's organisation: three reps with homes and
    room, twelve accounts all owned by rep_a today, so every plan moves some of them."""
    from tests.allocation.conftest import build_alloc_org

    if "planned" not in w:
        w["planned"] = build_alloc_org(w["org"]).accounts
    return w


def _draft(w: dict[str, Any]) -> BaseModel:
    from opensrm.allocation.services import plan_create

    _planner(w)
    return plan_create(actor=w["org"].ops, data={"name": "Path plan", "parameters": PLAN_PARAMETERS})


def _solved(w: dict[str, Any]) -> BaseModel:
    from opensrm.allocation.services import plan_solve

    scenario = plan_solve(scenario=_draft(w), actor=w["org"].ops)
    assert scenario.status == "solved", (scenario.status, scenario.message)
    assert scenario.moves, (scenario.status, scenario.message)
    return scenario


def _applied(w: dict[str, Any]) -> BaseModel:
    from opensrm.allocation.services import plan_apply

    return plan_apply(scenario=_solved(w), actor=w["org"].ops)


def _with_front(w: dict[str, Any]) -> BaseModel:
    from opensrm.allocation.services import tradeoff_compute

    scenario = tradeoff_compute(scenario=_draft(w), actor=w["org"].ops)
    assert scenario.pareto, scenario.pareto
    assert scenario.pareto["points"], scenario.pareto
    return scenario


def _on_commit() -> Any:
    """Run the jobs a write queues after its commit, as the job consumer would."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def _moved_accounts(scenario: BaseModel) -> dict[Any, int]:
    from opensrm.crm.models import Account

    ids = scenario.lines.filter(moved=True, account__isnull=False).values_list("account_id", flat=True)
    accounts = list(Account.objects.filter(pk__in=list(ids)))
    assert accounts, "the plan moves no account"
    return {a: a.version for a in accounts}


def _plan_action(
    send: Callable[[Any, BaseModel], Any],
    target: Callable[[dict[str, Any]], BaseModel],
    reason: str,
) -> Callable[[dict[str, Any]], None]:
    """Apply or roll back (``send`` by sales ops): every moved account and the scenario are written
    once, the history rows name the actor and the plan."""

    def case(w: dict[str, Any]) -> None:
        scenario, ops = target(w), w["org"].ops
        before, accounts = scenario.version, _moved_accounts(scenario)
        response = send(ops, scenario)
        assert response.status_code in (200, 302), (response.status_code, response.content[:400])
        assert_written(scenario, before=before, actor=ops)
        for account, version in accounts.items():
            assert_written(account, before=version, actor=ops, reason=f"allocation {scenario.pk}: {reason}")

    return case


def _queued(
    send: Callable[[Any, BaseModel], Any], status: str, field: str = "status"
) -> Callable[[dict[str, Any]], None]:
    """A solve or trade-off request and the job it queues: two writes of the scenario by the actor."""

    def case(w: dict[str, Any]) -> None:
        scenario, ops = _draft(w), w["org"].ops
        before = scenario.version
        with _on_commit():
            response = send(ops, scenario)
        assert response.status_code in (202, 302), (response.status_code, response.content[:400])
        scenario.refresh_from_db()
        assert getattr(scenario, field) == status, (getattr(scenario, field), scenario.message)
        assert_written_steps(scenario, before=before, actor=ops, steps=2)

    return case


def _job(request: Callable[..., Any], job: str, status: str, field: str = "status") -> Callable[[dict[str, Any]], None]:
    """The queued job alone (its request already written): one more write by the requester."""

    def case(w: dict[str, Any]) -> None:
        from opensrm.allocation import tasks

        scenario, ops = _draft(w), w["org"].ops
        request(scenario=scenario, actor=ops)  # not committed in the test: the job is not run yet
        scenario.refresh_from_db()
        before = scenario.version
        getattr(tasks, job).call_local(scenario.pk, ops.pk)
        scenario.refresh_from_db()
        assert getattr(scenario, field) == status, (getattr(scenario, field), scenario.message)
        assert_written(scenario, before=before, actor=ops)

    return case


def _adopt(send: Callable[[Any, BaseModel, int], Any]) -> Callable[[dict[str, Any]], None]:
    """A point of the trade-off becomes a new draft, written at version 1 by the actor."""

    def case(w: dict[str, Any]) -> None:
        from opensrm.allocation.models import AllocationPlan

        scenario, ops = _with_front(w), w["org"].ops
        cap = scenario.pareto["points"][0]["max_moves"]
        response = send(ops, scenario, cap)
        assert response.status_code in (201, 302), (response.status_code, response.content[:400])
        draft = AllocationPlan.objects.exclude(pk=scenario.pk).get()
        assert draft.parameters["max_moves"] == cap
        assert_written(draft, before=None, actor=ops)

    return case


def _unowned_lead(w: dict[str, Any]) -> BaseModel:
    from opensrm.crm.models import Lead

    _planner(w)
    return record_create(
        model=Lead,
        actor=w["org"].ops,
        data={"name": "Unowned", "company": "Routed Co", "owner": None, "lat": 30.3, "lon": 120.2},
    )


def _route_batch(w: dict[str, Any]) -> None:
    from opensrm.allocation.models import AllocationPlan

    lead, ops = _unowned_lead(w), w["org"].ops
    before = lead.version
    response = _api(ops).post("/allocation/leads/route", {"apply": True})
    assert response.status_code == 200, response.content[:400]
    scenario = AllocationPlan.objects.get(pk=response.json()["id"])
    assert scenario.status == "applied", scenario.message
    # drafted, solved and applied: three writes of the routing scenario
    assert_written_steps(scenario, before=None, actor=ops, steps=3)
    assert_written(lead, before=before, actor=ops, reason=f"allocation {scenario.pk}: applied")


def _route_one(w: dict[str, Any]) -> None:
    lead, ops = _unowned_lead(w), w["org"].ops
    before = lead.version
    response = _api(ops).post(f"/allocation/leads/{lead.pk}/route")
    assert response.status_code == 200, response.content[:400]
    lead.refresh_from_db()
    assert lead.owner_id is not None
    assert_written(lead, before=before, actor=ops, reason="routed")


def _page_create_scenario(w: dict[str, Any]) -> None:
    _planner(w)
    _page_form(
        lambda w: "/allocation/new/",
        "ops",
        lambda w: {"name": "Page plan"},
        created="territories.AllocationPlan",
    )(w)


def _api_send(path: str) -> Callable[[Any, BaseModel], Any]:
    return lambda who, scenario: _api(who).post(f"/allocation/scenarios/{scenario.pk}/{path}")


def _page_send(path: str) -> Callable[[Any, BaseModel], Any]:
    return lambda who, scenario: _browser(who).post(f"/allocation/{scenario.pk}/{path}/")


def _solve_request(**kwargs: Any) -> Any:
    from opensrm.allocation.services import plan_solve_request

    return plan_solve_request(**kwargs)


def _pareto_request(**kwargs: Any) -> Any:
    from opensrm.allocation.services import tradeoff_request

    return tradeoff_request(**kwargs)


PLANNER_CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "api POST /allocation/scenarios/{id}/solve": _queued(_api_send("solve"), "solved"),
    "api POST /allocation/scenarios/{id}/apply": _plan_action(_api_send("apply"), _solved, "applied"),
    "api POST /allocation/scenarios/{id}/rollback": _plan_action(_api_send("rollback"), _applied, "rolled back"),
    "api POST /allocation/scenarios/{id}/pareto": _queued(_api_send("pareto"), "done", "pareto_status"),
    "api POST /allocation/scenarios/{id}/pareto/use": _adopt(
        lambda who, s, cap: _api(who).post(f"/allocation/scenarios/{s.pk}/pareto/use", {"max_moves": cap})
    ),
    "api POST /allocation/leads/route": _route_batch,
    "api POST /allocation/leads/{id}/route": _route_one,
    "job plan_solve_job": _job(_solve_request, "plan_solve_job", "solved"),
    "job tradeoff_job": _job(_pareto_request, "tradeoff_job", "done", "pareto_status"),
    "page territories:scenario_create": _page_create_scenario,
    "page territories:scenario_solve": _queued(_page_send("solve"), "solved"),
    "page territories:scenario_apply": _plan_action(_page_send("apply"), _solved, "applied"),
    "page territories:scenario_rollback": _plan_action(_page_send("rollback"), _applied, "rolled back"),
    "page territories:scenario_pareto": _queued(_page_send("pareto"), "done", "pareto_status"),
    "page territories:scenario_pareto_use": _adopt(
        lambda who, s, cap: _browser(who).post(f"/allocation/{s.pk}/pareto/use/", {"max_moves": cap})
    ),
}


CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "api POST /recycle-bin/{type}/{id}/restore": _restore,
    "api POST /opportunities/{id}/move-stage": _move_stage,
    "api POST /leads/{id}/convert": _convert,
    "api POST /orders/{id}/cancel": _cancel,
    "api POST /opportunities/{id}/lines": _line_add,
    "api DELETE /opportunities/{id}/lines/{line_id}": _line_remove,
    "api POST /accounts/{id}/team": _team_add,
    "api DELETE /accounts/{id}/team/{user_id}": _team_remove,
    "job recycle_bin_purge_job": _purge_job,
    "api DELETE /recycle-bin/{type}/{id}": _purge("api"),
    "page web:purge": _purge("page"),
    "page web:bulk_action": _bulk_page,
    "page web:activity_reschedule": _reschedule_page,
    "demo load_company": _demo_load,
    "cli allocate": _allocate_cli,
    "cli createuser": _createuser_cli,
    **API_CASES,
    **PAGE_CASES,
    **PLANNER_CASES,
}
for _res in PRIVATE:
    CASES |= {
        f"api PATCH /{_res}/{{id}}": _patch_case(_res),
        f"api DELETE /{_res}/{{id}}": _delete_case(_res),
        f"api POST /{_res}": _create_case(_res),
    }
for _res in REFERENCE:
    CASES |= {
        f"api PATCH /{_res}/{{id}}": _patch_case(_res),
        f"api DELETE /{_res}/{{id}}": _delete_case(_res),
        f"api POST /{_res}": _create_case(_res),
    }
for _label in (
    "people.Team",
    "people.RepProfile",
    "crm.Territory",
    "crm.Account",
    "crm.Contact",
    "crm.Lead",
    "crm.Pipeline",
    "crm.Opportunity",
    "crm.Activity",
    "crm.Product",
    "crm.Order",
    "territories.AllocationPlan",
    "territories.RoutingPolicy",
):
    CASES |= {f"admin change {_label}": _admin_change(_label), f"admin delete {_label}": _admin_delete(_label)}

# Paths that write no versioned business record (BaseModel), with the reason.
NO_RECORD_WRITE: dict[str, str] = {
    "api POST /tokens": "API tokens are credentials, not versioned records",
    "api DELETE /tokens/{id}": "API tokens are credentials, not versioned records",
    "admin change core.ApiToken": "API tokens are credentials, not versioned records",
    "admin delete core.ApiToken": "API tokens are credentials, not versioned records",
    "admin change auth.Group": "Django's permission groups are not business records",
    "admin delete auth.Group": "Django's permission groups are not business records",
    "admin change account.EmailAddress": "allauth's sign-in addresses",
    "admin delete account.EmailAddress": "allauth's sign-in addresses",
    "admin change mfa.Authenticator": "allauth's second factors",
    "admin delete mfa.Authenticator": "allauth's second factors",
    "admin change territories.AllocationNotice": "a notice to a rep, not a versioned record",
    "admin change core.SecurityEvent": "the security log is written by sign-ins only, read-only in the admin",
    "admin delete core.SecurityEvent": "the security log is written by sign-ins only, read-only in the admin",
    "page web:recycle_detail": "shows a deleted record, writes nothing",
    "page web:account_detail": "shows the record, writes nothing",
    "page web:contact_detail": "shows the record, writes nothing",
    "page web:lead_detail": "shows the record, writes nothing",
    "page web:opportunity_detail": "shows the record, writes nothing",
    "page web:activity_detail": "shows the record, writes nothing",
    "page web:quote_detail": "shows the record, writes nothing",
    "page web:order_detail": "shows the record, writes nothing",
    "page web:quote_pdf": "a PDF download of the quote, writes nothing",
    "page territories:scenario_detail": "shows the scenario, writes nothing",
    "page web:settings_users": "the list of people, writes nothing",
    "page web:settings_teams": "the list of teams, writes nothing",
    "page web:security_log": "the security log, read by administrators; writes nothing",
    "page web:pipeline_settings": "the pipelines and their stages, writes nothing",
    "page web:customfield_list": "the list of custom fields, writes nothing",
    "page web:settings_reinvite": "sends the invitation e-mail again; the person is not changed",
    "admin delete territories.AllocationNotice": "a notice to a rep, not a versioned record",
    "cli migrate": "schema only",
    "cli manage": "Django's commands; their writes are the paths listed here",
    "cli serve": "serves the paths listed here",
    "cli demo": "demo-data then allocate, both listed",
    "cli demo-data": "the demo loader (demo load_company)",
    "job database_optimize_job": "refreshes planner statistics only",
    "page set_language": "the session's language",
    "page web:set_language": "the user's language preference",
    "page web:profile": "the user's own settings",
    "page web:saved_view_add": "a saved filter of the user's own",
    "page web:saved_view_delete": "a saved filter of the user's own",
    "page web:list_columns_reset": "forgets the user's own column choice on a list",
}


def test_every_write_path_has_a_case():
    paths = enumerate_write_paths()
    known = CASES.keys() | NO_RECORD_WRITE.keys()
    missing = sorted(paths - known)
    assert not missing, f"write paths without a history/version case ({len(missing)}): {missing}"
    assert not known - paths, f"cases for paths that no longer exist: {sorted(known - paths)}"


@pytest.mark.parametrize("path", sorted(CASES))
def test_the_write_bumps_the_version_and_names_the_actor(path, request):
    # The demo loader refuses a database that already holds records: it starts from an empty one.
    CASES[path]({} if path == "demo load_company" else request.getfixturevalue("w"))
