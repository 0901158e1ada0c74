"""The bulk bar in Chromium: select rows (one by one and all on the page), run one action."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sign_in, submit_and_wait
from tests.factories import make_account

pytestmark = pytest.mark.e2e


def test_select_rows_and_change_their_tier(web_page, e2e_org):
    from opensrm.crm.models import Account

    org, _pipeline = e2e_org
    accounts = [make_account(org.rep_a, name=f"Bulk {i}") for i in range(3)]
    theirs = make_account(org.rep_b, name="Team B account")
    page = web_page
    page.set_default_timeout(30_000)
    sign_in(page, "rep_a")
    page.goto("/accounts/")
    page.check("input[data-bulk-all]")
    assert page.locator("input[data-bulk-row]:checked").count() == 3
    assert "3" in page.locator("[data-bulk-count]").inner_text()
    page.uncheck(f"input[data-bulk-row][value='{accounts[2].pk}']")
    assert page.locator("input[data-bulk-all]").evaluate("el => el.indeterminate")
    page.select_option("[data-bulk-action]", "tier")
    assert page.locator("#bulk-form select[name=tier]").is_visible()
    assert not page.locator("#bulk-form select[name=owner]").is_visible()
    page.select_option("#bulk-form select[name=tier]", "B")
    submit_and_wait(page, "#bulk-form button[type=submit]")
    assert "2 条记录已更改" in page.locator(".messages").inner_text()
    tiers = dict(Account.objects.filter(pk__in=[a.pk for a in accounts]).values_list("pk", "tier"))
    assert tiers[accounts[0].pk] == "B"
    assert tiers[accounts[1].pk] == "B"
    assert tiers[accounts[2].pk] != "B"
    assert Account.objects.get(pk=theirs.pk).version == theirs.version
