"""One browser test per feature of the pages, in Chromium, against the live server."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from opensrm.core.services import record_create, record_update
from opensrm.crm.models import Account, Activity, ActivityKind, Lead, LeadStatus, Opportunity, Stage
from tests.e2e.conftest import sign_in, submit_and_wait
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.e2e


def test_sign_in_then_create_an_account_after_a_validation_error(web_page, e2e_org):
    org, _pipeline = e2e_org
    page = web_page
    sign_in(page, "rep_a")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto("/accounts/new/")
    page.fill("#id_name", "")
    page.fill("#id_city", "Shanghai")
    submit_and_wait(page, "form.panel button[type=submit]")
    errors = page.locator(".field.has-error .error")
    assert errors.count() == 1
    assert page.locator(".field.has-error #id_name").count() == 1
    assert page.input_value("#id_city") == "Shanghai"
    assert Account.objects.count() == 0
    page.fill("#id_name", "Shanghai Precision Tools")
    submit_and_wait(page, "form.panel button[type=submit]")  # "**/accounts/*/" matches /accounts/new/
    page.wait_for_url(lambda url: "/accounts/new/" not in url)
    assert page.locator("h1").inner_text().startswith("Shanghai Precision Tools")
    account = Account.objects.get()
    assert account.owner == org.rep_a


def test_convert_a_lead_in_one_step(web_page, e2e_org):
    org, _pipeline = e2e_org
    lead = record_create(
        model=Lead,
        actor=org.rep_a,
        data={
            "name": "Wang Fang",
            "company": "Hangzhou Bright Foods",
            "owner": org.rep_a,
            "estimated_value": Decimal("88000"),
        },
    )
    page = web_page
    sign_in(page, "rep_a")
    page.goto(f"/leads/{lead.pk}/")
    page.click("a[href$='/convert/']")
    page.fill("#id_opportunity_name", "Bright Foods cold chain")
    page.click("form.panel button[type=submit]")
    page.wait_for_url("**/opportunities/*/")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    opportunity = Opportunity.objects.get()
    assert opportunity.name == "Bright Foods cold chain"
    assert opportunity.account.name == "Hangzhou Bright Foods"
    assert page.locator("h1").inner_text() == "Bright Foods cold chain"


def _drag(page, card_selector: str, column_selector: str) -> None:
    card = page.locator(card_selector).bounding_box()
    target = page.locator(column_selector).bounding_box()
    page.mouse.move(card["x"] + card["width"] / 2, card["y"] + 10)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(
            card["x"] + (target["x"] + 40 - card["x"]) * step / 10,
            card["y"] + 10 + (target["y"] + 30 - card["y"]) * step / 10,
        )
        page.wait_for_timeout(30)
    page.mouse.up()


def test_drag_an_opportunity_to_the_next_stage_and_a_refused_move(web_page, e2e_org):
    org, pipeline = e2e_org
    account = make_account(org.rep_a, name="Suzhou Electric")
    opp = make_opportunity(account, org.rep_a, pipeline, amount="120000")
    qualify, propose, lost = (Stage.objects.get(pipeline=pipeline, name=n) for n in ("Qualify", "Propose", "Lost"))
    page = web_page
    sign_in(page, "rep_a")
    page.goto("/opportunities/board/")
    _drag(page, f"#opp-{opp.pk}", f".cards[data-stage='{propose.pk}']")
    page.wait_for_selector(f".cards[data-stage='{propose.pk}'] #opp-{opp.pk}:not(.moving)")
    page.wait_for_selector("#toast:not([hidden])")
    opp.refresh_from_db()
    assert opp.stage == propose
    assert opp.stage_changes.count() == 2

    # Lost needs a reason: cancelling the dialog puts the card back and changes nothing.
    _drag(page, f"#opp-{opp.pk}", f".cards[data-stage='{lost.pk}']")
    page.wait_for_selector("#lost-dialog[open]")
    page.click("#lost-dialog button[value=cancel]")
    page.wait_for_selector(f".cards[data-stage='{propose.pk}'] #opp-{opp.pk}")
    opp.refresh_from_db()
    assert opp.stage == propose
    assert qualify.pk != propose.pk


def test_switch_to_english_and_back_to_chinese(web_page, e2e_org):
    org, _pipeline = e2e_org
    page = web_page
    sign_in(page, "rep_a")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click(".topbar .lang-switch button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert page.locator(".sidebar").inner_text().find("Accounts") >= 0
    page.goto("/accounts/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click(".topbar .lang-switch button[value=zh-hans]")
    page.wait_for_selector("html[lang=zh-hans]")
    org.rep_a.refresh_from_db()
    assert org.rep_a.language == "zh-hans"


def test_a_stale_edit_is_refused_and_not_saved(web_page, e2e_org):
    org, _pipeline = e2e_org
    account = make_account(org.rep_a, name="Ningbo Port Logistics")
    page = web_page
    sign_in(page, "rep_a")
    page.goto(f"/accounts/{account.pk}/edit/")
    # Someone else saves first.
    record_update(instance=account, actor=org.manager_a, data={"phone": "021-5555"}, expected_version=account.version)
    page.fill("#id_name", "Ningbo Port Logistics (renamed)")
    submit_and_wait(page, "form.panel button[type=submit]")
    alert = page.locator(".alert")
    alert.wait_for()
    assert alert.inner_text().splitlines()[0] == "此记录已被他人修改（当前版本 2，您的版本 1）。请重新加载后再试。"
    account.refresh_from_db()
    assert account.name == "Ningbo Port Logistics"
    assert account.phone == "021-5555"


def test_screenshots_of_the_main_pages(web_page, e2e_org, tmp_path_factory):
    """Not an assertion of looks: it leaves screenshots in a temp dir for a person to review."""
    org, pipeline = e2e_org
    for i, name in enumerate(["Shanghai Precision Tools", "Hangzhou Bright Foods", "Suzhou Electric", "Ningbo Port"]):
        account = make_account(org.rep_a, name=name, tier="AB"[i % 2])
        for j in range(2):
            make_opportunity(account, org.rep_a, pipeline, amount=str(50000 * (i + 1) * (j + 1)))
        record_create(
            model=Activity,
            actor=org.rep_a,
            data={
                "kind": ActivityKind.TASK,
                "subject": f"Follow up {name}",
                "account": account,
                "owner": org.rep_a,
                "due_at": timezone.now() + dt.timedelta(hours=i - 2),
            },
        )
    opp = Opportunity.objects.first()
    page = web_page
    out = tmp_path_factory.getbasetemp()
    page.goto("/accounts/login/")
    page.screenshot(path=str(out / "login.png"))
    sign_in(page, "manager_a")
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "home.png"), full_page=True)
    for name, url in [
        ("board", "/opportunities/board/"),
        ("accounts", "/accounts/"),
        ("opportunity", f"/opportunities/{opp.pk}/"),
        ("calendar", "/calendar/"),
        ("account_form", "/accounts/new/"),
    ]:
        page.goto(url)
        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 820, "height": 1100})
    page.goto("/")
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / "home_tablet.png"), full_page=True)
    print(f"screenshots in {out}")
