"""The bulk bar of the list pages: who sees it, and a POST mixing own and another team's ids."""

from __future__ import annotations

import re

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from opensrm.crm.models import Account, Opportunity
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db


def _rows(model, pks):
    return {o.pk: model_to_dict(o) | {"version": o.version} for o in model.all_objects.filter(pk__in=pks)}


@pytest.mark.parametrize("key", ["account", "contact", "lead", "opportunity", "activity"])
def test_rep_sees_bulk_controls_and_a_count_viewer_does_not(key, client, org):
    make_account(org.rep_a)
    client.force_login(org.rep_a)
    html = client.get(reverse(f"web:{key}_list")).content.decode()
    assert 'id="bulk-form"' in html
    assert "bulk.js" in html
    assert "data-total" in html
    client.force_login(org.viewer)
    html = client.get(reverse(f"web:{key}_list")).content.decode()
    assert 'id="bulk-form"' not in html
    assert 'name="ids"' not in html


def test_account_rows_have_checkboxes_and_the_count(client, org):
    accounts = [make_account(org.rep_a, name=f"Row {i}") for i in range(3)]
    client.force_login(org.rep_a)
    html = client.get(reverse("web:account_list")).content.decode()
    for a in accounts:
        assert f'name="ids" value="{a.pk}"' in html
    assert "3 条符合" in html


def test_bulk_post_with_team_b_ids_changes_only_own_rows(client, org):
    mine = [make_account(org.rep_a, name=f"Mine {i}") for i in range(2)]
    theirs = [make_account(org.rep_b, name=f"Theirs {i}") for i in range(2)]
    before_b = _rows(Account, [a.pk for a in theirs])
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:bulk_action", args=["account"]),
        {"ids": [a.pk for a in mine + theirs], "action": "tier", "tier": "B", "querystring": "q=Mine&after=x"},
        follow=True,
    )
    assert response.redirect_chain[0] == (reverse("web:account_list") + "?q=Mine", 302)
    html = response.content.decode()
    assert "2 条记录已更改。" in html
    assert "2 条所选记录未找到" in html
    assert f"#{theirs[0].pk}" in html
    assert "Theirs" not in html
    for a in mine:
        stored = Account.objects.get(pk=a.pk)
        assert stored.tier == "B"
        assert stored.version == a.version + 1
    assert _rows(Account, [a.pk for a in theirs]) == before_b


def test_bulk_stage_in_chinese(client, org, pipeline):
    account = make_account(org.rep_a)
    opp = make_opportunity(account, org.rep_a, pipeline)
    stage = pipeline.stages.get(name="Negotiate")
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:bulk_action", args=["opportunity"]),
        {"ids": [opp.pk], "action": "stage", "stage": stage.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="zh-hans",
        headers={"Accept-Language": "zh-hans"},
    )
    assert response.status_code == 200
    assert Opportunity.objects.get(pk=opp.pk).stage_id == stage.pk


def test_bad_bulk_input_is_a_422_naming_the_problem(client, org):
    a = make_account(org.rep_a)
    client.force_login(org.rep_a)
    response = client.post(reverse("web:bulk_action", args=["account"]), {"ids": [a.pk], "action": "tier", "tier": "Z"})
    assert response.status_code == 422
    assert "请选择有效的等级。" in response.content.decode()
    response = client.post(reverse("web:bulk_action", args=["account"]), {"action": "tier", "tier": "A"})
    assert response.status_code == 422
    assert "请至少选择一行。" in response.content.decode()
    assert Account.objects.get(pk=a.pk).version == a.version


def test_viewer_bulk_post_is_forbidden(client, org):
    a = make_account(org.rep_a)
    client.force_login(org.viewer)
    response = client.post(reverse("web:bulk_action", args=["account"]), {"ids": [a.pk], "action": "delete"})
    assert response.status_code == 403
    assert Account.objects.get(pk=a.pk).deleted_at is None


def test_unknown_list_is_404(client, org):
    client.force_login(org.rep_a)
    assert client.post(reverse("web:bulk_action", args=["quote"]), {"ids": [1], "action": "delete"}).status_code == 404


def _head(html: str) -> str:
    return html[html.index("<thead>"):html.index("</thead>")]


def test_column_chooser_shows_only_the_picked_columns_and_keeps_the_name(client, org):
    make_account(org.rep_a, name="Chooser Co")
    client.force_login(org.rep_a)
    html = client.get(reverse("web:account_list"), {"cols": ["city"]}).content.decode()
    head = _head(html)
    # the name (always shown) and the picked city, each a sort link that keeps the choice
    columns = re.findall(r'<th><a href="([^"]+)"[^>]*>([^<]+)</a></th>', head)
    assert columns == [("?cols=city&amp;sort=name", "名称"), ("?cols=city&amp;sort=city", "城市")]
    assert "Chooser Co" in html
    assert "Shanghai" in html
    # The choice is kept for this user (tests/web/test_services.py has the rest of it) ...
    head = _head(client.get(reverse("web:account_list")).content.decode())
    assert "sort=city" in head
    assert "industry" not in head
    # ... and another user still sees the default columns.
    client.force_login(org.rep_a1)
    head = _head(client.get(reverse("web:account_list")).content.decode())
    assert "industry" in head
    assert "created_at" in head
    # An unknown column name falls back to the default columns rather than an empty table.
    assert "industry" in _head(client.get(reverse("web:account_list"), {"cols": ["nope"]}).content.decode())


def test_tag_filter_matches_whole_tags_in_both_scripts(client, org):
    make_account(org.rep_a, name="Tagged VIP", tags=["vip", "重点客户"])
    make_account(org.rep_a, name="Tagged VIPER", tags=["viper"])
    client.force_login(org.rep_a)
    html = client.get(reverse("web:account_list"), {"tag": "VIP"}).content.decode()
    assert "Tagged VIP<" in html
    assert "Tagged VIPER" not in html
    html = client.get(reverse("web:account_list"), {"tag": "重点客户"}).content.decode()
    assert "Tagged VIP<" in html
    assert "Tagged VIPER" not in html
