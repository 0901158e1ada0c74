"""Former name of :mod:`opensrm.engines.allocation.plan` (kept only while callers move to it)."""

from .plan import failure_message, solve

__all__ = ["failure_message", "solve"]
