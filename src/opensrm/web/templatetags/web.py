"""Template helpers for the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from babel.numbers import format_compact_currency, format_currency, get_currency_precision
from django import template
from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, to_locale

from opensrm.core.currency import COMPANY_CURRENCY
from opensrm.core.visibility import can_write

register = template.Library()


@register.filter
def path(obj: Any, dotted: str) -> Any:
    """``row|path:"account.name"``; choice fields show their label."""
    for part in dotted.split("."):
        if obj is None:
            return None
        if isinstance(obj, Model):
            display = getattr(obj, f"get_{part}_display", None)
            obj = display() if display is not None else getattr(obj, part, None)
        else:
            obj = getattr(obj, part, None)
    return obj


# The company currency: figures with no currency of their own, and every converted sum.
DEFAULT_CURRENCY = COMPANY_CURRENCY


def _babel_locale() -> str:
    return to_locale(get_language() or "zh-hans")


def _money_arg(arg: Any) -> tuple[str, int | None]:
    """``money`` takes a currency ("USD"), a number of decimals (2), both ("USD:2") or a record.
    Decimals None means the currency's own minor unit (2 for the yuan, 0 for the yen)."""
    currency, decimals = DEFAULT_CURRENCY, None
    if isinstance(arg, Model):  # a record: its own currency, or the default if it has none
        arg = getattr(arg, "currency", None)
    for part in str(arg).split(":") if arg not in (None, "") else []:
        part = part.strip()
        if part.isdigit():
            decimals = int(part)
        elif part:
            currency = part.upper()
    return currency, decimals


def format_money(value: Any, currency: str = DEFAULT_CURRENCY, decimals: int | None = None) -> str:
    """A full figure with its currency and thousands separators, in the active language:
    ¥1,234,567 in Chinese, CN¥1,234,567 in English (whose ¥ would be the yen)."""
    if value in (None, ""):
        return "—"
    currency = currency or DEFAULT_CURRENCY
    digits = get_currency_precision(currency) if decimals is None else decimals
    pattern = "¤#,##0" + ("." + "0" * digits if digits else "")
    return format_currency(Decimal(value), currency, format=pattern, locale=_babel_locale(), currency_digits=False)


def format_compact_money(value: Any, currency: str = DEFAULT_CURRENCY) -> str:
    """A figure read at a glance: ¥1234.6万 / ¥1.23亿 in Chinese, CN¥12.3M in English; below ten
    thousand the full figure."""
    if value in (None, ""):
        return "—"
    v = Decimal(value)
    if abs(v) < 10_000:
        return format_money(v, currency, 0)
    digits = 2 if abs(v) >= 100_000_000 else 1
    return format_compact_currency(v, currency or DEFAULT_CURRENCY, locale=_babel_locale(), fraction_digits=digits)


@register.filter
def money(value: Any, arg: Any = None) -> str:
    """``{{ amount|money:obj.currency }}`` (the record's currency, its minor unit),
    ``{{ total|money }}`` (yuan, whole: sums and summaries), ``{{ price|money:"USD:0" }}``."""
    if arg in (None, ""):
        return format_money(value, DEFAULT_CURRENCY, 0)
    currency, decimals = _money_arg(arg)
    return format_money(value, currency, decimals)


@register.filter
def compact_money(value: Any, currency: Any = None) -> str:
    """Dashboard cards, column totals and other big totals: 万 / 亿 in Chinese, K / M / B in English."""
    return format_compact_money(value, _money_arg(currency)[0])


@register.simple_tag
def sort_param(current: str, field: str) -> str:
    """The sort value a column header links to: ascending first, then toggles."""
    return f"-{field}" if current == field else field


@register.filter
def field_verbose(model_or_obj: Any, name: str) -> str:
    return str(model_or_obj._meta.get_field(name).verbose_name)


@register.filter
def record_url(obj: Any) -> str:
    try:
        return reverse(f"web:{obj._meta.model_name}_detail", args=[obj.pk])
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def nav_active(context: Any, *prefixes: str) -> str:
    match = getattr(context.get("request"), "resolver_match", None)
    name = getattr(match, "url_name", "") or ""
    return "active" if any(name == p or name.startswith(f"{p}_") for p in prefixes) else ""


@register.filter
def initials(user: Any) -> str:
    text = str(user).strip()
    return text[:1].upper() if text else "?"


@register.filter
def split(value: str, sep: str) -> list[str]:
    return str(value).split(sep)


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None


from opensrm.web.icons import ICONS  # noqa: E402 - kept beside the tag that uses it


@register.simple_tag
def icon(name: str) -> str:
    body = ICONS.get(name, "")
    return mark_safe(f'<svg class="icon" viewBox="0 0 24 24" aria-hidden="true">{body}</svg>')  # noqa: S308 - constant markup


@register.simple_tag
def board_card(opp: Any, today: Any) -> str:
    """One board card, built in Python: 125 cards through ``{% include %}`` took longer to render
    than every query of the board together. The move endpoint renders the same tag."""
    stage = opp.stage
    overdue = (
        opp.expected_close_date is not None
        and opp.expected_close_date < today
        and not stage.is_won
        and not stage.is_lost
    )
    close = formats.date_format(opp.expected_close_date, "SHORT_DATE_FORMAT") if opp.expected_close_date else ""
    html: str = format_html(
        '<div class="card{}" id="opp-{}" data-id="{}" data-version="{}" data-amount="{}" data-move-url="{}">\n'
        '  <a class="name" href="{}">{}</a>\n'
        '  <div class="row"><span>{}</span></div>\n'
        '  <div class="row"><span class="amount">{}</span><span class="close">{}</span></div>\n'
        '  <div class="row"><span>{}</span></div>\n'
        "</div>",
        " overdue" if overdue else "",
        opp.pk,
        opp.pk,
        opp.version,
        opp.amount,
        reverse("web:opportunity_move", args=[opp.pk]),
        reverse("web:opportunity_detail", args=[opp.pk]),
        opp.name,
        opp.account if opp.account_id else "",
        format_money(opp.amount, getattr(opp, "currency", None) or DEFAULT_CURRENCY, 0),
        close,
        opp.owner if opp.owner_id else "—",
    )
    return html


@register.simple_tag(takes_context=True)
def may_write(context: Any, model_label: str) -> bool:
    """``{% may_write "crm.Activity" as can_log %}``: the same policy the write views enforce,
    so a page never offers a button that answers 403 (viewers read, they do not write)."""
    user = context.get("user")
    return user is not None and can_write(user, apps.get_model(model_label))
