"""Admin for allocation: scenarios and routing policies (read mostly; plans are made in the app)."""

from django.contrib import admin

from opensrm.allocation import models as m
from opensrm.core.admin import LiveAdmin, ServiceAdminMixin


class LineInline(admin.TabularInline):
    model = m.AssignmentLine
    extra = 0
    can_delete = False
    fields = ("account", "lead", "current_owner", "proposed_owner", "moved", "applied", "distance_km")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(m.AllocationPlan)
class AllocationPlanAdmin(LiveAdmin):
    list_display = (
        "name",
        "kind",
        "status",
        "result_status",
        "objective",
        "gap",
        "moves",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("name",)
    raw_id_fields = (
        "created_by",
        "applied_by",
        "rolled_back_by",
        "deleted_by",
        "scope_team",
        "scope_territory",
    )
    readonly_fields = (
        "status",
        "result_status",
        "objective",
        "bound",
        "gap",
        "seconds",
        "moves",
        "message",
        "infeasibility",
        "applied_at",
        "applied_by",
        "rolled_back_at",
        "rolled_back_by",
    )
    inlines = [LineInline]


@admin.register(m.RoutingPolicy)
class RoutingPolicyAdmin(LiveAdmin):
    list_display = ("name", "enabled", "team", "max_open_leads")


@admin.register(m.AllocationNotice)
class AllocationNoticeAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ("scenario", "rep", "event", "email", "sent_at", "error")
    list_filter = ("event",)
    readonly_fields = (
        "scenario",
        "rep",
        "event",
        "email",
        "subject",
        "body",
        "gained",
        "lost",
        "sent_at",
        "error",
    )
