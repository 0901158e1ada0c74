"""Tags and custom fields in the pages: forms, detail pages, list filters and columns, settings."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from opensrm.core.services import record_create, record_update
from opensrm.crm.models import Account, Contact, CustomFieldDefinition, Lead
from opensrm.crm.services.customfields import definition_create
from tests.factories import make_account

pytestmark = pytest.mark.django_db

SIZES = [{"value": "s", "en": "Small", "zh-hans": "小型"}, {"value": "l", "en": "Large", "zh-hans": "大型"}]


def define(org, key, field_type, object_type="account", **extra):
    return definition_create(
        actor=org.ops,
        data={
            "object_type": object_type,
            "key": key,
            "label_en": key.replace("_", " ").title(),
            "label_zh": f"字段{key}",
            "field_type": field_type,
            **extra,
        },
    )


def english(user) -> Client:
    c = Client(headers={"Accept-Language": "en"})
    c.force_login(user)
    return c


def account_data(account, **extra):
    return {
        "name": account.name,
        "country": "CN",
        "industry": "retail",
        "status": "prospect",
        "owner": account.owner_id,
        "version": account.version,
        **extra,
    }


@pytest.fixture
def fields(org):
    return {
        "size": define(org, "size", "choice", choices=SIZES, required=True, order=1),
        "seats": define(org, "seats", "number", order=2),
        "renewal": define(org, "renewal", "date", order=3),
        "partner": define(org, "partner", "boolean", order=4),
        "note": define(org, "note", "text", order=5),
    }


def test_form_renders_active_custom_fields_as_real_fields(org, fields):
    define(org, "gone", "text")
    CustomFieldDefinition.objects.filter(key="gone").update(is_active=False)
    html = english(org.rep_a).get(reverse("web:account_create")).content.decode()
    assert '<select name="cf_size"' in html
    assert 'required id="id_cf_size"' in html
    assert 'type="number" name="cf_seats"' in html
    assert 'type="date" name="cf_renewal"' in html
    assert '<select name="cf_partner"' in html
    assert 'name="cf_note"' in html
    assert 'name="tags"' in html
    assert "cf_gone" not in html
    assert html.index("cf_size") < html.index("cf_seats") < html.index("cf_renewal")


def test_form_saves_custom_values_and_tags_and_keeps_undefined_keys(org, fields):
    account = make_account(org.rep_a, name="Keep", custom={"size": "s", "language": "zh", "allocation_locked": True})
    c = english(org.rep_a)
    data = account_data(
        account,
        cf_size="l",
        cf_seats="12",
        cf_renewal="2027-03-31",
        cf_partner="true",
        cf_note="",
        tags="VIP, 重点客户、华东，vip  east",
    )
    response = c.post(reverse("web:account_edit", args=[account.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    account.refresh_from_db()
    assert account.custom == {
        "size": "l",
        "seats": 12,
        "renewal": "2027-03-31",
        "partner": True,
        "language": "zh",
        "allocation_locked": True,
    }
    assert account.tags == ["VIP", "重点客户", "华东", "east"]
    assert account.version == 2
    assert account.history.first().history_user == org.rep_a


def test_untouched_tag_box_leaves_tags_with_spaces_alone(org):
    account = make_account(org.rep_a, name="Spaces", tags=["Key account"])
    c = english(org.rep_a)
    html = c.get(reverse("web:account_edit", args=[account.pk])).content.decode()
    assert 'value="Key account"' in html
    assert '<span class="badge">Key account</span>' in html
    response = c.post(reverse("web:account_edit", args=[account.pk]), account_data(account, tags="Key account"))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.tags == ["Key account"]


def test_errors_are_shown_beside_the_custom_field(org, fields):
    account = make_account(org.rep_a, name="Err", custom={"size": "s"})
    c = english(org.rep_a)
    response = c.post(
        reverse("web:account_edit", args=[account.pk]), account_data(account, cf_size="", cf_seats="many")
    )
    assert response.status_code == 422
    html = response.content.decode()
    size_block = html[html.index('for="id_cf_size"') - 200 : html.index('name="cf_seats"')]
    assert "has-error" in size_block
    assert "This field is required." in size_block
    seats_block = html[html.index('for="id_cf_seats"') : html.index('name="cf_renewal"')]
    assert "Enter a number." in seats_block
    account.refresh_from_db()
    assert account.version == 1
    assert account.custom == {"size": "s"}


def test_required_message_and_labels_in_chinese(org, fields):
    c = Client()  # the default language, Simplified Chinese
    c.force_login(org.rep_a)
    response = c.post(reverse("web:account_create"), {"name": "新公司", "country": "CN", "industry": "retail"})
    html = response.content.decode()
    assert response.status_code == 422
    assert "字段size" in html
    assert "这个字段是必填项。" in html
    assert "大型" in html


def test_detail_page_shows_custom_values_and_tags_in_the_users_language(org, fields):
    account = make_account(
        org.rep_a,
        name="Shown",
        custom={"size": "l", "seats": 1200, "partner": False, "language": "zh"},
        tags=["VIP"],
    )
    html = english(org.rep_a).get(reverse("web:account_detail", args=[account.pk])).content.decode()
    assert "<dt>Size</dt><dd>Large</dd>" in html
    assert "<dt>Seats</dt><dd>1,200</dd>" in html
    assert "<dt>Partner</dt><dd>No</dd>" in html
    assert "<dt>Renewal</dt><dd>—</dd>" in html
    assert f'href="{reverse("web:account_list")}?tag=VIP">VIP</a>' in html
    c = Client()
    c.force_login(org.rep_a)
    html = c.get(reverse("web:account_detail", args=[account.pk])).content.decode()
    assert "<dt>字段size</dt><dd>大型</dd>" in html
    assert "<dd>否</dd>" in html


def _names(c, url, params):
    html = c.get(url, params).content.decode()
    return {name for name in ("Small Co", "Large Co", "Old Co", "None Co") if name in html}


def test_list_filters_by_custom_fields_and_whole_tags(org, fields):
    make_account(org.rep_a, name="Small Co", custom={"size": "s", "seats": 5, "renewal": "2026-01-15", "note": "Frame"})
    make_account(
        org.rep_a,
        name="Large Co",
        tags=["VIP"],
        custom={"size": "l", "seats": 500, "renewal": "2027-06-01", "partner": True},
    )
    make_account(org.rep_a, name="Old Co", tags=["VIP-old"], custom={"size": "l", "partner": False})
    make_account(org.rep_a, name="None Co", custom={"size": "s"})
    c = english(org.rep_a)
    url = reverse("web:account_list")
    assert _names(c, url, {"cf_size": "l"}) == {"Large Co", "Old Co"}
    assert _names(c, url, {"cf_partner": "true"}) == {"Large Co"}
    assert _names(c, url, {"cf_partner": "false"}) == {"Old Co"}
    assert _names(c, url, {"cf_seats_min": "10"}) == {"Large Co"}
    assert _names(c, url, {"cf_seats_max": "10"}) == {"Small Co"}
    assert _names(c, url, {"cf_renewal_min": "2026-06-01", "cf_renewal_max": "2027-12-31"}) == {"Large Co"}
    assert _names(c, url, {"cf_note": "frame"}) == {"Small Co"}
    assert _names(c, url, {"tag": "VIP"}) == {"Large Co"}
    assert _names(c, url, {"tag": "vip-OLD"}) == {"Old Co"}
    html = c.get(url).content.decode()
    assert 'name="cf_size"' in html
    assert 'name="cf_seats_min"' in html
    assert 'name="cf_renewal_max"' in html


def test_tags_and_custom_fields_are_optional_columns(org, fields):
    make_account(org.rep_a, name="Col Co", tags=["VIP", "East"], custom={"size": "l"})
    c = english(org.rep_a)
    url = reverse("web:account_list")
    html = c.get(url).content.decode()
    assert 'name="cols" value="custom.size"' in html
    assert 'name="cols" value="tags"' in html
    assert "VIP, East" not in html
    assert "<td>Large</td>" not in html
    html = c.get(url, {"cols": ["name", "tags", "custom.size"]}).content.decode()
    assert "VIP, East" in html
    assert "Large" in html


@pytest.mark.parametrize("key", ["contact", "lead", "opportunity"])
def test_other_records_have_the_tag_filter_and_box(org, pipeline, key):
    c = english(org.rep_a)
    html = c.get(reverse(f"web:{key}_list")).content.decode()
    assert 'name="tag"' in html
    assert 'value="untag"' in html
    assert 'value="tag"' in html
    html = c.get(reverse(f"web:{key}_create")).content.decode()
    assert 'name="tags"' in html


def test_contact_and_lead_forms_save_tags(org):
    c = english(org.rep_a)
    response = c.post(
        reverse("web:contact_create"), {"name": "Tag Person", "owner": org.rep_a.pk, "tags": "VIP，决策人"}
    )
    assert response.status_code == 302
    assert Contact.objects.get(name="Tag Person").tags == ["VIP", "决策人"]
    lead = record_create(model=Lead, actor=org.rep_a, data={"name": "L", "company": "Co", "tags": ["a"]})
    lead = record_update(instance=lead, actor=org.rep_a, data={"tags": ["a", "b"]}, expected_version=1)
    html = c.get(reverse("web:lead_list"), {"tag": "b"}).content.decode()
    assert "Co" in html


def test_bulk_remove_tag_from_the_list(org):
    a1 = make_account(org.rep_a, name="B1", tags=["VIP", "East"])
    a2 = make_account(org.rep_a, name="B2", tags=["vip"])
    other = make_account(org.rep_b, name="B3", tags=["VIP"])
    c = english(org.rep_a)
    response = c.post(
        reverse("web:bulk_action", args=["account"]),
        {"action": "untag", "untag": "VIP", "ids": [a1.pk, a2.pk, other.pk]},
    )
    assert response.status_code == 302
    assert [a.tags for a in Account.objects.filter(pk__in=[a1.pk, a2.pk]).order_by("pk")] == [["East"], []]
    other.refresh_from_db()
    assert other.tags == ["VIP"]
    assert other.version == 1


# --- settings -----------------------------------------------------------------------------------
def test_sales_ops_create_edit_and_deactivate_a_field(org):
    c = english(org.ops)
    assert 'href="/settings/custom-fields/"' in c.get(reverse("web:home")).content.decode()
    response = c.post(
        reverse("web:customfield_create"),
        {
            "object_type": "lead",
            "key": "budget_band",
            "label_en": "Budget band",
            "label_zh": "预算档位",
            "field_type": "choice",
            "choices": "low | Low | 低\nhigh | High | 高",
            "order": "1",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    d = CustomFieldDefinition.objects.get(key="budget_band")
    assert d.choices == [
        {"value": "low", "en": "Low", "zh-hans": "低"},
        {"value": "high", "en": "High", "zh-hans": "高"},
    ]
    assert (d.version, d.history.first().history_user) == (1, org.ops)
    html = c.get(reverse("web:customfield_list")).content.decode()
    assert "Budget band" in html
    assert "budget_band" in html
    # The key and the record type stay what they were, whatever the form sends.
    response = c.post(
        reverse("web:customfield_edit", args=[d.pk]),
        {
            "object_type": "account",
            "key": "renamed",
            "label_en": "Budget",
            "field_type": "choice",
            "choices": "low | Low | 低",
            "order": "2",
            "is_active": "on",
            "version": "1",
        },
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.key, d.object_type, d.label_en, d.version) == ("budget_band", "lead", "Budget", 2)
    response = c.post(reverse("web:customfield_toggle", args=[d.pk]), {"version": "2"})
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.is_active, d.version) == (False, 3)
    assert 'name="cf_budget_band"' not in c.get(reverse("web:lead_create")).content.decode()


def test_a_bad_key_is_shown_beside_the_field(org):
    c = english(org.admin)
    response = c.post(
        reverse("web:customfield_create"),
        {"object_type": "account", "key": "Bad Key", "label_en": "X", "field_type": "text", "order": "0"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    block = html[html.index('for="id_key"') : html.index('for="id_label_en"')]
    assert "lower-case letters" in block
    assert not CustomFieldDefinition.objects.exists()


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "viewer"])
def test_other_roles_cannot_manage_fields_nor_see_the_link(org, who):
    d = define(org, "size", "choice", choices=SIZES)
    c = english(getattr(org, who))
    assert "/settings/custom-fields/" not in c.get(reverse("web:home")).content.decode()
    assert c.get(reverse("web:customfield_list")).status_code == 403
    assert c.post(reverse("web:customfield_create"), {"key": "x"}).status_code == 403
    assert c.post(reverse("web:customfield_toggle", args=[d.pk]), {"version": "1"}).status_code == 403
    d.refresh_from_db()
    assert d.is_active
    assert d.version == 1
