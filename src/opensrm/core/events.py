"""A small typed event bus: one context tells the others what happened without importing them.

An event is a frozen dataclass deriving from :class:`Event`, defined by the context that
publishes it (``crm/events.py``: ``LeadCreated``...). A context that wants to react registers a
handler for the event's class in its ``AppConfig.ready()``::

    from opensrm.core import events
    from opensrm.crm.events import LeadCreated

    events.subscribe(LeadCreated, on_lead_created)

:func:`publish` runs every handler of the event's class once the current transaction commits
(at once outside a transaction); nothing runs when it rolls back. Each handler runs on its own:
an error in one is logged and neither reaches the request that published the event nor stops
the other handlers. Handlers read the records again by the ids the event carries, so they see
the committed state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Base of every event: a frozen dataclass of plain values (ids, not model instances)."""


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], None]

_handlers: dict[type[Event], list[Handler]] = {}


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Run ``handler(event)`` after the commit of every transaction that publishes an
    ``event_type``. Registering the same handler twice keeps one registration (``ready()`` may run
    more than once in tests)."""
    found = _handlers.setdefault(event_type, [])
    if handler not in found:
        found.append(handler)


def unsubscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    found = _handlers.get(event_type, [])
    if handler in found:
        found.remove(handler)


def handlers_for(event_type: type[Event]) -> list[Handler]:
    """The handlers registered for exactly ``event_type``, in registration order."""
    return list(_handlers.get(event_type, []))


def _run(handler: Handler, event: Event) -> None:
    try:
        handler(event)
    except Exception:
        log.exception("Handler %s of %s failed", getattr(handler, "__qualname__", handler), type(event).__name__)


def publish(event: Event, *, using: str | None = None) -> None:
    """Hand ``event`` to its handlers once the current transaction on ``using`` commits."""
    for handler in handlers_for(type(event)):
        transaction.on_commit(partial(_run, handler, event), using=using)
