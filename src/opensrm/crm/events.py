"""What the CRM tells other contexts (through ``opensrm.core.events``), and the one question it
asks them: whether a lead created without an owner should wait for lead routing.

Contexts subscribe in their ``AppConfig.ready()``; the CRM imports none of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from opensrm.core.events import Event


@dataclass(frozen=True)
class LeadCreated(Event):
    """A lead was created (published by ``crm.services.leads.lead_create``; handlers run after
    the commit).

    ``awaiting_routing``: the lead was created without an owner because lead routing is on, and
    a routing handler should give it one.
    """

    lead_id: int
    actor_id: int
    awaiting_routing: bool


_routing_switches: list[Callable[[], bool]] = []


def register_lead_routing(enabled: Callable[[], bool]) -> None:
    """Declare that a context routes new leads while ``enabled()`` is true. With routing on, a
    lead created without an owner is left unowned for the ``LeadCreated`` handler instead of
    going to its creator."""
    if enabled not in _routing_switches:
        _routing_switches.append(enabled)


def lead_routing_enabled() -> bool:
    """Whether a registered context routes new leads right now."""
    return any(enabled() for enabled in _routing_switches)
