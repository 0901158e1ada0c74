from __future__ import annotations

import os

import pytest

os.environ.setdefault("OPENSRM_FAST_PASSWORD_HASHER", "1")
os.environ.setdefault("OPENSRM_HUEY", "immediate")


@pytest.fixture
def org(db):
    from tests.factories import make_org

    return make_org()


@pytest.fixture
def pipeline(db):
    from tests.factories import make_pipeline

    return make_pipeline()
