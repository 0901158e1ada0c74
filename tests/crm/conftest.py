"""The page tests' records and fixtures (tests/records.py) and the API clients of the API tests
(tests/api/conftest.py), for the CRM's page and API tests."""

from __future__ import annotations

from tests.api.conftest import client_for
from tests.records import fresh_cache, order_for, records

__all__ = ["client_for", "fresh_cache", "order_for", "records"]
