"""Quotes: priced offers built from an opportunity's lines, approved when the discount is
large, rendered as a PDF in the customer's language, sent by e-mail and recorded.

The life of a quote: draft → (awaiting approval →) approved → sent → accepted or declined.
Changing the lines of a quote that is awaiting approval or approved sends it back to draft, so
an approval always covers the prices that are sent.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from opensrm.core.errors import Conflict, PermissionDenied, ValidationFailed
from opensrm.core.services import check_version, check_write, lock_for_update, record_create, record_erase, record_save
from opensrm.core.visibility import can_see, manager_subtree_users
from opensrm.crm.documents import quote_pdf
from opensrm.crm.models import (
    Activity,
    ActivityKind,
    Contact,
    Opportunity,
    PriceList,
    PriceListItem,
    Product,
    Quote,
    QuoteLine,
    QuoteStatus,
)
from opensrm.people.models import Role, User

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class LineSpec:
    product: Product
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    description: str = ""


def _decimal(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    if isinstance(value, bool):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    if not number.is_finite():
        errors.setdefault(field, []).append(_("Enter a number."))
        return None
    return number


def list_price(product: Product, price_list: PriceList | None) -> Decimal:
    if price_list is not None:
        item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
        if item is not None:
            return item.unit_price
    return product.unit_price


def parse_lines(raw: Sequence[Mapping[str, Any]], *, price_list: PriceList | None = None) -> list[LineSpec]:
    """Check line input (product, quantity, unit price, discount); errors name ``lines[i].field``."""
    errors: dict[str, list[str]] = {}
    specs: list[LineSpec] = []
    products = Product.objects.in_bulk(
        [r.get("product") for r in raw if isinstance(r.get("product"), int) and not isinstance(r.get("product"), bool)]
    )
    for i, row in enumerate(raw):
        key = f"lines[{i}]"
        ref = row.get("product")
        product = ref if isinstance(ref, Product) else products.get(ref) if isinstance(ref, int) else None
        if product is None or not product.active:
            errors[f"{key}.product"] = [_("Select a valid choice: the record does not exist.")]
        quantity = _decimal(row.get("quantity", 1), f"{key}.quantity", errors)
        if quantity is not None and not (CENT <= quantity <= Decimal("9999999999")):
            errors.setdefault(f"{key}.quantity", []).append(_("Must be greater than zero."))
        discount = _decimal(row.get("discount_pct", 0) or 0, f"{key}.discount_pct", errors)
        if discount is not None and not (0 <= discount <= HUNDRED):
            errors.setdefault(f"{key}.discount_pct", []).append(_("Enter a discount between 0 and 100 %."))
        price: Decimal | None = None
        if row.get("unit_price") not in (None, ""):
            price = _decimal(row["unit_price"], f"{key}.unit_price", errors)
            if price is not None and not (0 <= price < Decimal("1e13")):
                errors.setdefault(f"{key}.unit_price", []).append(_("Enter a price of zero or more."))
        if product is None or quantity is None or discount is None or any(k.startswith(key + ".") for k in errors):
            continue
        specs.append(
            LineSpec(
                product=product,
                quantity=quantity.quantize(CENT),
                unit_price=(price if price is not None else list_price(product, price_list)).quantize(CENT),
                discount_pct=discount.quantize(CENT),
                description=str(row.get("description") or "")[:255],
            )
        )
    if errors:
        raise ValidationFailed(_("Some quote lines are not valid."), field_errors=errors)
    return specs


def _write_lines(quote: Quote, specs: Sequence[LineSpec], actor: User) -> None:
    for old in list(quote.lines.all()):
        record_erase(old, actor=actor)
    subtotal = discount_total = Decimal("0")
    largest = Decimal("0")
    for position, spec in enumerate(specs):
        gross = (spec.quantity * spec.unit_price).quantize(CENT)
        amount = (gross * (HUNDRED - spec.discount_pct) / HUNDRED).quantize(CENT)
        line = QuoteLine(
            quote=quote,
            product=spec.product,
            description=spec.description or spec.product.name,
            quantity=spec.quantity,
            unit_price=spec.unit_price,
            discount_pct=spec.discount_pct,
            amount=amount,
            position=position,
        )
        record_save(line, actor=actor)
        subtotal += gross
        discount_total += gross - amount
        largest = max(largest, spec.discount_pct)
    quote.subtotal = subtotal
    quote.discount_total = discount_total
    quote.total = subtotal - discount_total
    quote.max_discount_pct = largest


def _new_number(today: date) -> str:
    return f"Q-{today:%Y%m%d}-{secrets.token_hex(3).upper()}"


def quote_create(
    *,
    actor: User,
    opportunity: Opportunity,
    data: Mapping[str, Any] | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> Quote:
    """A draft quote for ``opportunity``; without ``lines`` it copies the opportunity's lines."""
    data = dict(data or {})
    check_write(actor, Quote)
    if not can_see(actor, opportunity):
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"opportunity": [_("Select a valid choice: the record does not exist.")]},
        )
    price_list = data.get("price_list")
    if price_list is not None and not isinstance(price_list, PriceList):
        price_list = PriceList.objects.filter(pk=price_list, active=True).first()
        if price_list is None:
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"price_list": [_("Select a valid choice: the record does not exist.")]},
            )
    if lines is None:
        lines = [
            {
                "product": line.product,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "discount_pct": line.discount_pct,
            }
            for line in opportunity.lines.select_related("product")
        ]
    contact = data.get("contact")
    if contact is not None:
        contact = contact if isinstance(contact, Contact) else Contact.objects.filter(pk=contact).first()
        if contact is None or contact.account_id != opportunity.account_id or not can_see(actor, contact):
            raise ValidationFailed(
                _("Some fields are not valid."),
                field_errors={"contact": [_("Choose a contact of the quote's account.")]},
            )
        data["contact"] = contact
    specs = parse_lines(lines, price_list=price_list)
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "opportunity": opportunity,
        "account": opportunity.account,
        "currency": price_list.currency if price_list is not None else opportunity.currency,
        "valid_until": today + timedelta(days=30),
        "owner": opportunity.owner or actor,
        **{k: v for k, v in data.items() if k != "price_list"},
        "price_list": price_list,
    }
    for _attempt in range(5):
        try:
            with transaction.atomic():
                quote = record_create(model=Quote, actor=actor, data={**fields, "number": _new_number(today)})
                _write_lines(quote, specs, actor)
                Quote.objects.filter(pk=quote.pk).update(
                    subtotal=quote.subtotal,
                    discount_total=quote.discount_total,
                    total=quote.total,
                    max_discount_pct=quote.max_discount_pct,
                )
            return quote
        except IntegrityError:
            continue  # the random number was taken: draw another
        except ValidationFailed as exc:
            if "number" in exc.field_errors and len(exc.field_errors) == 1:
                continue
            raise
    raise Conflict(_("Could not give the quote a unique number; try again."))


def _locked(quote: Quote, actor: User, expected_version: int | None) -> Quote:
    check_write(actor, Quote)
    if not can_see(actor, quote):
        raise PermissionDenied(
            _("You are not allowed to change %(model)s.") % {"model": Quote._meta.verbose_name_plural}
        )
    current = lock_for_update(quote)
    check_version(current, expected_version)
    return current


def _save(current: Quote, actor: User, reason: str, fields: Sequence[str]) -> Quote:
    try:
        current.full_clean()
    except ValidationError as exc:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=exc.message_dict) from exc
    return record_save(current, actor=actor, fields=fields, reason=reason)


def _refuse(message: str) -> None:
    raise Conflict(message)


QUOTE_FIELDS = ("contact", "valid_until", "language", "notes")


def quote_update(
    *,
    quote: Quote,
    actor: User,
    data: Mapping[str, Any],
    expected_version: int | None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> Quote:
    """Change the header (contact, validity, language, notes) and optionally replace the lines.
    A change to a quote awaiting approval or approved sends it back to draft."""
    unknown = sorted(set(data) - set(QUOTE_FIELDS))
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={k: [_("This field cannot be changed.")] for k in unknown}
        )
    with transaction.atomic():
        current = _locked(quote, actor, expected_version)
        if not current.is_editable:
            _refuse(_("A quote that was sent can no longer be changed; create a new quote."))
        errors: dict[str, list[str]] = {}
        changed = []
        for name, value in data.items():
            if name == "contact" and value is not None and not isinstance(value, Contact):
                value = Contact.objects.filter(pk=value).first()
                if value is None:
                    errors["contact"] = [_("Select a valid choice: the record does not exist.")]
                    continue
            if (
                name == "contact"
                and value is not None
                and (value.account_id != current.account_id or not can_see(actor, value))
            ):
                errors["contact"] = [_("Choose a contact of the quote's account.")]
                continue
            setattr(current, name, value)
            changed.append(name)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        fields = list(changed)
        if lines is not None:
            _write_lines(current, parse_lines(lines, price_list=current.price_list), actor)
            fields += ["subtotal", "discount_total", "total", "max_discount_pct"]
        if fields and current.status != QuoteStatus.DRAFT:
            current.status = QuoteStatus.DRAFT
            current.approved_by = None
            current.approved_at = None
            fields += ["status", "approved_by", "approved_at"]
        return _save(current, actor, "updated", fields)


def may_approve(actor: User, quote: Quote) -> bool:
    """Sales ops and admin approve any quote; a manager, the quotes of their team's subtree
    other than their own."""
    if actor.is_read_only or not actor.is_active:
        return False
    if actor.is_superuser or actor.role in (Role.ADMIN, Role.SALES_OPS):
        return True
    if actor.role != Role.MANAGER or quote.owner_id == actor.pk or quote.owner_id is None:
        return False
    return manager_subtree_users(actor).filter(pk=quote.owner_id).exists()


def quote_submit(*, quote: Quote, actor: User, expected_version: int | None) -> Quote:
    """Finish a draft: it is approved at once, or waits for approval when a discount is above
    the threshold."""
    with transaction.atomic():
        current = _locked(quote, actor, expected_version)
        if current.status != QuoteStatus.DRAFT:
            _refuse(_("Only a draft quote can be submitted."))
        if not current.lines.exists():
            raise ValidationFailed(
                _("A quote needs at least one line."), field_errors={"lines": [_("Add at least one line.")]}
            )
        if current.needs_approval:
            current.status = QuoteStatus.PENDING
        else:
            current.status = QuoteStatus.APPROVED
            current.approved_at = timezone.now()
            current.approved_by = None
        return _save(current, actor, "submitted", ["status", "approved_at", "approved_by"])


def quote_decide(*, quote: Quote, actor: User, approve: bool, expected_version: int | None) -> Quote:
    """Approve a quote awaiting approval, or send it back to draft."""
    with transaction.atomic():
        current = _locked(quote, actor, expected_version)
        if current.status != QuoteStatus.PENDING:
            _refuse(_("This quote is not awaiting approval."))
        if not may_approve(actor, current):
            raise PermissionDenied(_("Only the owner's manager, sales ops or an admin can approve this quote."))
        if approve:
            current.status = QuoteStatus.APPROVED
            current.approved_by = actor
            current.approved_at = timezone.now()
        else:
            current.status = QuoteStatus.DRAFT
        reason = "approved" if approve else "approval_refused"
        return _save(current, actor, reason, ["status", "approved_by", "approved_at"])


def quote_send(*, quote: Quote, actor: User, to: str, expected_version: int | None, message: str = "") -> Quote:
    """E-mail the quote's PDF to ``to`` and record the e-mail on the account's timeline."""
    to = (to or "").strip()
    try:
        Quote._meta.get_field("sent_to").clean(to, None)
    except ValidationError:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"to": [_("Enter a valid e-mail address.")]}
        ) from None
    with transaction.atomic():
        current = _locked(quote, actor, expected_version)
        if current.status not in (QuoteStatus.APPROVED, QuoteStatus.SENT):
            _refuse(_("Only an approved quote can be sent."))
        pdf = quote_pdf(current)
        with override(current.language):
            subject = _("Quote %(number)s") % {"number": current.number}
            body = message or _("Please find our quote %(number)s attached.") % {"number": current.number}
        mail = EmailMessage(subject=subject, body=body, to=[to], from_email=settings.DEFAULT_FROM_EMAIL)
        mail.attach(f"{current.number}.pdf", pdf, "application/pdf")
        now = timezone.now()
        current.status = QuoteStatus.SENT
        current.sent_at = now
        current.sent_to = to
        _save(current, actor, "sent", ["status", "sent_at", "sent_to"])
        record_create(
            model=Activity,
            actor=actor,
            data={
                "kind": ActivityKind.EMAIL,
                "subject": subject,
                "account": current.account,
                "opportunity": current.opportunity,
                "contact": current.contact,
                "owner": actor,
                "done_at": now,
                "notes": _("Quote %(number)s sent to %(to)s.") % {"number": current.number, "to": to},
            },
        )
        # The mail leaves only when the quote's new state is committed; a failed send rolls it back.
        mail.send(fail_silently=False)
    return current


def quote_close(*, quote: Quote, actor: User, accepted: bool, expected_version: int | None) -> Quote:
    """Record the customer's answer to a sent quote."""
    with transaction.atomic():
        current = _locked(quote, actor, expected_version)
        if current.status != QuoteStatus.SENT:
            _refuse(_("Only a sent quote can be accepted or declined."))
        current.status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.DECLINED
        return _save(current, actor, "accepted" if accepted else "declined", ["status"])
