from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllocationConfig(AppConfig):
    """Allocation plans (rep ↔ account, territory alignment, lead routing).

    The app label stays ``territories``, the label the app was first installed under, so the
    tables, migrations, content types and permissions of existing installations keep their names
    (docs/decisions/0008-allocation-app-label.md).
    """

    name = "opensrm.allocation"
    label = "territories"
    verbose_name = _("Allocation")

    def ready(self) -> None:
        # Imported here: models must be loaded before handlers (and the services they call) import them.
        from opensrm.allocation import handlers, services
        from opensrm.core import events
        from opensrm.crm import events as crm_events

        crm_events.register_lead_routing(services.lead_routing_enabled)
        events.subscribe(crm_events.LeadCreated, handlers.on_lead_created)
