"""The page tests' records and fixtures (tests/records.py)."""

from __future__ import annotations

from tests.records import fresh_cache, order_for, records

__all__ = ["fresh_cache", "order_for", "records"]
