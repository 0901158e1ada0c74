"""Records that belong to a parent (account team members, opportunity lines): a change
to them is a change of the parent, which gets a new version and a history row."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, NotFound, ValidationFailed
from opensrm.core.models import BaseModel
from opensrm.core.services import check_version, check_write, lock_for_update, record_erase, record_save
from opensrm.crm.models import (
    Account,
    AccountTeamMember,
    Opportunity,
    OpportunityLine,
    Product,
)
from opensrm.people.models import User


def account_team_member_add(*, account: Account, user: User, actor: User, role: str = "") -> AccountTeamMember:
    """Put ``user`` on ``account``'s team, so they see the account and everything on it."""
    check_write(actor, Account)
    if not user.is_active:
        raise ValidationFailed(_("Some fields are not valid."), field_errors={"user": [_("This user is not active.")]})
    with transaction.atomic():
        parent_changed(account, actor=actor, reason=TEAM_MEMBER_ADDED)
        if AccountTeamMember.objects.filter(account=account, user=user).exists():
            raise Conflict(_("This user is already on the account team."))
        member = AccountTeamMember(account=account, user=user, role=role)
        record_save(member, actor=actor)
    return member


def account_team_member_remove(*, account: Account, user: User, actor: User) -> None:
    check_write(actor, Account)
    with transaction.atomic():
        parent_changed(account, actor=actor, reason=TEAM_MEMBER_REMOVED)
        member = AccountTeamMember.objects.filter(account=account, user=user).first()
        if member is None:
            raise NotFound(_("This user is not on the account team."))
        record_erase(member, actor=actor)


def opportunity_line_remove(*, line: OpportunityLine, actor: User) -> None:
    check_write(actor, Opportunity)
    with transaction.atomic():
        parent_changed(line.opportunity, actor=actor, reason=LINE_REMOVED)
        record_erase(line, actor=actor)


def opportunity_line_add(
    *,
    opportunity: Opportunity,
    actor: User,
    product: Product,
    quantity: Decimal,
    unit_price: Decimal | None = None,
    discount_pct: Decimal = Decimal("0"),
) -> OpportunityLine:
    """Add a product line; the opportunity's version moves on and its history says a line came."""
    check_write(actor, Opportunity)
    if quantity <= 0:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"quantity": [_("Must be greater than zero.")]}
        )
    with transaction.atomic():
        parent_changed(opportunity, actor=actor, reason=LINE_ADDED)
        line = OpportunityLine(
            opportunity=opportunity,
            product=product,
            quantity=quantity,
            unit_price=product.unit_price if unit_price is None else unit_price,
            discount_pct=discount_pct,
        )
        line.full_clean()
        record_save(line, actor=actor)
    return line


# Change reasons on the parent's history row; record_history reports them as the event type.
LINE_ADDED = "line_added"
LINE_REMOVED = "line_removed"
TEAM_MEMBER_ADDED = "team_member_added"
TEAM_MEMBER_REMOVED = "team_member_removed"


def parent_changed(parent: BaseModel, *, actor: User, reason: str, expected_version: int | None = None) -> None:
    """Lines, team members and price-list items are part of their parent: changing them is
    changing it.

    The parent is locked first (so the change serialises with a concurrent PATCH of it), its
    version is checked when the caller holds one (``expected_version``), moves on (so an ETag
    read before no longer matches) and it gets a history row with the actor. ``parent`` itself
    is refreshed, so a caller holding it can go on using it.
    """
    current = lock_for_update(parent)
    check_version(current, expected_version)
    record_save(current, actor=actor, fields=(), reason=reason)
    parent.version = current.version
    parent.updated_at = current.updated_at
