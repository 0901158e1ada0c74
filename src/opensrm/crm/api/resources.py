"""The standard endpoints of every CRM resource: list, create, read, update, delete, history.

Each resource names its schemas, filters, orderings and the services that write it; the HTTP
rules come from :func:`opensrm.core.api.crud.register`.
"""

from typing import Any

from ninja import Router

from opensrm.core.api.crud import Resource
from opensrm.core.api.history import register_resource
from opensrm.crm import services
from opensrm.crm.models import (
    Account,
    Activity,
    Contact,
    Lead,
    Opportunity,
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
    LeadFilters,
    LeadIn,
    LeadOut,
    LeadPatch,
    OpportunityFilters,
    OpportunityIn,
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

router = Router()


def _order_create(user: User, data: dict[str, Any]) -> Order:
    lines = [
        {"product": line["product_id"], "quantity": line["quantity"], "unit_price": line.get("unit_price")}
        for line in data.pop("lines")
    ]
    return services.order_create(actor=user, data=data, lines=lines)


register_resource(
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
register_resource(
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
register_resource(
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
register_resource(
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
register_resource(
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
        # Through the pipeline services: only one pipeline is the default at a time.
        create=lambda user, data: services.pipeline_create(actor=user, data=data),
        update=lambda obj, user, data, version: services.pipeline_update(
            pipeline=obj, actor=user, data=data, expected_version=version
        ),
    ),
)
register_resource(
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
register_resource(
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
register_resource(
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
register_resource(
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
register_resource(
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
