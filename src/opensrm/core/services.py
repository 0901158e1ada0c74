"""Generic write paths for every record: create, update, soft delete, restore, purge.

Domain services in each app call these, adding their own rules. Every path sets the acting
user on the history row, validates the whole record before it is written, and bumps the
optimistic ``version`` on each change.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, VersionMismatch
from opensrm.core.models import BaseModel, related_model
from opensrm.core.roles import Role
from opensrm.core.visibility import can_see, can_write, manager_subtree_users, visible

if TYPE_CHECKING:  # core imports no app at run time; the user model is settings.AUTH_USER_MODEL
    from opensrm.people.models import User

M = TypeVar("M", bound=models.Model)


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {("__all__" if k == "__all__" else k): [str(m) for m in v] for k, v in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def check_write(actor: User, model: type[models.Model]) -> None:
    if not can_write(actor, model):
        raise PermissionDenied(
            _("You are not allowed to change %(model)s.") % {"model": model._meta.verbose_name_plural}
        )


def _check_references(actor: User, instance: models.Model, data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Foreign keys in ``data`` must point at records the actor may see."""
    errors: dict[str, list[str]] = {}
    for name in data:
        try:
            field = instance._meta.get_field(name)
        except Exception:  # noqa: S112 - unknown names are reported by _apply
            continue
        if not isinstance(field, models.ForeignKey):
            continue
        target = getattr(instance, name)
        if target is None:
            continue
        if field.related_model is get_user_model():
            if name in ("owner",) and not may_assign_owner(actor, target):
                errors[name] = [_("You cannot assign records to this user.")]
            continue
        if isinstance(target, BaseModel) and target.deleted_at is not None:
            errors[name] = [_("The selected record is in the recycle bin.")]
        elif not can_see(actor, target):
            errors[name] = [_("Select a valid choice: the record does not exist.")]
    return errors


def may_assign_owner(actor: User, owner: User) -> bool:
    """Whether ``actor`` may make ``owner`` the owner of a record (self; a manager their subtree;
    admin and sales ops anyone active)."""
    if not owner.is_active:
        return False
    if actor.sees_everything or actor.pk == owner.pk:
        return True
    if actor.role == Role.MANAGER:
        return manager_subtree_users(actor).filter(pk=owner.pk).exists()
    return False


def _apply(instance: models.Model, data: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    for name, value in data.items():
        try:
            field = instance._meta.get_field(name)
        except Exception:
            errors[name] = [_("Unknown field.")]
            continue
        if not getattr(field, "editable", True) or name in {
            "id",
            "version",
            "deleted_at",
            "deleted_by",
            "created_at",
            "updated_at",
        }:
            errors[name] = [_("This field cannot be changed.")]
            continue
        if isinstance(field, models.ForeignKey):
            if value is None or isinstance(value, models.Model):
                setattr(instance, name, value)
            else:
                target_model = related_model(field)
                try:
                    target = target_model._default_manager.get(pk=value)
                except (ObjectDoesNotExist, ValueError, TypeError):  # the target's DoesNotExist
                    errors[name] = [_("Select a valid choice: the record does not exist.")]
                    continue
                setattr(instance, name, target)
        else:
            setattr(instance, name, value)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)


def _validate(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=True)
    except ValidationError as exc:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=_field_errors(exc)) from exc


def _is_unique_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate is not None:
        return sqlstate == "23505"
    return "UNIQUE constraint failed" in str(exc)


def _conflicting_fields(instance: models.Model, exc: IntegrityError) -> dict[str, list[str]]:
    """The fields whose value another record holds. The winner of the race is committed by now,
    so the model's own unique check names the field in its usual words; when that check cannot
    see the other row (it is in the recycle bin, say), the columns the database names."""
    try:
        instance.validate_unique()
    except ValidationError as err:
        found = _field_errors(err)
        if found:
            return found
    text = str(exc)
    match = re.search(r"Key \((.+?)\)=", text) or re.search(r"UNIQUE constraint failed: (.+)$", text, re.M)
    by_column = {f.column: f.name for f in instance._meta.concrete_fields}
    names = []
    for part in match.group(1).split(",") if match else []:
        column = part.strip().rsplit(".", 1)[-1]
        if column in by_column:
            names.append(by_column[column])
    message = [_("Another record already has this value.")]
    return dict.fromkeys(names, message) or {"__all__": message}


@contextmanager
def unique_conflicts(instance: models.Model) -> Iterator[None]:
    """Run a save of ``instance`` in a savepoint; a unique value taken by a concurrent writer
    between our check and our insert is a conflict naming the field (409), not a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if not _is_unique_violation(exc):
            raise
        raise Conflict(
            _("Another record already has this value."), field_errors=_conflicting_fields(instance, exc)
        ) from exc


def record_save(instance: M, *, actor: Any, fields: Iterable[str] | None = None, reason: str | None = None) -> M:
    """Save ``instance`` on behalf of ``actor``: the one place a write names its actor.

    A stored record with an optimistic ``version`` moves it on by one (the caller has locked the
    row or holds it in this transaction, so no ``F()`` is needed); a new one keeps its first
    version. The history row names ``actor`` and, when given, ``reason`` (its change reason:
    "deleted", "restored", "routed"...). With ``fields``, only those are written, plus
    ``version`` and ``updated_at`` when the model has them.
    """
    stored = not instance._state.adding
    if stored and isinstance(instance, BaseModel):
        instance.version = instance.version + 1
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
    if fields is None:
        instance.save()
    else:
        names = list(dict.fromkeys(fields))
        own = {f.name for f in instance._meta.concrete_fields}
        names += [n for n in ("version", "updated_at") if n in own and n not in names and (stored or n != "version")]
        instance.save(update_fields=names)
    return instance


def record_erase(instance: models.Model, *, actor: Any, reason: str | None = None) -> None:
    """Delete ``instance`` from the database for good (a line, a team member: rows that are part
    of their parent and have no recycle bin), its history row naming ``actor``."""
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason is not None:
        instance._change_reason = reason  # type: ignore[attr-defined]
    instance.delete()


def record_create(
    *, model: type[M], actor: User, data: Mapping[str, Any], defaults: Mapping[str, Any] | None = None
) -> M:
    """Create one record of ``model`` from ``data`` on behalf of ``actor``."""
    check_write(actor, model)
    instance = model()
    if defaults:
        for k, v in defaults.items():
            setattr(instance, k, v)
    _apply(instance, data)
    if hasattr(instance, "owner_id") and getattr(instance, "owner_id", None) is None and "owner" not in data:
        instance.owner = actor  # type: ignore[attr-defined]
    errors = _check_references(actor, instance, {**data, **({"owner": None} if "owner" not in data else {})})
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    _validate(instance)
    with unique_conflicts(instance):
        record_save(instance, actor=actor)
    return instance


def lock_for_update(instance: M) -> M:
    """Re-read ``instance`` under a row lock (PostgreSQL) or the write lock (SQLite IMMEDIATE)."""
    manager = type(instance)._default_manager
    try:
        return manager.select_for_update().get(pk=instance.pk)
    except ObjectDoesNotExist as exc:  # the model's own DoesNotExist: only this query can raise it
        raise NotFound(_("The record does not exist.")) from exc


def check_version(current: models.Model, expected_version: int | None) -> None:
    if expected_version is not None and getattr(current, "version", None) != expected_version:
        raise VersionMismatch(
            _(
                "This record was changed by someone else (version %(current)s, you had %(expected)s). "
                "Reload it and try again."
            )
            % {"current": getattr(current, "version", "?"), "expected": expected_version},
            current_version=getattr(current, "version", None),
        )


def record_update(*, instance: M, actor: User, data: Mapping[str, Any], expected_version: int | None) -> M:
    """Change ``data`` fields of ``instance``; refuses a stale ``expected_version``."""
    check_write(actor, type(instance))
    with transaction.atomic():
        current = lock_for_update(instance)
        check_version(current, expected_version)
        _apply(current, data)
        errors = _check_references(actor, current, data)
        if errors:
            raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
        _validate(current)
        # The row is locked and its version checked in this transaction: record_save bumps it.
        with unique_conflicts(current):
            record_save(current, actor=actor)
    return current


def _cascade_children(instance: models.Model) -> list[BaseModel]:
    """Live soft-deletable records that a hard delete of ``instance`` would cascade to."""
    found: list[BaseModel] = []
    for rel in instance._meta.related_objects:
        if rel.on_delete is not models.CASCADE:
            continue
        child_model = related_model(rel)
        if not issubclass(child_model, BaseModel):
            continue
        if rel.one_to_one or rel.one_to_many:
            children = child_model.objects.filter(**{rel.field.name: instance})
            for child in children:
                found.append(child)
                found.extend(_cascade_children(child))
    return found


_BIN_FIELDS = ("deleted_at", "deleted_by", "deletion_batch")


def record_delete(*, instance: BaseModel, actor: User, expected_version: int | None) -> uuid.UUID:
    """Move ``instance`` and its live children to the recycle bin, as one batch."""
    check_write(actor, type(instance))
    batch = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        current = lock_for_update(instance)
        check_version(current, expected_version)
        for obj in [current, *_cascade_children(current)]:
            obj.deleted_at = now
            obj.deleted_by = actor
            obj.deletion_batch = batch
            record_save(obj, actor=actor, fields=_BIN_FIELDS, reason="deleted")
    return batch


def _live_parent_errors(obj: BaseModel) -> list[str]:
    problems = []
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):
            continue
        parent_model = related_model(field)
        if issubclass(parent_model, BaseModel):
            pk = getattr(obj, field.attname)
            if pk is None:
                continue
            parent = parent_model.all_objects.filter(pk=pk).only("deleted_at", "deletion_batch").first()
            if parent is not None and parent.deleted_at is not None and parent.deletion_batch != obj.deletion_batch:
                problems.append(str(field.verbose_name))
    return problems


@dataclass(frozen=True)
class Restored:
    """What a restore brought back: the record asked for, and how many records of each type
    came back with it (the record itself included)."""

    record: BaseModel
    counts: dict[type[BaseModel], int] = dc_field(default_factory=dict)


def restored_summary(counts: Mapping[type[BaseModel], int]) -> str:
    """``counts`` as a translated phrase: "1 account, 3 contacts, 13 activities"."""
    parts = []
    for model, count in counts.items():
        meta = model._meta
        name = meta.verbose_name if count == 1 else meta.verbose_name_plural
        parts.append(_("%(count)d %(name)s") % {"count": count, "name": name})
    return _(", ").join(parts)


def _batch_members(obj: BaseModel, *, lock: bool) -> dict[type[BaseModel], list[BaseModel]]:
    """Every record deleted in ``obj``'s batch (``obj`` alone when it has none), by model, in
    a fixed model and primary-key order so that two restores of one batch lock rows in the same
    order (and wait for each other instead of deadlocking)."""
    models_in_order = sorted(_concrete_subclasses(), key=lambda m: m._meta.label)
    members: dict[type[BaseModel], list[BaseModel]] = {}
    for m in models_in_order if obj.deletion_batch is not None else [type(obj)]:
        qs = m.all_objects.filter(deleted_at__isnull=False).order_by("pk")
        qs = qs.filter(pk=obj.pk) if obj.deletion_batch is None else qs.filter(deletion_batch=obj.deletion_batch)
        rows = list(qs.select_for_update() if lock else qs)
        if rows:
            members[m] = rows
    if obj.pk not in {r.pk for r in members.get(type(obj), [])}:
        # Restored or purged by someone else between the first read and the lock.
        raise NotFound(_("The record is not in the recycle bin."))
    return members


def _check_batch_writable(actor: User, members: Mapping[type[BaseModel], list[BaseModel]]) -> None:
    """The actor must be allowed to write every record a batch operation touches; one record
    they may not see or change refuses the whole batch as "not found" (as for a record they
    cannot see), so nothing about the other team's records leaks."""
    for m, rows in members.items():
        ids = [r.pk for r in rows]
        if not can_write(actor, m) or visible(actor, m.all_objects.filter(pk__in=ids)).count() != len(ids):
            raise NotFound(_("The record is not in the recycle bin."))


def _binned(model: type[BaseModel], pk: Any, actor: User) -> BaseModel:
    obj = model.all_objects.filter(pk=pk, deleted_at__isnull=False).first()
    if obj is None or not visible(actor, model.all_objects.filter(pk=pk)).exists():
        raise NotFound(_("The record is not in the recycle bin."))
    return obj


def recycle_bin_record(*, model: type[BaseModel], pk: Any, actor: User) -> BaseModel:
    """A deleted record ``actor`` may see, to show it read-only from the recycle bin."""
    return _binned(model, pk, actor)


_INTERNAL_FIELDS = {"id", "version", "deleted_at", "deleted_by", "deletion_batch", "created_at", "updated_at"}


def record_fields(obj: models.Model) -> list[tuple[str, str, str | None]]:
    """``(name, translated label, shown value)`` of each field of ``obj`` a person entered."""
    out: list[tuple[str, str, str | None]] = []
    for f in obj._meta.concrete_fields:
        if f.name in _INTERNAL_FIELDS or not f.editable:
            continue
        if f.choices:
            value: Any = getattr(obj, f"get_{f.name}_display")()
        else:
            value = getattr(obj, f.name)
        shown = None if value in (None, "", [], {}) else str(value)
        out.append((f.name, str(f.verbose_name), shown))
    return out


def recycle_bin_batch(*, record: BaseModel) -> dict[type[BaseModel], int]:
    """How many records of each type a restore of ``record`` would bring back."""
    return {m: len(rows) for m, rows in _batch_members(record, lock=False).items()}


def record_restore(*, model: type[BaseModel], pk: Any, actor: User) -> Restored:
    """Bring a deleted record back from the recycle bin with its whole batch: every record
    deleted with it, whichever of them is restored. All or nothing: the actor must be allowed to
    write every record of the batch."""
    check_write(actor, model)
    with transaction.atomic():
        obj = _binned(model, pk, actor)
        members = _batch_members(obj, lock=True)
        _check_batch_writable(actor, members)
        for rows in members.values():
            for member in rows:
                blocked = _live_parent_errors(member)
                if blocked:
                    raise ValidationFailed(
                        _("Restore the parent record first: %(fields)s is in the recycle bin.")
                        % {"fields": ", ".join(blocked)}
                    )
        for rows in members.values():
            for member in rows:
                member.deleted_at = None
                member.deleted_by = None
                member.deletion_batch = None
                record_save(member, actor=actor, fields=_BIN_FIELDS, reason="restored")
    obj.refresh_from_db()
    return Restored(record=obj, counts={m: len(rows) for m, rows in members.items()})


def may_purge(actor: User) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and (actor.is_superuser or actor.role == Role.ADMIN))


def record_purge(*, model: type[BaseModel], pk: Any, actor: User) -> dict[type[BaseModel], int]:
    """Erase a record from the recycle bin for good, with its batch and whatever the database
    cascades to. Administrators only. Each erased record gets a "purged" history row naming the
    actor, so the purge stays on record."""
    with transaction.atomic():
        obj = _binned(model, pk, actor)
        if not may_purge(actor):
            raise PermissionDenied(_("Only an administrator may delete records permanently."))
        members = _batch_members(obj, lock=True)
        _check_batch_writable(actor, members)
        # The database the record was read from (Model.delete's own choice when it is unset).
        collector = Collector(using=obj._state.db or router.db_for_write(type(obj), instance=obj))
        for rows in members.values():
            collector.collect(rows)
        counts: dict[type[BaseModel], int] = {}
        for m, instances in collector.data.items():
            for instance in instances:
                instance._history_user = actor  # type: ignore[attr-defined]
                instance._change_reason = "purged"  # type: ignore[attr-defined]
            if issubclass(m, BaseModel):
                counts[m] = counts.get(m, 0) + len(instances)
        collector.delete()
    return counts


def _concrete_subclasses() -> list[type[BaseModel]]:
    return [m for m in apps.get_models() if issubclass(m, BaseModel) and not m._meta.abstract]


def recycle_bin_models() -> list[type[BaseModel]]:
    return _concrete_subclasses()


def recycle_bin_purge(*, older_than_days: int, now: Any = None) -> int:
    """Hard-delete records that have been in the recycle bin longer than ``older_than_days``.

    Idempotent: a second run finds nothing left to purge.
    """
    cutoff = (now or timezone.now()) - timedelta(days=older_than_days)
    purged = 0
    for model in _concrete_subclasses():
        with transaction.atomic():
            qs = model.all_objects.filter(deleted_at__lt=cutoff)
            for obj in qs.iterator():
                if not model.all_objects.filter(pk=obj.pk).exists():
                    continue  # already removed by a cascade in this run
                obj._history_user = obj.deleted_by
                obj.delete()
                purged += 1
    return purged
