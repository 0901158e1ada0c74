"""REST endpoints for CRM records, mounted at the root of ``/api/v1``.

The standard endpoints of each resource come from :mod:`.resources`; the other modules add
the actions that are more than a field change (convert a lead, move an opportunity's stage,
cancel an order), the sub-resources (account team, opportunity lines, stage history) and the
global search. Each module has its own router; ``router`` gathers them.
"""

from ninja import Router

from opensrm.crm.api import accounts, leads, opportunities, orders, quotes, resources, search

router = Router()
for _module in (resources, accounts, leads, opportunities, orders, quotes, search):
    router.add_router("", _module.router)

__all__ = ["router"]
