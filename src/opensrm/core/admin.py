from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from opensrm.core.models import ApiToken
from opensrm.core.services import record_delete


class LiveAdmin(SimpleHistoryAdmin):
    """Admin base for soft-deletable records: shows deleted rows too (with their
    ``deleted_at``), and deletes through the recycle-bin service like every other path."""

    def get_queryset(self, request):
        manager = getattr(self.model, "all_objects", None)
        return manager.all() if manager is not None else super().get_queryset(request)

    def delete_model(self, request, obj):
        if obj.deleted_at is None:
            record_delete(instance=obj, actor=request.user, expected_version=None)

    def delete_queryset(self, request, queryset):
        for obj in queryset.filter(deleted_at__isnull=True):
            record_delete(instance=obj, actor=request.user, expected_version=None)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at")
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
