"""List pages as a user clicks them: the next link walks every row once, sort links reorder,
calendar and board buttons keep a well-formed query string, the account cards count right;
filters, sort and keyset pages together."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from opensrm.crm.models import Account, Activity, Contact, Lead, Opportunity
from opensrm.web.listing import PAGE_SIZE
from tests.factories import make_account, make_opportunity

pytestmark = pytest.mark.django_db

ROWS = 2 * PAGE_SIZE + 7  # three pages


@pytest.fixture(autouse=True)
def _english(org):
    for user in (org.rep_a, org.manager_a):
        user.language = "en"
        user.save(update_fields=["language"])


def _bulk(kind, owner, pipeline):
    account = make_account(owner, name="Parent Co")
    stage = pipeline.stages.order_by("order").first()
    now = timezone.now()
    make = {
        "account": lambda i: Account(name=f"Row {i:03}", owner=owner),
        "contact": lambda i: Contact(name=f"Row {i:03}", account=account, owner=owner),
        "lead": lambda i: Lead(name=f"Row {i:03}", company="Co", owner=owner),
        "opportunity": lambda i: Opportunity(
            name=f"Row {i:03}",
            account=account,
            pipeline=pipeline,
            stage=stage,
            owner=owner,
            amount=Decimal(i),
            expected_close_date=dt.date(2027, 3, 31),
        ),
        "activity": lambda i: Activity(subject=f"Row {i:03}", owner=owner, due_at=now),
    }[kind]
    model = type(make(0))
    model.objects.bulk_create([make(i) for i in range(ROWS)])
    # one shared timestamp: the pages must still split the ties by id
    model.objects.filter(owner=owner).update(created_at=now)
    if kind == "account":
        Account.objects.filter(pk=account.pk).update(name="Parent Co", created_at=now)
    return model


def _rows(body: str) -> list[str]:
    return re.findall(r"<strong>(Row \d{3}|Parent Co)</strong>", body)


def _link(body: str, label: str) -> str | None:
    """The href of the pager button, None when it is disabled."""
    m = re.search(rf'<a class="btn btn-sm( disabled)?" href="([^"]*)">[^<]*{label}', body)
    assert m, f"no {label} link"
    return None if m.group(1) else html.unescape(m.group(2))


@pytest.mark.parametrize("kind", ["account", "contact", "lead", "opportunity", "activity"])
def test_next_walks_every_row_once_and_previous_walks_back(client, org, pipeline, kind):
    _bulk(kind, org.rep_a, pipeline)
    client.force_login(org.rep_a)
    url = reverse(f"web:{kind}_list")
    seen, pages, href = [], [], ""
    while href is not None:
        assert not href.startswith("??")
        response = client.get(url + href)
        assert response.status_code == 200
        body = response.content.decode()
        pages.append((href, _rows(body)))
        seen += pages[-1][1]
        href = _link(body, "Next")
    expected = ROWS + (1 if kind == "account" else 0)
    assert len(pages) == 3
    assert len(seen) == expected
    assert len(set(seen)) == expected
    back = _link(client.get(url + pages[-1][0]).content.decode(), "Previous")
    assert back is not None
    assert _rows(client.get(url + back).content.decode()) == pages[1][1]


@pytest.mark.parametrize("kind", ["account", "contact", "lead", "opportunity", "activity"])
def test_sort_links_reorder_the_list(client, org, pipeline, kind):
    _bulk(kind, org.rep_a, pipeline)
    client.force_login(org.rep_a)
    url = reverse(f"web:{kind}_list")
    body = client.get(url).content.decode()
    label = "Subject" if kind == "activity" else "Name"
    m = re.search(rf'<a href="([^"]*)" class="[^"]*">{label}', body)
    assert m
    href = html.unescape(m.group(1))
    assert href.startswith("?")
    assert not href.startswith("??")
    ascending = client.get(url + href).content.decode()
    first = ["Parent Co", "Row 000"] if kind == "account" else ["Row 000", "Row 001"]
    assert _rows(ascending)[:2] == first
    m = re.search(rf'<a href="([^"]*)" class="sorted">{label} ↑', ascending)
    assert m
    descending = client.get(url + html.unescape(m.group(1))).content.decode()
    assert _rows(descending)[:2] == [f"Row {ROWS - 1:03}", f"Row {ROWS - 2:03}"]
    # paging keeps the sort
    nxt = _link(descending, "Next")
    assert "sort=-" in nxt
    assert _rows(client.get(url + nxt).content.decode())[0] == f"Row {ROWS - 1 - PAGE_SIZE:03}"


def _hrefs(body: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="(\?[^"]*)"', body)]


def test_calendar_buttons_carry_a_well_formed_query(client, org, records):
    client.force_login(org.rep_a)
    url = reverse("web:calendar")
    body = client.get(url, {"date": "2027-03-10"}).content.decode()
    hrefs = _hrefs(body)
    assert hrefs
    assert all(not h.startswith("??") for h in hrefs)
    # the week of Wednesday 10 March starts on Monday the 8th
    assert "?date=2027-03-01" in hrefs
    assert "?date=2027-03-15" in hrefs
    day = next(h for h in hrefs if "view=day" in h)
    response = client.get(url + day)
    assert response.context["view"] == "day"
    assert response.context["start_day"] == dt.date(2027, 3, 10)
    everyone = next(h for h in hrefs if "owner=all" in h)
    assert client.get(url + everyone).context["mine"] is False


def test_board_mine_toggle_carries_a_well_formed_query(client, org, records):
    client.force_login(org.manager_a)
    url = reverse("web:board")
    hrefs = _hrefs(client.get(url).content.decode())
    mine = next(h for h in hrefs if "owner=me" in h)
    assert not mine.startswith("??")
    assert client.get(url + mine).context["mine"] is True


def test_account_cards_count_open_deals_and_every_contact(client, org, pipeline):
    account = make_account(org.rep_a, name="Card Co")
    won, lost = pipeline.stages.get(is_won=True), pipeline.stages.get(is_lost=True)
    deals = [make_opportunity(account, org.rep_a, pipeline) for _ in range(4)]
    Opportunity.objects.filter(pk=deals[0].pk).update(stage=won)
    Opportunity.objects.filter(pk=deals[1].pk).update(stage=lost, lost_reason="price")
    client.force_login(org.rep_a)
    response = client.get(reverse("web:account_detail", args=[account.pk]))
    assert response.context["open_opportunity_count"] == 2
    body = response.content.decode()
    card = re.search(r'Open opportunities</div><div class="value">(\d+)<', body)
    assert card
    assert card.group(1) == "2"


def test_a_saved_view_stores_each_filter_once(client, org):
    client.force_login(org.rep_a)
    response = client.post(
        reverse("web:saved_view_add", args=["account"]),
        {"name": "Prospects", "querystring": "q=Wu&status=customer&sort=name&q=Wu&status=prospect&tier=&after=abc"},
    )
    assert response.status_code == 302
    from opensrm.web.models import SavedView

    view = SavedView.objects.get(user=org.rep_a)
    assert view.querystring == "q=Wu&status=prospect&sort=name"
    assert response["Location"].endswith("?q=Wu&status=prospect&sort=name")
    rows = client.get(response["Location"]).context["active_filters"]
    assert rows["status"] == "prospect"


def test_boolean_cells_show_yes_or_no_in_the_users_language(client, org):
    from opensrm.crm.models import Product

    Product.objects.create(code="GW-1", name="网关", unit_price=Decimal("10"), active=True)
    Product.objects.create(code="GW-2", name="旧网关", unit_price=Decimal("10"), active=False)
    org.ops.language = "zh-hans"
    org.ops.save(update_fields=["language"])
    client.force_login(org.ops)

    response = client.get("/products/")

    assert response.status_code == 200
    cells = [html.unescape(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", response.content.decode(), re.S)]
    assert "是" in cells
    assert "否" in cells
    assert not {"True", "False"} & set(cells)


def test_list_filters_sort_and_keyset_pages(client, org):
    for i in range(120):
        make_account(org.rep_a, name=f"Company {i:03d}", status="customer" if i % 2 else "prospect")
    client.force_login(org.rep_a)
    first = client.get(reverse("web:account_list"), {"sort": "name", "status": "customer"})
    page = first.context["page"]
    assert [a.name for a in page.rows][:2] == ["Company 001", "Company 003"]
    assert len(page.rows) == 50
    assert page.next_cursor
    assert not page.prev_cursor
    second = client.get(reverse("web:account_list"), {"sort": "name", "status": "customer", "after": page.next_cursor})
    page2 = second.context["page"]
    assert page2.rows[0].name == "Company 101"
    assert len(page2.rows) == 10
    assert page2.next_cursor is None
    back = client.get(reverse("web:account_list"), {"sort": "name", "status": "customer", "before": page2.prev_cursor})
    assert [a.name for a in back.context["page"].rows] == [a.name for a in page.rows]
    searched = client.get(reverse("web:account_list"), {"q": "Company 11"}).context["page"]
    assert sorted(a.name for a in searched.rows) == [f"Company 11{i}" for i in range(10)]
    partial = client.get(
        reverse("web:account_list"),
        {"q": "Company 11"},
        headers={"HX-Request": "true", "HX-Target": "list-results"},
    )
    assert "<html" not in partial.content.decode()
