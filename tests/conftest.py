from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code outside a request speaks the default language (Chinese); tests assert the English
    msgids, so they run in English. Pages still pick their language per request."""
    from django.utils import translation

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
