"""The admin's writes go through the record services like every other path.

Saving a record in the admin is ``record_update`` / ``record_create`` with the admin user as
actor (the version is bumped, so a client holding the old ETag is refused; history names the
admin); deleting moves the record and its children to the recycle bin as one batch. The
bookkeeping fields (version, soft-delete and timestamps) are read-only: setting ``deleted_at``
by hand would hide a record and leave its children live.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from simple_history.admin import SimpleHistoryAdmin

from opensrm.core.errors import DomainError
from opensrm.core.models import ApiToken, BaseModel, SecurityEvent
from opensrm.core.services import record_create, record_delete, record_erase, record_update

INTERNAL_FIELDS = ("version", "deleted_at", "deleted_by", "deletion_batch", "created_at", "updated_at")


def _model_field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if not f.primary_key}


def _internal(model: type[models.Model]) -> list[str]:
    names = _model_field_names(model)
    return [n for n in INTERNAL_FIELDS if n in names]


def _create_data(obj: models.Model) -> dict[str, Any]:
    """What the admin form put on a new ``obj``, as service input."""
    internal = set(INTERNAL_FIELDS)
    return {
        f.name: getattr(obj, f.name)
        for f in obj._meta.concrete_fields
        if f.editable and not f.primary_key and f.name not in internal
    }


def _change_data(obj: models.Model, changed: list[str]) -> dict[str, Any]:
    names = _model_field_names(type(obj)) - set(INTERNAL_FIELDS)
    return {name: getattr(obj, name) for name in changed if name in names}


def service_save(request: Any, obj: models.Model, changed: list[str] | None) -> models.Model:
    """Write ``obj`` as the admin form left it: a new record through ``record_create``, a change
    of the ``changed`` fields through ``record_update``."""
    if obj.pk is None:
        saved = record_create(model=type(obj), actor=request.user, data=_create_data(obj))
        _copy(saved, obj)
        return saved
    data = _change_data(obj, changed or [])
    if not data:
        return obj
    saved = record_update(instance=obj, actor=request.user, data=data, expected_version=None)
    _copy(saved, obj)
    return saved


def _copy(saved: models.Model, obj: models.Model) -> None:
    """The admin goes on with its own ``obj`` (inlines point at it, the log entry names it)."""
    for f in obj._meta.concrete_fields:
        setattr(obj, f.attname, getattr(saved, f.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def service_delete(request: Any, obj: models.Model) -> None:
    if isinstance(obj, BaseModel):
        if obj.deleted_at is None:
            record_delete(instance=obj, actor=request.user, expected_version=None)
        return
    record_erase(obj, actor=request.user)


if TYPE_CHECKING:  # the mixin is always combined with a ModelAdmin
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object


class ServiceAdminMixin(_AdminBase):
    """Shared by every OpenSRM admin (change lists, inlines aside): reads see the recycle bin
    too, every write is a service call, the bookkeeping fields are read-only."""

    def get_queryset(self, request):
        manager = getattr(self.model, "all_objects", None)
        return manager.all() if manager is not None else super().get_queryset(request)

    def get_readonly_fields(self, request, obj=None):
        declared = list(super().get_readonly_fields(request, obj))
        return declared + [n for n in _internal(self.model) if n not in declared]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin saves inside one transaction: a service refusal rolls all of it back (the
        # record, its inlines) and the form is shown again with the reason.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
            self.message_user(request, f"{exc.message} {details}".strip(), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        service_save(request, obj, list(form.changed_data) if change else None)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            service_delete(request, obj)
        for obj in formset.new_objects:
            service_save(request, obj, None)
        for obj, changed in formset.changed_objects:
            service_save(request, obj, list(changed))
        formset.save_m2m()

    def delete_model(self, request, obj):
        service_delete(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            service_delete(request, obj)


class ServiceAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """The base of every registered OpenSRM admin."""


# The name the app admins imported before every write went through the services.
LiveAdmin = ServiceAdmin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the system only (security log): staff read them, nobody edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "kind", "username", "user", "ip", "user_agent")
    list_filter = ("kind",)
    search_fields = ("username", "ip")
    date_hierarchy = "at"
