from __future__ import annotations

import pytest


@pytest.fixture
def org(db):
    from tests.factories import make_org

    return make_org()


@pytest.fixture
def pipeline(db):
    from tests.factories import make_pipeline

    return make_pipeline()
