"""Tags and custom field definitions: normalisation, type checks, the definition service and the API."""

from __future__ import annotations

import pytest

from opensrm.core.errors import PermissionDenied, ValidationFailed
from opensrm.core.services import record_create, record_update
from opensrm.crm.customfields import normalise_tags, parse_tags
from opensrm.crm.models import Account, Contact, CustomFieldDefinition, Lead
from opensrm.crm.services.bulk import bulk_apply
from opensrm.crm.services.customfields import (
    definition_create,
    definition_set_active,
    definition_update,
)
from tests.api.conftest import ApiClient
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def define(actor, object_type="account", key="contract", field_type="text", **extra):
    return definition_create(
        actor=actor,
        data={"object_type": object_type, "key": key, "label_en": key.title(), "field_type": field_type, **extra},
    )


SIZES = [
    {"value": "s", "en": "Small", "zh-hans": "小"},
    {"value": "l", "en": "Large", "zh-hans": "大"},
]


# --- tags ----------------------------------------------------------------------------------------
def test_tags_are_trimmed_collapsed_deduplicated_and_capped():
    assert normalise_tags(["  VIP ", "vip", "Key   account", "", "x" * 60]) == ["VIP", "Key account", "x" * 40]
    assert parse_tags("VIP, 重点客户、华东，vip;  east ") == ["VIP", "重点客户", "华东", "east"]


@pytest.mark.parametrize("model", [Contact, Lead])
def test_every_tagged_record_normalises_its_tags_on_save(org, model):
    data = {"name": "N", "tags": [" VIP ", "vip", "new"]}
    if model is Lead:
        data["company"] = "Co"
    obj = record_create(model=model, actor=org.rep_a, data=data)
    obj.refresh_from_db()
    assert obj.tags == ["VIP", "new"]


def test_opportunity_tags_through_the_service(org, pipeline):
    opp = make_opportunity(make_account(org.rep_a), org.rep_a, pipeline)
    opp = record_update(instance=opp, actor=org.rep_a, data={"tags": ["Big deal", "big DEAL"]}, expected_version=1)
    assert opp.tags == ["Big deal"]
    assert opp.version == 2
    assert opp.history.first().history_user == org.rep_a


def test_bulk_adds_and_removes_a_tag_on_contacts(org):
    contacts = [record_create(model=Contact, actor=org.rep_a, data={"name": f"C{i}"}) for i in range(2)]
    pks = [c.pk for c in contacts]
    result = bulk_apply(actor=org.rep_a, model=Contact, ids=pks, action="tag", value="  VIP ")
    assert result.done == pks
    assert [c.tags for c in Contact.objects.filter(pk__in=pks)] == [["VIP"], ["VIP"]]
    result = bulk_apply(actor=org.rep_a, model=Contact, ids=pks, action="untag", value="vip")
    assert result.done == pks
    assert all(c.tags == [] and c.version == 3 for c in Contact.objects.filter(pk__in=pks))


# --- definitions ---------------------------------------------------------------------------------
def test_definition_service_writes_version_and_history_and_keeps_the_key(org):
    d = define(org.ops, key="contract_type", field_type="choice", choices=SIZES)
    assert d.version == 1
    assert d.history.first().history_user == org.ops
    d = definition_update(definition=d, actor=org.admin, data={"label_zh": "合同类型"}, expected_version=1)
    assert d.version == 2
    assert d.history.first().history_user == org.admin
    with pytest.raises(ValidationFailed) as exc:
        definition_update(definition=d, actor=org.ops, data={"key": "other"}, expected_version=2)
    assert "key" in exc.value.field_errors
    d = definition_set_active(definition=d, actor=org.ops, active=False, expected_version=2)
    assert d.is_active is False
    assert d.version == 3


def test_only_admin_and_sales_ops_define_fields(org):
    with pytest.raises(PermissionDenied):
        define(org.rep_a)
    with pytest.raises(PermissionDenied):
        define(org.manager_a)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"key": "Bad-Key"}, "key"),
        ({"key": "a__b"}, "key"),
        ({"field_type": "choice", "choices": []}, "choices"),
        ({"field_type": "choice", "choices": [{"value": "a", "en": "A"}, {"value": "a", "en": "B"}]}, "choices"),
    ],
)
def test_bad_definitions_are_refused_naming_the_field(org, data, field):
    with pytest.raises(ValidationFailed) as exc:
        define(org.ops, **data)
    assert field in exc.value.field_errors


def test_key_is_unique_per_record_type(org):
    define(org.ops, key="region")
    define(org.ops, object_type="lead", key="region")
    with pytest.raises(ValidationFailed) as exc:
        define(org.ops, key="region")
    assert list(exc.value.field_errors) == ["key"]


# --- values --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("field_type", "good", "bad"),
    [
        ("text", "Frame", 12),
        ("number", 12.5, "12"),
        ("date", "2026-05-01", "01/05/2026"),
        ("boolean", True, "yes"),
        ("choice", "s", "m"),
    ],
)
def test_values_of_defined_keys_are_checked_by_type(org, field_type, good, bad):
    define(org.ops, key="f", field_type=field_type, choices=SIZES if field_type == "choice" else [])
    account = make_account(org.rep_a)
    account = record_update(instance=account, actor=org.rep_a, data={"custom": {"f": good}}, expected_version=None)
    assert account.custom["f"] == good
    with pytest.raises(ValidationFailed) as exc:
        record_update(instance=account, actor=org.rep_a, data={"custom": {"f": bad}}, expected_version=None)
    assert list(exc.value.field_errors) == ["custom.f"]


def test_undefined_keys_are_kept_and_inactive_definitions_are_not_checked(org):
    d = define(org.ops, key="score", field_type="number")
    account = make_account(org.rep_a)
    custom = {"language": "zh", "product_lines": ["a"], "allocation_locked": True, "score": 3}
    account = record_update(instance=account, actor=org.rep_a, data={"custom": custom}, expected_version=None)
    assert account.custom == custom
    definition_set_active(definition=d, actor=org.ops, active=False, expected_version=None)
    account = record_update(
        instance=account, actor=org.rep_a, data={"custom": {**custom, "score": "high"}}, expected_version=None
    )
    assert account.custom["score"] == "high"


def test_required_field_is_needed_on_create_and_cannot_be_emptied(org):
    existing = make_account(org.rep_a, name="Before")
    define(org.ops, key="segment", required=True)
    with pytest.raises(ValidationFailed) as exc:
        make_account(org.rep_a, name="After")
    assert "custom.segment" in exc.value.field_errors
    # A record from before the field existed keeps working until someone fills it in.
    existing = record_update(instance=existing, actor=org.rep_a, data={"city": "Hangzhou"}, expected_version=None)
    assert existing.version == 2
    with pytest.raises(ValidationFailed) as exc:
        record_update(instance=existing, actor=org.rep_a, data={"custom": {"segment": ""}}, expected_version=None)
    assert "custom.segment" in exc.value.field_errors


# --- API -----------------------------------------------------------------------------------------
def test_api_names_the_custom_key_in_a_422(org):
    define(org.ops, key="renewal", field_type="date")
    c = ApiClient(org.rep_a)
    r = c.post("/accounts", {"name": "Api Co", "custom": {"renewal": "next year", "language": "en"}})
    assert r.status_code == 422
    assert list(r.json()["errors"]) == ["custom.renewal"]
    r = c.post("/accounts", {"name": "Api Co", "custom": {"renewal": "2027-01-31", "language": "en"}})
    assert r.status_code == 201, r.content
    assert r.json()["custom"] == {"renewal": "2027-01-31", "language": "en"}


@pytest.mark.parametrize("name", ["contacts", "leads", "opportunities"])
def test_api_tags_on_create_update_and_output(org, pipeline, name):
    c = ApiClient(org.rep_a)
    account = make_account(org.rep_a)
    body = {
        "contacts": {"name": "Tagged"},
        "leads": {"name": "Tagged", "company": "Co"},
        "opportunities": {
            "name": "Tagged",
            "account_id": account.pk,
            "pipeline_id": pipeline.pk,
            "expected_close_date": "2030-01-01",
        },
    }[name]
    r = c.post(f"/{name}", {**body, "tags": [" VIP ", "vip", "华东"]})
    assert r.status_code == 201, r.content
    assert r.json()["tags"] == ["VIP", "华东"]
    pk = r.json()["id"]
    r = c.patch(f"/{name}/{pk}", {"tags": ["VIP-old"]}, **{"If-Match": '"1"'})
    assert r.status_code == 200
    assert r.json()["tags"] == ["VIP-old"]
    r = c.patch(f"/{name}/{pk}", {"tags": "VIP"}, **{"If-Match": '"2"'})
    assert r.status_code == 422
    assert "tags" in r.json()["errors"]


@pytest.mark.parametrize("name", ["accounts", "contacts", "leads"])
def test_api_tag_filter_matches_whole_tags_only(org, name):
    model = {"accounts": Account, "contacts": Contact, "leads": Lead}[name]
    extra = {"company": "Co"} if model is Lead else {}
    vip = record_create(model=model, actor=org.rep_a, data={"name": "A", "tags": ["vip", "华东"], **extra})
    old = record_create(model=model, actor=org.rep_a, data={"name": "B", "tags": ["VIP-old"], **extra})
    c = ApiClient(org.rep_a)

    def ids(tag):
        r = c.get(f"/{name}", {"tag": tag})
        assert r.status_code == 200, r.content
        return {row["id"] for row in r.json()["items"]}

    assert ids("VIP") == {vip.pk}
    assert ids("VIP-old") == {old.pk}
    assert ids("华东") == {vip.pk}
    assert ids("VI") == set()


def test_api_definitions_for_other_records_do_not_apply(org):
    define(org.ops, object_type="lead", key="budget", field_type="number")
    c = ApiClient(org.rep_a)
    r = c.post("/accounts", {"name": "Free", "custom": {"budget": "lots"}})
    assert r.status_code == 201
    r = c.post("/leads", {"name": "L", "company": "Co", "custom": {"budget": "lots"}})
    assert r.status_code == 422
    assert list(r.json()["errors"]) == ["custom.budget"]
    assert CustomFieldDefinition.objects.count() == 1


@pytest.mark.parametrize("who", ["rep_a", "manager_a"])
def test_another_team_cannot_change_tags_or_custom_values(org, who):
    define(org.ops, key="segment", field_type="text")
    contact = record_create(model=Contact, actor=org.rep_b, data={"name": "B", "tags": ["VIP"], "custom": {"x": 1}})
    c = ApiClient(getattr(org, who))
    r = c.patch(f"/contacts/{contact.pk}", {"tags": [], "custom": {"segment": "a"}}, **{"If-Match": '"1"'})
    assert r.status_code == 404
    assert c.get("/contacts", {"tag": "VIP"}).json()["items"] == []
    with pytest.raises(ValidationFailed):
        bulk_apply(actor=getattr(org, who), model=Contact, ids=["x"], action="untag", value="VIP")
    result = bulk_apply(actor=getattr(org, who), model=Contact, ids=[contact.pk], action="untag", value="VIP")
    assert result.not_found == [contact.pk]
    contact.refresh_from_db()
    assert (contact.tags, contact.custom, contact.version) == (["VIP"], {"x": 1}, 1)


def test_a_value_stored_before_the_type_changed_does_not_block_other_changes(org):
    d = define(org.ops, key="budget", field_type="text")
    account = make_account(org.rep_a, custom={"budget": "about a million"})
    definition_update(definition=d, actor=org.ops, data={"field_type": "number"}, expected_version=1)
    result = bulk_apply(actor=org.ops, model=Account, ids=[account.pk], action="owner", value=org.rep_a1.pk)
    assert result.done == [account.pk]
    account.refresh_from_db()
    assert account.owner == org.rep_a1
    assert account.custom == {"budget": "about a million"}
    account = record_update(
        instance=account, actor=org.ops, data={"custom": {"budget": "about a million"}}, expected_version=None
    )
    with pytest.raises(ValidationFailed) as exc:
        record_update(instance=account, actor=org.ops, data={"custom": {"budget": "two"}}, expected_version=None)
    assert list(exc.value.field_errors) == ["custom.budget"]
    account = record_update(
        instance=account, actor=org.ops, data={"custom": {"budget": 2_000_000}}, expected_version=None
    )
    assert account.custom == {"budget": 2_000_000}
