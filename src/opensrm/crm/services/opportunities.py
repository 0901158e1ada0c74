"""Opportunities: creation, updates with stage history and stage rules, lines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.services import check_version, lock_for_update, record_create, record_update
from opensrm.crm.models import (
    Opportunity,
    Pipeline,
    Stage,
    StageChange,
)
from opensrm.people.models import User


def _stage_rules(*, pipeline: Pipeline | None, stage: Stage | None, lost_reason: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if stage is not None and pipeline is not None and stage.pipeline_id != pipeline.pk:
        errors["stage"] = [_("The stage does not belong to the opportunity's pipeline.")]
    if stage is not None and stage.is_lost and not lost_reason.strip():
        errors["lost_reason"] = [_("Say why the opportunity was lost.")]
    return errors


def opportunity_create(*, actor: User, data: Mapping[str, Any]) -> Opportunity:
    data = {k: v for k, v in data.items() if not (k in ("pipeline", "stage") and v is None)}
    with transaction.atomic():
        if "pipeline" not in data and "stage" not in data:
            # neither given: the default pipeline (its first stage follows below)
            default = Pipeline.objects.filter(is_default=True).order_by("pk").first()
            if default is not None:
                data["pipeline"] = default
        if "pipeline" not in data and "stage" in data:
            stage_ref = data["stage"]
            stage = stage_ref if isinstance(stage_ref, Stage) else Stage.objects.filter(pk=stage_ref).first()
            if stage is not None:
                data["pipeline"] = stage.pipeline
        if "stage" not in data and "pipeline" in data:
            pipeline_ref = data["pipeline"]
            first = (
                Stage.objects.filter(pipeline_id=getattr(pipeline_ref, "pk", pipeline_ref)).order_by("order").first()
            )
            if first is not None:
                data["stage"] = first
        opp = record_create(model=Opportunity, actor=actor, data=data)
        errors = _stage_rules(pipeline=opp.pipeline, stage=opp.stage, lost_reason=opp.lost_reason)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        if opp.stage.is_closed:
            Opportunity.objects.filter(pk=opp.pk).update(closed_at=timezone.now())
        StageChange.objects.create(
            opportunity=opp,
            from_stage=None,
            to_stage=opp.stage,
            amount=opp.amount,
            changed_at=timezone.now(),
            changed_by=actor,
        )
    return opp


def opportunity_update(
    *, opportunity: Opportunity, actor: User, data: Mapping[str, Any], expected_version: int | None
) -> Opportunity:
    """Update fields; a stage change is recorded in the stage history and validated."""
    with transaction.atomic():
        before = lock_for_update(opportunity)
        check_version(before, expected_version)
        old_stage = before.stage
        opp = record_update(instance=before, actor=actor, data=data, expected_version=expected_version)
        errors = _stage_rules(pipeline=opp.pipeline, stage=opp.stage, lost_reason=opp.lost_reason)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        if opp.stage_id != old_stage.pk:
            now = timezone.now()
            StageChange.objects.create(
                opportunity=opp,
                from_stage=old_stage,
                to_stage=opp.stage,
                amount=opp.amount,
                changed_at=now,
                changed_by=actor,
            )
            closed_at = now if opp.stage.is_closed else None
            Opportunity.objects.filter(pk=opp.pk).update(closed_at=closed_at)
            opp.closed_at = closed_at
    return opp


def opportunity_move_stage(
    *,
    opportunity: Opportunity,
    stage: Stage,
    actor: User,
    expected_version: int | None,
    lost_reason: str = "",
) -> Opportunity:
    data: dict[str, Any] = {"stage": stage}
    if lost_reason:
        data["lost_reason"] = lost_reason
    return opportunity_update(opportunity=opportunity, actor=actor, data=data, expected_version=expected_version)
