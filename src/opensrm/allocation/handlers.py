"""What allocation does when another context tells it something (registered in
:meth:`opensrm.allocation.apps.AllocationConfig.ready`)."""

from __future__ import annotations

from opensrm.allocation import services
from opensrm.crm.events import LeadCreated
from opensrm.crm.models import Lead
from opensrm.people.models import User


def on_lead_created(event: LeadCreated) -> None:
    """A lead created without an owner while routing is on goes to the best eligible rep with room
    (the history row names the lead's creator and the reason "routed")."""
    if not event.awaiting_routing:
        return
    lead = Lead.objects.filter(pk=event.lead_id).first()
    actor = User.objects.filter(pk=event.actor_id).first()
    if lead is None or actor is None:
        return
    services.lead_route(lead=lead, actor=actor)
