"""Orders and their lines: the revenue history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.services import record_create, record_save, record_update
from opensrm.crm.models import (
    Order,
    OrderLine,
    OrderStatus,
    Product,
)
from opensrm.people.models import User


def order_create(*, actor: User, data: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> Order:
    """An order with its lines; the total is the sum of the lines."""
    if not lines:
        raise ValidationFailed(
            _("An order needs at least one line."), field_errors={"lines": [_("Add at least one line.")]}
        )
    with transaction.atomic():
        order = record_create(model=Order, actor=actor, data=data)
        total = Decimal("0")
        line_errors: dict[str, list[str]] = {}
        for i, spec in enumerate(lines):
            product = (
                spec["product"]
                if isinstance(spec["product"], Product)
                else Product.objects.filter(pk=spec["product"]).first()
            )
            quantity = Decimal(str(spec.get("quantity", 1)))
            if product is None:
                line_errors[f"lines[{i}].product"] = [_("Select a valid choice: the record does not exist.")]
                continue
            if quantity <= 0:
                line_errors[f"lines[{i}].quantity"] = [_("Must be greater than zero.")]
                continue
            unit_price = Decimal(str(spec["unit_price"])) if spec.get("unit_price") is not None else product.unit_price
            amount = (quantity * unit_price).quantize(Decimal("0.01"))
            line = OrderLine(order=order, product=product, quantity=quantity, unit_price=unit_price, amount=amount)
            record_save(line, actor=actor)
            total += amount
        if line_errors:
            raise ValidationFailed(_("Some order lines are not valid."), field_errors=line_errors)
        Order.objects.filter(pk=order.pk).update(total=total)
        order.total = total
    return order


def order_cancel(*, order: Order, actor: User, expected_version: int | None) -> Order:
    return record_update(
        instance=order, actor=actor, data={"status": OrderStatus.CANCELLED}, expected_version=expected_version
    )
