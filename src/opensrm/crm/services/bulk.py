"""Bulk actions on records picked from a list: each record goes through its own service.

Each record is changed in its own transaction through the same service a single edit uses, so
it gets its version bumped, its history row naming the actor and the same rules (stage rules,
owner rules, field validation). One record that is refused does not undo the others: the result
says which ones were refused and why. Ids the actor cannot see (another team's, deleted,
made up) are never loaded for writing and come back as not found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from opensrm.core.errors import DomainError, ValidationFailed
from opensrm.core.services import check_write, may_assign_owner, record_delete, record_update
from opensrm.core.visibility import visible
from opensrm.crm.customfields import MAX_TAG_LENGTH, normalise_tag, with_tag, without_tag
from opensrm.crm.models import Account, Contact, Lead, LeadStatus, Opportunity, Stage, Tier
from opensrm.crm.services.opportunities import opportunity_move_stage
from opensrm.people.models import User

MAX_IDS = 500
TAGGED = (Account, Contact, Lead, Opportunity)

# action -> the models it applies to (None: every model with an owner and the recycle bin).
ACTIONS: dict[str, tuple[type[Model], ...] | None] = {
    "owner": None,
    "stage": (Opportunity,),
    "tier": (Account,),
    "status": (Lead,),
    "tag": TAGGED,
    "untag": TAGGED,
    "delete": None,
}


@dataclass
class BulkResult:
    done: list[int] = field(default_factory=list)
    not_found: list[int] = field(default_factory=list)
    # (id, the record's name, the reason in the actor's language)
    failed: list[tuple[int, str, str]] = field(default_factory=list)


def actions_for(model: type[Model]) -> list[str]:
    return [a for a, models in ACTIONS.items() if models is None or model in models]


def parse_ids(raw: Iterable[Any]) -> list[int]:
    ids: list[int] = []
    for value in raw:
        try:
            pk = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(
                _("The selection is not valid."), field_errors={"ids": [_("Not a record id: %(v)s") % {"v": value}]}
            ) from None
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise ValidationFailed(_("Select at least one row."), field_errors={"ids": [_("Select at least one row.")]})
    if len(ids) > MAX_IDS:
        raise ValidationFailed(
            _("Select at most %(n)s rows at a time.") % {"n": MAX_IDS},
            field_errors={"ids": [_("Select at most %(n)s rows at a time.") % {"n": MAX_IDS}]},
        )
    return ids


def _invalid(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={name: [message]})


def _resolve_value(actor: User, model: type[Model], action: str, value: str) -> Any:
    """The target of the action, checked once for the whole batch (4xx naming the field)."""
    if action == "owner":
        owner = User.objects.filter(pk=value).first() if str(value).isdigit() else None
        if owner is None or not may_assign_owner(actor, owner):
            raise _invalid("owner", _("You cannot assign records to this user."))
        return owner
    if action == "stage":
        stage = Stage.objects.filter(pk=value).first() if str(value).isdigit() else None
        if stage is None:
            raise _invalid("stage", _("Select a valid stage."))
        return stage
    if action == "tier":
        if value not in Tier.values:
            raise _invalid("tier", _("Select a valid tier."))
        return value
    if action == "status":
        # Converting creates records and has its own page; a bulk status change cannot convert.
        if value not in LeadStatus.values or value == LeadStatus.CONVERTED:
            raise _invalid("status", _("Select a valid status."))
        return value
    if action in ("tag", "untag"):
        raw = " ".join(str(value).split())
        tag = normalise_tag(raw)
        if not tag or len(raw) > MAX_TAG_LENGTH or "," in tag:
            raise _invalid(action, _("Enter a tag of 1 to %(n)s characters, without commas.") % {"n": MAX_TAG_LENGTH})
        return tag
    return None


def _apply_one(actor: User, obj: Any, action: str, target: Any) -> None:
    if action == "owner":
        record_update(instance=obj, actor=actor, data={"owner": target}, expected_version=None)
    elif action == "stage":
        if target.pipeline_id != obj.pipeline_id:
            raise _invalid("stage", _("This stage belongs to another pipeline."))
        if obj.stage_id != target.pk:
            opportunity_move_stage(opportunity=obj, stage=target, actor=actor, expected_version=None)
    elif action in ("tier", "status"):
        record_update(instance=obj, actor=actor, data={action: target}, expected_version=None)
    elif action in ("tag", "untag"):
        tags = list(obj.tags or [])
        new = with_tag(tags, target) if action == "tag" else without_tag(tags, target)
        if new != tags:
            record_update(instance=obj, actor=actor, data={"tags": new}, expected_version=None)
    elif action == "delete":
        record_delete(instance=obj, actor=actor, expected_version=None)


def _reason(exc: DomainError) -> str:
    details = [m for msgs in (exc.field_errors or {}).values() for m in msgs]
    return "; ".join(details) if details else str(exc.message)


def bulk_apply(*, actor: User, model: type[Model], ids: Iterable[Any], action: str, value: Any = "") -> BulkResult:
    """Apply ``action`` (see :data:`ACTIONS`) with ``value`` to the records ``ids`` of ``model``."""
    check_write(actor, model)
    if action not in actions_for(model):
        raise _invalid("action", _("Choose an action."))
    pks = parse_ids(ids)
    target = _resolve_value(actor, model, action, value)
    rows = {obj.pk: obj for obj in visible(actor, model._default_manager.filter(pk__in=pks))}
    result = BulkResult()
    for pk in pks:
        obj = rows.get(pk)
        if obj is None:
            result.not_found.append(pk)
            continue
        try:
            _apply_one(actor, obj, action, target)
        except DomainError as exc:
            result.failed.append((pk, str(obj), _reason(exc)))
        else:
            result.done.append(pk)
    return result
