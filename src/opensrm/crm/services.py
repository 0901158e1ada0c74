"""Writes for CRM records. Thin rules on top of :mod:`opensrm.core.services`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, NotFound, ValidationFailed
from opensrm.core.services import check_version, check_write, lock_for_update, record_create, record_update
from opensrm.crm.models import (
    Account,
    AccountStatus,
    AccountTeamMember,
    Contact,
    Lead,
    LeadStatus,
    Opportunity,
    OpportunityLine,
    Order,
    OrderLine,
    OrderStatus,
    Pipeline,
    Product,
    Stage,
    StageChange,
    Territory,
)
from opensrm.people.models import User
from opensrm.people.services import tree_path


# --- territories ----------------------------------------------------------------------------
def territory_create(*, actor: User, data: Mapping[str, Any]) -> Territory:
    with transaction.atomic():
        territory = record_create(model=Territory, actor=actor, data=data)
        parent = territory.parent
        territory.path = tree_path(parent.path if parent else "", territory.pk)
        Territory.all_objects.filter(pk=territory.pk).update(path=territory.path)
    return territory


def territory_update(
    *, territory: Territory, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> Territory:
    with transaction.atomic():
        old_path = territory.path
        if "parent" in data and data["parent"] is not None:
            parent_id = getattr(data["parent"], "pk", data["parent"])
            parent = Territory.objects.filter(pk=parent_id).first()
            if parent is not None and parent.path.startswith(old_path):
                raise ValidationFailed(
                    _("Some fields are not valid."),
                    field_errors={"parent": [_("A territory cannot be moved below itself.")]},
                )
        territory = record_update(
            instance=territory, actor=actor, data=data, expected_version=expected_version
        )
        if "parent" in data:
            new_path = tree_path(territory.parent.path if territory.parent else "", territory.pk)
            for node in Territory.all_objects.filter(path__startswith=old_path):
                Territory.all_objects.filter(pk=node.pk).update(path=new_path + node.path[len(old_path) :])
            territory.refresh_from_db()
    return territory


# --- opportunities --------------------------------------------------------------------------
def _stage_rules(*, pipeline: Pipeline | None, stage: Stage | None, lost_reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if stage is not None and pipeline is not None and stage.pipeline_id != pipeline.pk:
        errors["stage"] = [_("The stage does not belong to the opportunity's pipeline.")]
    if stage is not None and stage.is_lost and not lost_reason.strip():
        errors["lost_reason"] = [_("Say why the opportunity was lost.")]
    return errors


def opportunity_create(*, actor: User, data: Mapping[str, Any]) -> Opportunity:
    data = dict(data)
    with transaction.atomic():
        if "pipeline" not in data and "stage" in data:
            stage_ref = data["stage"]
            stage = stage_ref if isinstance(stage_ref, Stage) else Stage.objects.filter(pk=stage_ref).first()
            if stage is not None:
                data["pipeline"] = stage.pipeline
        if "stage" not in data and "pipeline" in data:
            pipeline_ref = data["pipeline"]
            first = (
                Stage.objects.filter(pipeline_id=getattr(pipeline_ref, "pk", pipeline_ref))
                .order_by("order")
                .first()
            )
            if first is not None:
                data["stage"] = first
        opp = record_create(model=Opportunity, actor=actor, data=data)
        errors = _stage_rules(pipeline=opp.pipeline, stage=opp.stage, lost_reason=opp.lost_reason)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        if opp.stage.is_closed:
            Opportunity.objects.filter(pk=opp.pk).update(closed_at=timezone.now())
        StageChange.objects.create(
            opportunity=opp,
            from_stage=None,
            to_stage=opp.stage,
            amount=opp.amount,
            changed_at=timezone.now(),
            changed_by=actor,
        )
    return opp


def opportunity_update(
    *, opportunity: Opportunity, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> Opportunity:
    """Update fields; a stage change is recorded in the stage history and validated."""
    with transaction.atomic():
        before = lock_for_update(opportunity)
        check_version(before, expected_version)
        old_stage = before.stage
        opp = record_update(instance=before, actor=actor, data=data, expected_version=expected_version)
        errors = _stage_rules(pipeline=opp.pipeline, stage=opp.stage, lost_reason=opp.lost_reason)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        if opp.stage_id != old_stage.pk:
            now = timezone.now()
            StageChange.objects.create(
                opportunity=opp,
                from_stage=old_stage,
                to_stage=opp.stage,
                amount=opp.amount,
                changed_at=now,
                changed_by=actor,
            )
            closed_at = now if opp.stage.is_closed else None
            Opportunity.objects.filter(pk=opp.pk).update(closed_at=closed_at)
            opp.closed_at = closed_at
    return opp


def opportunity_move_stage(
    *,
    opportunity: Opportunity,
    stage: Stage,
    actor: User,
    expected_version: int | None,
    lost_reason: str = "",
) -> Opportunity:
    data: dict[str, Any] = {"stage": stage}
    if lost_reason:
        data["lost_reason"] = lost_reason
    return opportunity_update(
        opportunity=opportunity, actor=actor, data=data, expected_version=expected_version
    )


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
        _parent_changed(opportunity, actor=actor, reason=LINE_ADDED)
        line = OpportunityLine(
            opportunity=opportunity,
            product=product,
            quantity=quantity,
            unit_price=product.unit_price if unit_price is None else unit_price,
            discount_pct=discount_pct,
        )
        line._history_user = actor  # type: ignore[attr-defined]
        line.full_clean()
        line.save()
    return line


# --- leads ----------------------------------------------------------------------------------
def lead_create(*, actor: User, data: Mapping[str, Any]) -> Lead:
    """Create a lead. With lead routing on, a lead left without an owner (``owner`` given as
    None, or omitted by anyone but a rep) goes to the best eligible rep once the transaction
    commits; a rep who creates a lead without naming an owner keeps it."""
    from opensrm.territories.routing import lead_route, lead_routing_enabled

    data = dict(data)
    unowned = data.get("owner") is None and ("owner" in data or actor.role != "rep")
    route = unowned and lead_routing_enabled()
    if route:
        data["owner"] = None
    with transaction.atomic():
        lead = record_create(model=Lead, actor=actor, data=data)
        if route:
            transaction.on_commit(lambda: lead_route(lead=lead, actor=actor))
    return lead


def lead_convert(
    *,
    lead: Lead,
    actor: User,
    account: Account | None = None,
    create_opportunity: bool = True,
    opportunity_name: str = "",
    amount: Decimal | None = None,
    expected_close_date: dt.date | None = None,
    pipeline: Pipeline | None = None,
    expected_version: int | None = None,
) -> tuple[Account, Contact, Opportunity | None]:
    """Turn a lead into an account (new or existing), a contact and optionally an opportunity.

    All or nothing: one transaction; a failure anywhere leaves the lead unconverted.
    """
    with transaction.atomic():
        current = lock_for_update(lead)
        check_version(current, expected_version)
        if current.status == LeadStatus.CONVERTED:
            raise ValidationFailed(
                _("This lead has already been converted."), field_errors={"status": [_("Already converted.")]}
            )
        owner = current.owner or actor
        if account is None:
            account = record_create(
                model=Account,
                actor=actor,
                data={
                    "name": current.company,
                    "industry": current.industry,
                    "country": current.country,
                    "province": current.province,
                    "city": current.city,
                    "lat": current.lat,
                    "lon": current.lon,
                    "status": AccountStatus.PROSPECT,
                    "owner": owner,
                },
            )
        contact = record_create(
            model=Contact,
            actor=actor,
            data={
                "account": account,
                "name": current.name,
                "title": current.title,
                "email": current.email,
                "phone": current.phone,
                "owner": owner,
                "is_primary": not account.contacts.exists(),
            },
        )
        opportunity = None
        if create_opportunity:
            pipeline = (
                pipeline or Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.first()
            )
            if pipeline is None:
                raise ValidationFailed(_("Create a pipeline before converting leads."))
            opportunity = opportunity_create(
                actor=actor,
                data={
                    "account": account,
                    "name": opportunity_name or current.company,
                    "pipeline": pipeline,
                    "amount": amount if amount is not None else (current.estimated_value or Decimal("0")),
                    "expected_close_date": expected_close_date
                    or (timezone.localdate() + dt.timedelta(days=90)),
                    "owner": owner,
                    "source": current.source,
                },
            )
        record_update(
            instance=current,
            actor=actor,
            expected_version=None,
            data={
                "status": LeadStatus.CONVERTED,
                "converted_at": timezone.now(),
                "converted_account": account,
                "converted_contact": contact,
                "converted_opportunity": opportunity,
            },
        )
    return account, contact, opportunity


# --- orders ---------------------------------------------------------------------------------
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
            unit_price = (
                Decimal(str(spec["unit_price"])) if spec.get("unit_price") is not None else product.unit_price
            )
            amount = (quantity * unit_price).quantize(Decimal("0.01"))
            line = OrderLine(
                order=order, product=product, quantity=quantity, unit_price=unit_price, amount=amount
            )
            line._history_user = actor  # type: ignore[attr-defined]
            line.save()
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


# --- account teams and opportunity lines ----------------------------------------------------
def account_team_member_add(
    *, account: Account, user: User, actor: User, role: str = ""
) -> AccountTeamMember:
    """Put ``user`` on ``account``'s team, so they see the account and everything on it."""
    check_write(actor, Account)
    if not user.is_active:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"user": [_("This user is not active.")]}
        )
    with transaction.atomic():
        _parent_changed(account, actor=actor, reason=TEAM_MEMBER_ADDED)
        if AccountTeamMember.objects.filter(account=account, user=user).exists():
            raise Conflict(_("This user is already on the account team."))
        member = AccountTeamMember(account=account, user=user, role=role)
        member._history_user = actor  # type: ignore[attr-defined]
        member.save()
    return member


def account_team_member_remove(*, account: Account, user: User, actor: User) -> None:
    check_write(actor, Account)
    with transaction.atomic():
        _parent_changed(account, actor=actor, reason=TEAM_MEMBER_REMOVED)
        member = AccountTeamMember.objects.filter(account=account, user=user).first()
        if member is None:
            raise NotFound(_("This user is not on the account team."))
        member._history_user = actor  # type: ignore[attr-defined]
        member.delete()


def opportunity_line_remove(*, line: OpportunityLine, actor: User) -> None:
    check_write(actor, Opportunity)
    with transaction.atomic():
        _parent_changed(line.opportunity, actor=actor, reason=LINE_REMOVED)
        line._history_user = actor  # type: ignore[attr-defined]
        line.delete()


# Change reasons on the parent's history row; record_history reports them as the event type.
LINE_ADDED = "line_added"
LINE_REMOVED = "line_removed"
TEAM_MEMBER_ADDED = "team_member_added"
TEAM_MEMBER_REMOVED = "team_member_removed"


def _parent_changed(parent: Account | Opportunity, *, actor: User, reason: str) -> None:
    """Lines and team members are part of their parent: changing them is changing it.

    The parent is locked first (so the change serialises with a concurrent PATCH of it), its
    version moves on (so an ETag read before no longer matches) and it gets a history row with
    the actor. ``parent`` itself is refreshed, so a caller holding it can go on using it.
    """
    current = lock_for_update(parent)
    current.version = current.version + 1
    current._history_user = actor  # type: ignore[attr-defined]
    current._change_reason = reason  # type: ignore[attr-defined]
    current.save(update_fields=["version", "updated_at"])
    parent.version = current.version
    parent.updated_at = current.updated_at


# --- pipelines ------------------------------------------------------------------------------
def pipeline_create(*, actor: User, data: Mapping[str, Any]) -> Pipeline:
    """Create a pipeline; if it is the default, the previous default stops being one."""
    with transaction.atomic():
        if data.get("is_default"):
            _lock_pipelines()
        pipeline = record_create(model=Pipeline, actor=actor, data=data)
        if pipeline.is_default:
            _clear_other_defaults(pipeline, actor=actor)
    return pipeline


def pipeline_update(
    *, pipeline: Pipeline, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> Pipeline:
    """Change a pipeline; making it the default clears the flag on every other, atomically."""
    with transaction.atomic():
        if data.get("is_default"):
            _lock_pipelines()
        pipeline = record_update(instance=pipeline, actor=actor, data=data, expected_version=expected_version)
        if pipeline.is_default:
            _clear_other_defaults(pipeline, actor=actor)
    return pipeline


def pipeline_set_default(*, pipeline: Pipeline, actor: User, expected_version: int | None = None) -> Pipeline:
    return pipeline_update(
        pipeline=pipeline, actor=actor, data={"is_default": True}, expected_version=expected_version
    )


def _lock_pipelines() -> None:
    # Two requests making different pipelines the default would otherwise each clear the other
    # and both commit; locking every pipeline in one order serialises them without deadlock.
    # Pipelines are a handful of rows.
    list(Pipeline.all_objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _clear_other_defaults(pipeline: Pipeline, *, actor: User) -> None:
    for other in Pipeline.objects.filter(is_default=True).exclude(pk=pipeline.pk).order_by("pk"):
        record_update(instance=other, actor=actor, data={"is_default": False}, expected_version=None)
