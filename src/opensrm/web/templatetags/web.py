"""Template helpers for the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.db.models import Model

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


@register.filter
def money(value: Any, decimals: int = 0) -> str:
    if value in (None, ""):
        return "—"
    # Thousands commas read the same in Chinese and English business documents.
    return f"{Decimal(value):,.{int(decimals)}f}"


@register.filter
def compact_money(value: Any) -> str:
    """12,345,678 → 1,234.6万 in Chinese, 12.3M in English: numbers people read at a glance."""
    from django.utils.translation import get_language

    if value in (None, ""):
        return "—"
    v = Decimal(value)
    if (get_language() or "").startswith("zh"):
        if abs(v) >= 100_000_000:
            return f"{v / 100_000_000:,.2f}亿"
        if abs(v) >= 10_000:
            return f"{v / 10_000:,.1f}万"
        return f"{v:,.0f}"
    for size, suffix in ((Decimal(1_000_000_000), "B"), (Decimal(1_000_000), "M"), (Decimal(1_000), "K")):
        if abs(v) >= size:
            return f"{v / size:,.1f}{suffix}"
    return f"{v:,.0f}"


@register.simple_tag
def sort_param(current: str, field: str) -> str:
    """The sort value a column header links to: ascending first, then toggles."""
    return f"-{field}" if current == field else field


@register.filter
def field_verbose(model_or_obj: Any, name: str) -> str:
    return str(model_or_obj._meta.get_field(name).verbose_name)


@register.filter
def record_url(obj: Any) -> str:
    from django.urls import NoReverseMatch, reverse

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
    from django.utils.safestring import mark_safe

    body = ICONS.get(name, "")
    return mark_safe(f'<svg class="icon" viewBox="0 0 24 24" aria-hidden="true">{body}</svg>')  # noqa: S308 - constant markup


@register.simple_tag
def board_card(opp: Any, today: Any) -> str:
    """One board card, built in Python: 125 cards through ``{% include %}`` took longer to render
    than every query of the board together. The move endpoint renders the same tag."""
    from django.urls import reverse
    from django.utils import formats
    from django.utils.html import format_html

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
        money(opp.amount),
        close,
        opp.owner if opp.owner_id else "—",
    )
    return html
