"""Pipelines: exactly one default at a time."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from opensrm.core.services import record_create, record_update
from opensrm.crm.models import (
    Pipeline,
)
from opensrm.people.models import User


def pipeline_create(*, actor: User, data: Mapping[str, Any]) -> Pipeline:
    """Create a pipeline; if it is the default, the previous default stops being one."""
    with transaction.atomic():
        if data.get("is_default"):
            _lock_pipelines()
        pipeline = record_create(model=Pipeline, actor=actor, data=data)
        if pipeline.is_default:
            _clear_other_defaults(pipeline, actor=actor)
    return pipeline


def pipeline_update(
    *, pipeline: Pipeline, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> Pipeline:
    """Change a pipeline; making it the default clears the flag on every other, atomically."""
    with transaction.atomic():
        if data.get("is_default"):
            _lock_pipelines()
        pipeline = record_update(instance=pipeline, actor=actor, data=data, expected_version=expected_version)
        if pipeline.is_default:
            _clear_other_defaults(pipeline, actor=actor)
    return pipeline


def pipeline_set_default(*, pipeline: Pipeline, actor: User, expected_version: int | None = None) -> Pipeline:
    return pipeline_update(pipeline=pipeline, actor=actor, data={"is_default": True}, expected_version=expected_version)


def _lock_pipelines() -> None:
    # Two requests making different pipelines the default would otherwise each clear the other
    # and both commit; locking every pipeline in one order serialises them without deadlock.
    # Pipelines are a handful of rows.
    list(Pipeline.all_objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def _clear_other_defaults(pipeline: Pipeline, *, actor: User) -> None:
    for other in Pipeline.objects.filter(is_default=True).exclude(pk=pipeline.pk).order_by("pk"):
        record_update(instance=other, actor=actor, data={"is_default": False}, expected_version=None)
