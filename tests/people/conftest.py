"""The API clients of the API tests (tests/api/conftest.py), for the organisation API's tests."""

from __future__ import annotations

from tests.api.conftest import client_for

__all__ = ["client_for"]
