"""Admin for CRM records.

Writes from the admin are recorded in history with the admin user (SimpleHistoryAdmin +
HistoryRequestMiddleware). Deleting from the admin goes through the same service as every
other path: the record and its children move to the recycle bin, they are not erased.
"""

from django.contrib import admin

from opensrm.core.admin import LiveAdmin
from opensrm.crm import models as m


@admin.register(m.Territory)
class TerritoryAdmin(LiveAdmin):
    list_display = ("code", "name", "parent", "owner", "deleted_at")
    search_fields = ("code", "name")


@admin.register(m.Account)
class AccountAdmin(LiveAdmin):
    list_display = ("name", "industry", "city", "status", "tier", "owner", "deleted_at")
    list_filter = ("status", "tier", "industry")
    search_fields = ("name", "city")
    raw_id_fields = ("owner", "territory", "deleted_by")


@admin.register(m.Contact)
class ContactAdmin(LiveAdmin):
    list_display = ("name", "account", "title", "email", "owner")
    search_fields = ("name", "email")
    raw_id_fields = ("account", "owner", "deleted_by")


@admin.register(m.Lead)
class LeadAdmin(LiveAdmin):
    list_display = ("name", "company", "status", "owner")
    list_filter = ("status",)
    search_fields = ("name", "company")
    raw_id_fields = ("owner", "converted_account", "converted_contact", "converted_opportunity", "deleted_by")


class StageInline(admin.TabularInline):
    model = m.Stage
    extra = 0


@admin.register(m.Pipeline)
class PipelineAdmin(LiveAdmin):
    list_display = ("name", "is_default")
    inlines = [StageInline]


@admin.register(m.Opportunity)
class OpportunityAdmin(LiveAdmin):
    list_display = ("name", "account", "stage", "amount", "currency", "expected_close_date", "owner")
    list_filter = ("stage",)
    search_fields = ("name",)
    raw_id_fields = ("account", "owner", "deleted_by")


@admin.register(m.Activity)
class ActivityAdmin(LiveAdmin):
    list_display = ("subject", "kind", "account", "owner", "due_at", "done_at")
    list_filter = ("kind",)
    raw_id_fields = ("account", "contact", "opportunity", "lead", "owner", "deleted_by")


@admin.register(m.Product)
class ProductAdmin(LiveAdmin):
    list_display = ("code", "name", "product_line", "unit_price", "active")
    search_fields = ("code", "name")


class OrderLineInline(admin.TabularInline):
    model = m.OrderLine
    extra = 0
    raw_id_fields = ("product",)


@admin.register(m.Order)
class OrderAdmin(LiveAdmin):
    list_display = ("number", "account", "status", "order_date", "total", "currency")
    list_filter = ("status",)
    raw_id_fields = ("account", "opportunity", "owner", "deleted_by")
    inlines = [OrderLineInline]
