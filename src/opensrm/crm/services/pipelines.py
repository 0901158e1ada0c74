"""Pipelines (exactly one default at a time) and their stages: names per language,
probability, order; a stage in use is never deleted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, ValidationFailed
from opensrm.core.services import (
    check_version,
    check_write,
    lock_for_update,
    record_create,
    record_delete,
    record_update,
)
from opensrm.crm.models import (
    Opportunity,
    Pipeline,
    Stage,
    StageChange,
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


NAME_LANGUAGES = ("en", "zh-hans")


def names_data(record: Pipeline | Stage, names: Mapping[str, str]) -> dict[str, Any]:
    """``name`` and ``names`` for a record named in English and Chinese: an empty name is
    dropped (the record then shows its other name there); ``name``, the fallback, is the English
    one when there is one."""
    given = {code: (names.get(code) or "").strip() for code in NAME_LANGUAGES}
    kept = {**{k: v for k, v in (record.names or {}).items() if k not in NAME_LANGUAGES}}
    kept |= {code: value for code, value in given.items() if value}
    if not any(given.values()):
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"name_en": [_("Give a name in at least one language.")]}
        )
    return {"names": kept, "name": given["en"] or given["zh-hans"]}


def stage_update(*, stage: Stage, actor: User, data: Mapping[str, Any], expected_version: int | None) -> Stage:
    """Change a stage's names (``name_en``, ``name_zh``) or probability. Whether a stage is won
    or lost is not changed here: closed deals and their history depend on it."""
    changes: dict[str, Any] = {}
    if "name_en" in data or "name_zh" in data:
        changes |= names_data(stage, {"en": data.get("name_en", ""), "zh-hans": data.get("name_zh", "")})
    if "probability" in data:
        changes["probability"] = data["probability"]
    unknown = set(data) - {"name_en", "name_zh", "probability"}
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={k: [_("This field cannot be changed here.")] for k in unknown},
        )
    return record_update(instance=stage, actor=actor, data=changes, expected_version=expected_version)


def pipeline_rename(
    *, pipeline: Pipeline, actor: User, names: Mapping[str, str], expected_version: int | None
) -> Pipeline:
    return pipeline_update(
        pipeline=pipeline, actor=actor, data=names_data(pipeline, names), expected_version=expected_version
    )


def stage_move(*, stage: Stage, actor: User, up: bool, expected_version: int | None) -> Stage:
    """Swap the stage with its neighbour above (or below) in its pipeline. The stages are then
    numbered 1, 2, 3...; each one whose number changed gets a new version and a history row. At
    the top (or bottom) nothing changes."""
    check_write(actor, Stage)
    with transaction.atomic():
        current = lock_for_update(stage)
        check_version(current, expected_version)
        ordered = list(
            Stage.objects.select_for_update().filter(pipeline_id=current.pipeline_id).order_by("order", "pk")
        )
        i = next(k for k, s in enumerate(ordered) if s.pk == current.pk)
        j = i - 1 if up else i + 1
        if not 0 <= j < len(ordered):
            return current
        ordered[i], ordered[j] = ordered[j], ordered[i]
        for position, other in enumerate(ordered, start=1):
            if other.order != position:
                written = record_update(instance=other, actor=actor, data={"order": position}, expected_version=None)
                if written.pk == current.pk:
                    current = written
        return current


def stage_in_use(stage: Stage) -> bool:
    """Opportunities (the recycle bin's too) or their stage history point at the stage."""
    return (
        Opportunity.all_objects.filter(stage=stage).exists()
        or StageChange.objects.filter(to_stage=stage).exists()
        or StageChange.objects.filter(from_stage=stage).exists()
    )


def stage_delete(*, stage: Stage, actor: User, expected_version: int | None) -> None:
    """Delete an unused stage (to the recycle bin); a stage in use is refused: its deals and their
    history keep it."""
    check_write(actor, Stage)
    if stage_in_use(stage):
        raise Conflict(
            _(
                "The stage “%(name)s” is used by opportunities or their stage history and cannot be "
                "deleted. Rename it or move the deals to another stage first."
            )
            % {"name": stage}
        )
    record_delete(instance=stage, actor=actor, expected_version=expected_version)
