"""REST endpoints for CRM records.

The standard endpoints of each resource come from :func:`opensrm.core.api.crud.register`;
this module adds the actions that are more than a field change (convert a lead, move an
opportunity's stage, cancel an order) and the sub-resources (account team, opportunity lines,
stage history), plus the global search.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_LIST, ERR_READ, ERR_WRITE, Resource, get_visible, register
from opensrm.core.api.etag import required_version, set_etag
from opensrm.core.errors import NotFound
from opensrm.core.services import check_write
from opensrm.crm import selectors, services
from opensrm.crm.models import (
    Account,
    Activity,
    Contact,
    Lead,
    Opportunity,
    OpportunityLine,
    Order,
    Pipeline,
    Product,
    Stage,
    Territory,
)
from opensrm.crm.schemas import (
    AccountFilters,
    AccountIn,
    AccountOut,
    AccountPatch,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    ContactFilters,
    ContactIn,
    ContactOut,
    ContactPatch,
    LeadConvertIn,
    LeadConvertOut,
    LeadFilters,
    LeadIn,
    LeadOut,
    LeadPatch,
    MemberIn,
    MemberOut,
    MoveStageIn,
    OpportunityFilters,
    OpportunityIn,
    OpportunityLineIn,
    OpportunityLineOut,
    OpportunityOut,
    OpportunityPatch,
    OrderFilters,
    OrderIn,
    OrderOut,
    OrderPatch,
    PipelineFilters,
    PipelineIn,
    PipelineOut,
    PipelinePatch,
    ProductFilters,
    ProductIn,
    ProductOut,
    ProductPatch,
    SearchOut,
    StageChangeOut,
    StageFilters,
    StageIn,
    StageOut,
    StagePatch,
    TerritoryFilters,
    TerritoryIn,
    TerritoryOut,
    TerritoryPatch,
)
from opensrm.people.models import User
from opensrm.people.selectors import reference_or_error

router = Router()


def _order_create(user: User, data: dict[str, Any]) -> Order:
    lines = [
        {"product": line["product_id"], "quantity": line["quantity"], "unit_price": line.get("unit_price")}
        for line in data.pop("lines")
    ]
    return services.order_create(actor=user, data=data, lines=lines)


register(
    router,
    Resource(
        name="territories",
        model=Territory,
        out=TerritoryOut,
        filters=TerritoryFilters,
        create_in=TerritoryIn,
        patch_in=TerritoryPatch,
        ordering=("id", "name", "code", "path", "updated_at"),
        default_ordering="path",
        search=("name", "code"),
        create=lambda user, data: services.territory_create(actor=user, data=data),
        update=lambda obj, user, data, version: services.territory_update(
            territory=obj, actor=user, data=data, expected_version=version
        ),
    ),
)
register(
    router,
    Resource(
        name="accounts",
        model=Account,
        out=AccountOut,
        filters=AccountFilters,
        create_in=AccountIn,
        patch_in=AccountPatch,
        ordering=("id", "name", "updated_at", "created_at", "annual_revenue"),
        search=("name", "city", "phone", "website"),
    ),
)
register(
    router,
    Resource(
        name="contacts",
        model=Contact,
        out=ContactOut,
        filters=ContactFilters,
        create_in=ContactIn,
        patch_in=ContactPatch,
        ordering=("id", "name", "updated_at", "created_at"),
        search=("name", "email", "phone"),
    ),
)
register(
    router,
    Resource(
        name="leads",
        model=Lead,
        out=LeadOut,
        filters=LeadFilters,
        create_in=LeadIn,
        patch_in=LeadPatch,
        ordering=("id", "name", "company", "updated_at", "created_at", "estimated_value"),
        search=("name", "company", "email", "phone"),
        # Leads go through their own service: an unowned lead may be routed to a rep.
        create=lambda user, data: services.lead_create(actor=user, data=data),
    ),
)
register(
    router,
    Resource(
        name="pipelines",
        model=Pipeline,
        out=PipelineOut,
        filters=PipelineFilters,
        create_in=PipelineIn,
        patch_in=PipelinePatch,
        ordering=("id", "name", "updated_at"),
        prefetch_related=("stages",),
    ),
)
register(
    router,
    Resource(
        name="stages",
        model=Stage,
        out=StageOut,
        filters=StageFilters,
        create_in=StageIn,
        patch_in=StagePatch,
        ordering=("id", "order", "name", "updated_at"),
        default_ordering="order",
    ),
)
register(
    router,
    Resource(
        name="opportunities",
        model=Opportunity,
        out=OpportunityOut,
        filters=OpportunityFilters,
        create_in=OpportunityIn,
        patch_in=OpportunityPatch,
        ordering=("id", "name", "amount", "expected_close_date", "updated_at", "created_at"),
        search=("name", "account__name"),
        create=lambda user, data: services.opportunity_create(actor=user, data=data),
        update=lambda obj, user, data, version: services.opportunity_update(
            opportunity=obj, actor=user, data=data, expected_version=version
        ),
    ),
)
register(
    router,
    Resource(
        name="activities",
        model=Activity,
        out=ActivityOut,
        filters=ActivityFilters,
        create_in=ActivityIn,
        patch_in=ActivityPatch,
        ordering=("id", "due_at", "updated_at", "created_at"),
        search=("subject", "notes"),
    ),
)
register(
    router,
    Resource(
        name="products",
        model=Product,
        out=ProductOut,
        filters=ProductFilters,
        create_in=ProductIn,
        patch_in=ProductPatch,
        ordering=("id", "code", "name", "unit_price", "updated_at"),
        default_ordering="code",
        search=("code", "name", "product_line"),
    ),
)
register(
    router,
    Resource(
        name="orders",
        model=Order,
        out=OrderOut,
        filters=OrderFilters,
        create_in=OrderIn,
        patch_in=OrderPatch,
        ordering=("id", "order_date", "total", "updated_at", "created_at"),
        search=("number", "account__name"),
        prefetch_related=("lines",),
        create=_order_create,
    ),
)


# --- account team ---------------------------------------------------------------------------
@router.get(
    "/accounts/{id}/team",
    response={200: list[MemberOut], **ERR_READ},
    tags=["accounts"],
    operation_id="account_team_list",
    summary="Users on the account team",
)
def account_team_list(request: HttpRequest, id: int) -> Any:
    account = get_visible(actor(request), Account.objects.all(), id)
    return list(selectors.account_team(account=account))


@router.post(
    "/accounts/{id}/team",
    response={201: MemberOut, **ERR_WRITE},
    tags=["accounts"],
    operation_id="account_team_add",
    summary="Put a user on the account team",
)
def account_team_add(request: HttpRequest, id: int, payload: MemberIn) -> Any:
    user = actor(request)
    account = get_visible(user, Account.objects.all(), id)
    check_write(user, Account)
    member = services.account_team_member_add(
        account=account,
        user=reference_or_error(User, payload.user_id, "user_id"),
        actor=user,
        role=payload.role,
    )
    return Status(201, member)


@router.delete(
    "/accounts/{id}/team/{user_id}",
    response={204: None, **ERR_WRITE},
    tags=["accounts"],
    operation_id="account_team_remove",
    summary="Take a user off the account team",
)
def account_team_remove(request: HttpRequest, id: int, user_id: int) -> Any:
    user = actor(request)
    account = get_visible(user, Account.objects.all(), id)
    check_write(user, Account)
    member = selectors.account_team(account=account).filter(user_id=user_id).select_related("user").first()
    if member is None:
        raise NotFound(_("This user is not on the account team."))
    services.account_team_member_remove(account=account, user=member.user, actor=user)
    return Status(204, None)


# --- leads ----------------------------------------------------------------------------------
@router.post(
    "/leads/{id}/convert",
    response={200: LeadConvertOut, **ERR_WRITE},
    tags=["leads"],
    operation_id="lead_convert",
    summary="Convert a lead into an account, a contact and an opportunity",
)
def lead_convert(request: HttpRequest, id: int, payload: LeadConvertIn) -> Any:
    user = actor(request)
    lead = get_visible(user, Lead.objects.all(), id)
    check_write(user, Lead)
    version = required_version(request)
    account = reference_or_error(Account, payload.account_id, "account_id", user=user)
    account, contact, opportunity = services.lead_convert(
        lead=lead,
        actor=user,
        account=account,
        create_opportunity=payload.create_opportunity,
        opportunity_name=payload.opportunity_name,
        amount=payload.amount,
        expected_close_date=payload.expected_close_date,
        pipeline=reference_or_error(Pipeline, payload.pipeline_id, "pipeline_id"),
        expected_version=version,
    )
    lead.refresh_from_db()
    return {
        "lead": lead,
        "account_id": account.pk,
        "contact_id": contact.pk,
        "opportunity_id": opportunity.pk if opportunity else None,
    }


# --- opportunities --------------------------------------------------------------------------
@router.post(
    "/opportunities/{id}/move-stage",
    response={200: OpportunityOut, **ERR_WRITE},
    tags=["opportunities"],
    operation_id="opportunity_move_stage",
    summary="Move an opportunity to another stage of its pipeline (send If-Match)",
)
def opportunity_move_stage(
    request: HttpRequest, id: int, payload: MoveStageIn, response: HttpResponse
) -> Any:
    user = actor(request)
    opp = get_visible(user, Opportunity.objects.all(), id)
    check_write(user, Opportunity)
    version = required_version(request)
    stage = reference_or_error(Stage, payload.stage_id, "stage_id")
    opp = services.opportunity_move_stage(
        opportunity=opp, stage=stage, actor=user, expected_version=version, lost_reason=payload.lost_reason
    )
    set_etag(response, opp)
    return opp


@router.get(
    "/opportunities/{id}/stage-history",
    response={200: list[StageChangeOut], **ERR_READ},
    tags=["opportunities"],
    operation_id="opportunity_stage_history",
    summary="Every stage the opportunity went through",
)
def opportunity_stage_history(request: HttpRequest, id: int) -> Any:
    opp = get_visible(actor(request), Opportunity.objects.all(), id)
    return list(selectors.stage_history(opportunity=opp))


@router.get(
    "/opportunities/{id}/lines",
    response={200: list[OpportunityLineOut], **ERR_READ},
    tags=["opportunities"],
    operation_id="opportunity_line_list",
    summary="Product lines",
)
def opportunity_line_list(request: HttpRequest, id: int) -> Any:
    opp = get_visible(actor(request), Opportunity.objects.all(), id)
    return list(selectors.opportunity_lines(opportunity=opp))


@router.post(
    "/opportunities/{id}/lines",
    response={201: OpportunityLineOut, **ERR_WRITE},
    tags=["opportunities"],
    operation_id="opportunity_line_add",
    summary="Add a product line",
)
def opportunity_line_add(request: HttpRequest, id: int, payload: OpportunityLineIn) -> Any:
    user = actor(request)
    opp = get_visible(user, Opportunity.objects.all(), id)
    check_write(user, Opportunity)
    line = services.opportunity_line_add(
        opportunity=opp,
        actor=user,
        product=reference_or_error(Product, payload.product_id, "product_id"),
        quantity=payload.quantity,
        unit_price=payload.unit_price,
        discount_pct=payload.discount_pct,
    )
    return Status(201, line)


@router.delete(
    "/opportunities/{id}/lines/{line_id}",
    response={204: None, **ERR_WRITE},
    tags=["opportunities"],
    operation_id="opportunity_line_remove",
    summary="Remove a product line",
)
def opportunity_line_remove(request: HttpRequest, id: int, line_id: int) -> Any:
    user = actor(request)
    opp = get_visible(user, Opportunity.objects.all(), id)
    line = get_visible(user, OpportunityLine.objects.filter(opportunity=opp), line_id)
    check_write(user, Opportunity)
    services.opportunity_line_remove(line=line, actor=user)
    return Status(204, None)


# --- orders ---------------------------------------------------------------------------------
@router.post(
    "/orders/{id}/cancel",
    response={200: OrderOut, **ERR_WRITE},
    tags=["orders"],
    operation_id="order_cancel",
    summary="Cancel an order (send If-Match)",
)
def order_cancel(request: HttpRequest, id: int, response: HttpResponse) -> Any:
    user = actor(request)
    order = get_visible(user, Order.objects.all(), id)
    check_write(user, Order)
    services.order_cancel(order=order, actor=user, expected_version=required_version(request))
    order = get_visible(user, Order.objects.prefetch_related("lines"), id)
    set_etag(response, order)
    return order


# --- search ---------------------------------------------------------------------------------
class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    limit: int = Field(10, ge=1, le=50, description="Hits per record type")


@router.get(
    "/search",
    response={200: SearchOut, **ERR_LIST},
    tags=["search"],
    operation_id="search",
    summary="Accounts, contacts, leads and opportunities matching q",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    return {"items": selectors.global_search(user=actor(request), q=params.q, limit=params.limit)}
