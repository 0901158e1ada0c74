"""Products and price lists: reference data written by sales ops and admin. A price list's
items are part of it, so setting or removing one moves the list's version and history."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import NotFound, ValidationFailed
from opensrm.core.services import check_write, record_erase, record_save
from opensrm.crm.models import PriceList, PriceListItem, Product
from opensrm.crm.services.children import parent_changed
from opensrm.people.models import User

ITEM_SET = "item_set"
ITEM_REMOVED = "item_removed"


def price_list_item_set(
    *,
    price_list: PriceList,
    product: Product,
    unit_price: Decimal,
    actor: User,
    expected_version: int | None = None,
) -> PriceListItem:
    """The price of ``product`` on ``price_list`` (added, or changed when it is there)."""
    check_write(actor, PriceList)
    if unit_price < 0:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"unit_price": [_("Enter a price of zero or more.")]}
        )
    with transaction.atomic():
        parent_changed(price_list, actor=actor, reason=ITEM_SET, expected_version=expected_version)
        item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
        if item is None:
            item = PriceListItem(price_list=price_list, product=product)
        item.unit_price = unit_price.quantize(Decimal("0.01"))
        record_save(item, actor=actor)
    return item


def price_list_item_remove(
    *, price_list: PriceList, product: Product, actor: User, expected_version: int | None = None
) -> None:
    check_write(actor, PriceList)
    with transaction.atomic():
        parent_changed(price_list, actor=actor, reason=ITEM_REMOVED, expected_version=expected_version)
        item = PriceListItem.objects.filter(price_list=price_list, product=product).first()
        if item is None:
            raise NotFound(_("The product is not on this price list."))
        record_erase(item, actor=actor)
