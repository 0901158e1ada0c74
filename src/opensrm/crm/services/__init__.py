"""Writes for CRM records. Thin rules on top of :mod:`opensrm.core.services`, one module per
kind of record; every public service is importable from here."""

from opensrm.crm.services.activities import activity_reschedule
from opensrm.crm.services.children import (
    account_team_member_add,
    account_team_member_remove,
    opportunity_line_add,
    opportunity_line_remove,
)
from opensrm.crm.services.leads import lead_convert, lead_create
from opensrm.crm.services.opportunities import opportunity_create, opportunity_move_stage, opportunity_update
from opensrm.crm.services.orders import order_cancel, order_create
from opensrm.crm.services.pipelines import pipeline_create, pipeline_set_default, pipeline_update
from opensrm.crm.services.territories import territory_create, territory_update

__all__ = [
    "account_team_member_add",
    "account_team_member_remove",
    "activity_reschedule",
    "lead_convert",
    "lead_create",
    "opportunity_create",
    "opportunity_line_add",
    "opportunity_line_remove",
    "opportunity_move_stage",
    "opportunity_update",
    "order_cancel",
    "order_create",
    "pipeline_create",
    "pipeline_set_default",
    "pipeline_update",
    "territory_create",
    "territory_update",
]
