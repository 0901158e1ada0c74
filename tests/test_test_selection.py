"""Which tests the PostgreSQL run keeps (tests/django_plugin.py, docs/decisions/0004-test-settings.md)."""

from __future__ import annotations

import pytest

from tests.conftest import split_by_database, uses_database


def test_a_test_without_a_database_fixture_runs_on_sqlite_only(request):
    assert not uses_database(request.node)


def test_a_test_with_the_db_fixture_runs_on_both(request, db):
    assert uses_database(request.node)


@pytest.mark.django_db
def test_a_test_marked_django_db_runs_on_both(request):
    assert uses_database(request.node)


def test_a_test_reaching_the_database_through_another_fixture_runs_on_both(request, org):
    assert uses_database(request.node)


@pytest.fixture(scope="module")
def _built_once(django_db_setup, django_db_blocker):
    return None


@pytest.mark.usefixtures("_built_once")
def test_a_test_whose_module_fixture_builds_records_runs_on_both(request):
    assert uses_database(request.node)


def test_the_split_keeps_every_database_test_and_only_those(request):
    keep, pure = split_by_database(request.session.items)
    names = {item.name for item in pure}
    assert "test_a_test_without_a_database_fixture_runs_on_sqlite_only" in names
    assert "test_a_test_with_the_db_fixture_runs_on_both" not in names
    assert all(uses_database(item) for item in keep)
    assert not any(uses_database(item) for item in pure)
    assert len(keep) + len(pure) == len(request.session.items)
