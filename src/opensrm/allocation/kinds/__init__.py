"""The plan kinds of allocation, one module each, every one implementing
:class:`~opensrm.allocation.kinds.base.PlanKind` (gather → solve → store → apply → roll back).

:data:`KINDS` maps a plan's ``kind`` to its module; :mod:`opensrm.allocation.services` dispatches
through it and is the only caller.
"""

from __future__ import annotations

from opensrm.allocation.kinds import assignment, routing, territory
from opensrm.allocation.kinds.base import PlanKind
from opensrm.allocation.models import ScenarioKind

KINDS: dict[str, PlanKind] = {
    ScenarioKind.ASSIGNMENT: assignment,
    ScenarioKind.TERRITORY: territory,
    ScenarioKind.ROUTING: routing,
}

__all__ = ["KINDS", "PlanKind"]
