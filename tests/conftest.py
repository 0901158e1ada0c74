from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

# Property-based tests (hypothesis, schemathesis) by profile, chosen with HYPOTHESIS_PROFILE:
# "ci" (the default, `make test`) runs the example counts the tests name; "check" (`make
# check`, the fast lane) a quarter of them, still every operation and every check; "thorough"
# four times as many, for a run before a release. The examples stay derandomized.
EXAMPLE_SCALE = {"check": 0.25, "ci": 1.0, "thorough": 4.0}
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
if HYPOTHESIS_PROFILE not in EXAMPLE_SCALE:
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE={HYPOTHESIS_PROFILE!r}: one of {', '.join(EXAMPLE_SCALE)}")
for _name, _scale in EXAMPLE_SCALE.items():
    hypothesis_settings.register_profile(_name, max_examples=max(5, round(100 * _scale)), deadline=None)
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def examples(count: int) -> int:
    """The number of examples a property test runs under the current profile (at least 3)."""
    return max(3, round(count * EXAMPLE_SCALE[HYPOTHESIS_PROFILE]))


# The fixtures through which a test reaches the database (directly, or through a module or
# session fixture that builds records once). Not django_db_blocker: pytest-django's autouse
# fixtures request it for every test.
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "django_db_setup",
        "live_server",
    }
)


def uses_database(item: pytest.Item) -> bool:
    """A test uses the database when it is marked ``django_db`` or any fixture in its closure
    is one of pytest-django's database fixtures."""
    if item.get_closest_marker("django_db") is not None:
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def split_by_database(items: list[pytest.Item]) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """(the tests that use the database, the others), each in collection order."""
    keep: list[pytest.Item] = []
    pure: list[pytest.Item] = []
    for item in items:
        (keep if uses_database(item) else pure).append(item)
    return keep, pure


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    if not pluginmanager.hasplugin("django"):
        # pyproject's setting for pytest-django, declared so that a run without it does not warn
        parser.addini("DJANGO_SETTINGS_MODULE", "the Django settings (read by pytest-django)")


def pytest_configure(config: pytest.Config) -> None:
    """The Django-dependent hooks and fixtures (tests/django_plugin.py) load with pytest-django.
    Under ``-p no:django`` (``pytest -p no:django tests/engines``) they stay out, and the run
    imports no Django: the engines do not depend on it (tests/engines/test_no_django.py)."""
    if config.pluginmanager.hasplugin("django"):
        config.pluginmanager.import_plugin("tests.django_plugin")
