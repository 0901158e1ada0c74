"""Record forms as a browser sends them back: every edit form saves unchanged and with a change,
in both languages; dates and numbers render in the formats the browser inputs read."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from opensrm.crm.models import Opportunity, PriceList, Product
from tests.factories import make_account

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hans"]


class _FormFields(HTMLParser):
    """What a browser would submit from the page's record form (the one posting to itself)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self.inputs: dict[str, dict[str, str]] = {}
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method") == "post" and "action" not in a:
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and a.get("name"):
            self.inputs.setdefault(a["name"], a)
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.fields.append((a["name"], a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._first_option, self._selected = a.get("name"), None, False
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value", "")
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
                self._selected = True
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            if not self._selected:
                self.fields.append((self._select, self._first_option or ""))
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text += data


def form_of(response) -> _FormFields:
    parser = _FormFields()
    parser.feed(response.content.decode())
    assert parser.fields, "no record form on the page"
    return parser


def as_post(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def speak(user, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def _catalog(org):
    product = Product.objects.create(code="P-9", name="Gearbox", unit_price=Decimal("1234.50"))
    price_list = PriceList.objects.create(
        name="2027", valid_from=dt.date(2027, 1, 1), valid_until=dt.date(2027, 12, 31)
    )
    return {"product": product, "pricelist": price_list}


# (record kind, field to change, new value, how to read it back)
CHANGES = {
    "account": ("city", "Hangzhou", lambda o: o.city),
    "contact": ("title", "CFO", lambda o: o.title),
    "lead": ("estimated_value", "7500.25", lambda o: str(o.estimated_value)),
    "opportunity": ("expected_close_date", "2027-06-30", lambda o: o.expected_close_date.isoformat()),
    "activity": ("subject", "Call again", lambda o: o.subject),
    "product": ("unit_price", "99.90", lambda o: str(o.unit_price)),
    "pricelist": ("valid_until", "2027-11-30", lambda o: o.valid_until.isoformat()),
}


def _target(org, records, kind):
    if kind in ("product", "pricelist"):
        return org.ops, _catalog(org)[kind]
    return org.rep_a, getattr(records["a"], kind)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(CHANGES))
def test_every_edit_form_saves_unchanged(client, org, records, kind, language):
    user, obj = _target(org, records, kind)
    speak(user, language)
    client.force_login(user)
    url = reverse(f"web:{kind}_edit", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(url, as_post(form_of(page).fields))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert response["Location"] == reverse(f"web:{kind}_detail", args=[obj.pk])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", list(CHANGES))
def test_every_edit_form_saves_a_change(client, org, records, kind, language):
    user, obj = _target(org, records, kind)
    speak(user, language)
    client.force_login(user)
    url = reverse(f"web:{kind}_edit", args=[obj.pk])
    name, value, read = CHANGES[kind]
    fields = [(n, value if n == name else v) for n, v in form_of(client.get(url)).fields]
    response = client.post(url, as_post(fields))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    obj.refresh_from_db()
    assert read(obj) == value
    assert obj.version == 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_opportunity_edit_keeps_the_stage_history_honest(client, org, records, pipeline, language):
    opp = records["a"].opportunity
    speak(org.rep_a, language)
    client.force_login(org.rep_a)
    url = reverse("web:opportunity_edit", args=[opp.pk])
    propose = pipeline.stages.get(name="Propose")
    fields = [(n, str(propose.pk) if n == "stage" else v) for n, v in form_of(client.get(url)).fields]
    assert client.post(url, as_post(fields)).status_code == 302
    opp.refresh_from_db()
    assert opp.stage == propose
    assert opp.stage_changes.filter(to_stage=propose).count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_times_and_numbers_render_for_the_browser_inputs(client, org, records, language):
    opp = records["a"].opportunity
    Opportunity.objects.filter(pk=opp.pk).update(amount=Decimal("1234567.50"))
    speak(org.rep_a, language)
    client.force_login(org.rep_a)
    inputs = form_of(client.get(reverse("web:opportunity_edit", args=[opp.pk]))).inputs
    assert inputs["expected_close_date"]["type"] == "date"
    assert inputs["expected_close_date"]["value"] == "2027-03-31"
    assert inputs["amount"]["type"] == "number"
    assert inputs["amount"]["value"] == "1234567.50"

    activity = records["a"].activity
    inputs = form_of(client.get(reverse("web:activity_edit", args=[activity.pk]))).inputs
    assert inputs["due_at"]["type"] == "datetime-local"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d", inputs["due_at"]["value"])

    lead = records["a"].lead
    inputs = form_of(client.get(reverse("web:lead_convert", args=[lead.pk]))).inputs
    assert inputs["expected_close_date"]["type"] == "date"
    assert inputs["amount"]["value"] == "5000.00"


@pytest.mark.parametrize(
    ("kind", "lookup"),
    [("contact", "account"), ("opportunity", "account"), ("activity", "account"), ("activity", "opportunity")],
)
def test_a_form_with_errors_shows_the_chosen_lookup_labels(client, org, records, kind, lookup):
    client.force_login(org.rep_a)
    obj = getattr(records["a"], kind)
    url = reverse(f"web:{kind}_edit", args=[obj.pk])
    # another record than the saved one, so the label can only come from what was submitted
    chosen = make_account(org.rep_a, name="Second Co") if lookup == "account" else records["a"].opportunity
    first = "subject" if kind == "activity" else "name"
    fields = [(n, "" if n == first else v) for n, v in form_of(client.get(url)).fields]
    fields = [(n, v) for n, v in fields if n != lookup] + [(lookup, str(chosen.pk))]
    response = client.post(url, as_post(fields))
    assert response.status_code == 422
    assert response.context["form"].errors[first]
    body = response.content.decode()
    box = re.search(
        rf'<input type="hidden" name="{lookup}" value="{chosen.pk}">\s*<input type="search"[^>]*value="([^"]*)"', body
    )
    assert box, f"no lookup box for {lookup}"
    assert box.group(1) == str(chosen)


def test_a_lookup_never_shows_the_name_of_a_record_the_user_cannot_see(client, org, records):
    client.force_login(org.rep_a)
    hidden = records["b"].account
    response = client.post(
        reverse("web:contact_create"), {"name": "Zhang San", "account": hidden.pk, "owner": org.rep_a.pk}
    )
    assert response.status_code == 422
    assert hidden.name not in response.content.decode()


def _post_edit(client, kind, obj, **changes):
    url = reverse(f"web:{kind}_edit", args=[obj.pk])
    fields = form_of(client.get(url)).fields
    fields = [(n, v) for n, v in fields if n not in changes] + [(n, str(v)) for n, v in changes.items()]
    return client.post(url, as_post(fields))


@pytest.mark.parametrize(
    ("kind", "field", "value", "message_en", "message_zh"),
    [
        ("lead", "estimated_value", "-5", "Enter an amount from 0 to", "请输入 0 到"),
        ("opportunity", "amount", "-1", "Enter an amount from 0 to", "请输入 0 到"),
        ("account", "annual_revenue", "12345678901234567", "Enter an amount from 0 to", "请输入 0 到"),
        ("account", "employees", "99999999999999999999", "Enter a whole number from 0 to 10,000,000", "10,000,000"),
        ("activity", "duration_minutes", "100000", "Enter a whole number from 0 to 10,080", "10,080"),
        ("account", "country", "Narnia", "Use the two-letter ISO code", "两位字母"),
        ("account", "website", "not a url", "Enter a web address", "网址"),
        ("account", "phone", "abc", "Enter a phone number", "电话号码"),
        ("contact", "phone", "12345", "Enter a phone number", "电话号码"),
        ("lead", "phone", "call me", "Enter a phone number", "电话号码"),
    ],
)
@pytest.mark.parametrize("language", LANGUAGES)
def test_bad_values_are_refused_beside_the_field_in_the_users_language(
    client, org, records, kind, field, value, message_en, message_zh, language
):
    speak(org.rep_a, language)
    client.force_login(org.rep_a)
    obj = getattr(records["a"], kind)
    response = _post_edit(client, kind, obj, **{field: value})
    assert response.status_code == 422
    errors = " ".join(response.context["form"].errors[field])
    assert (message_en if language == "en" else message_zh) in errors
    assert "9223372036854775807" not in errors
    assert "16" not in errors
    body = response.content.decode()
    assert f'name="{field}"' in body.split('class="field has-error')[1].split("</div>")[0]
    obj.refresh_from_db()
    assert obj.version == 1


@pytest.mark.parametrize(
    ("typed", "stored"), [("cn", "CN"), ("China", "CN"), ("中国", "CN"), (" us ", "US"), ("Germany", "DE")]
)
def test_a_country_is_stored_as_its_iso_code(client, org, records, typed, stored):
    client.force_login(org.rep_a)
    account = records["a"].account
    response = _post_edit(client, "account", account, country=typed)
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.country == stored


@pytest.mark.parametrize(
    "phone", ["13800138000", "138 0013 8000", "021 6234 5678", "010-12345678", "+86 138 0013 8000", "+1 415 555 0100"]
)
def test_chinese_and_international_phone_numbers_are_accepted(client, org, records, phone):
    client.force_login(org.rep_a)
    contact = records["a"].contact
    assert _post_edit(client, "contact", contact, phone=phone).status_code == 302
    contact.refresh_from_db()
    assert contact.phone == phone


def test_a_website_without_a_scheme_is_accepted(client, org, records):
    client.force_login(org.rep_a)
    account = records["a"].account
    assert _post_edit(client, "account", account, website="www.example.com").status_code == 302
    account.refresh_from_db()
    assert account.website == "https://www.example.com"


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_open_deal_closing_in_the_past_needs_a_confirmation(client, org, records, language):
    speak(org.rep_a, language)
    client.force_login(org.rep_a)
    opp = records["a"].opportunity
    past = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    response = _post_edit(client, "opportunity", opp, expected_close_date=past)
    assert response.status_code == 422
    assert response.context["form"].errors["expected_close_date"]
    inputs = form_of(response).inputs
    assert inputs["confirm_past_close"]["type"] == "checkbox"
    opp.refresh_from_db()
    assert opp.expected_close_date == dt.date(2027, 3, 31)
    response = _post_edit(client, "opportunity", opp, expected_close_date=past, confirm_past_close="on")
    assert response.status_code == 302
    opp.refresh_from_db()
    assert opp.expected_close_date.isoformat() == past


def test_a_won_deal_may_close_in_the_past_without_asking(client, org, records, pipeline):
    client.force_login(org.rep_a)
    opp = records["a"].opportunity
    won = pipeline.stages.get(is_won=True)
    past = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    response = _post_edit(client, "opportunity", opp, expected_close_date=past, stage=won.pk)
    assert response.status_code == 302
