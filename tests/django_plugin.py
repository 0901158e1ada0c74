"""The suite's Django-dependent hooks and fixtures, registered by tests/conftest.py when
pytest-django is active (every run but the Django-free engine run)."""

from __future__ import annotations

import os

import pytest
from django.utils import translation

from tests.conftest import split_by_database


def _on_postgresql() -> bool:
    from django.conf import settings

    return "postgresql" in settings.DATABASES["default"]["ENGINE"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL run runs only the tests that use the database: a test that never opens
    it (an engine, a parser, a template filter) behaves the same on either and has run on
    SQLite. OPENSRM_PG_ALL_TESTS=1 runs them anyway (docs/decisions/0004-test-settings.md)."""
    if not _on_postgresql() or os.environ.get("OPENSRM_PG_ALL_TESTS") == "1":
        return
    keep, pure = split_by_database(items)
    if pure:
        config.hook.pytest_deselected(items=pure)
        items[:] = keep


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code outside a request speaks the default language (Chinese); tests assert the English
    msgids, so they run in English. Pages still pick their language per request."""
    with translation.override("en"):
        yield


@pytest.fixture
def org(db):
    from tests.factories import make_org

    return make_org()


@pytest.fixture
def pipeline(db):
    from tests.factories import make_pipeline

    return make_pipeline()
