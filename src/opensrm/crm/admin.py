"""Admin for CRM records.

Every write from the admin goes through the record services (see ``opensrm.core.admin``):
history names the admin, the version is bumped, a delete moves the record and its children
to the recycle bin.
"""

from django.contrib import admin

from opensrm.core.admin import ServiceAdmin
from opensrm.crm import models as m


@admin.register(m.Territory)
class TerritoryAdmin(ServiceAdmin):
    list_display = ("code", "name", "parent", "owner", "deleted_at")
    search_fields = ("code", "name")


@admin.register(m.Account)
class AccountAdmin(ServiceAdmin):
    list_display = ("name", "industry", "city", "status", "tier", "owner", "deleted_at")
    list_filter = ("status", "tier", "industry")
    search_fields = ("name", "city")
    raw_id_fields = ("owner", "territory", "deleted_by")


@admin.register(m.Contact)
class ContactAdmin(ServiceAdmin):
    list_display = ("name", "account", "title", "email", "owner")
    search_fields = ("name", "email")
    raw_id_fields = ("account", "owner", "deleted_by")


@admin.register(m.Lead)
class LeadAdmin(ServiceAdmin):
    list_display = ("name", "company", "status", "owner")
    list_filter = ("status",)
    search_fields = ("name", "company")
    raw_id_fields = ("owner", "converted_account", "converted_contact", "converted_opportunity", "deleted_by")


class StageInline(admin.TabularInline):
    model = m.Stage
    extra = 0


@admin.register(m.Pipeline)
class PipelineAdmin(ServiceAdmin):
    list_display = ("name", "is_default")
    inlines = [StageInline]


@admin.register(m.Opportunity)
class OpportunityAdmin(ServiceAdmin):
    list_display = ("name", "account", "stage", "amount", "currency", "expected_close_date", "owner")
    list_filter = ("stage",)
    search_fields = ("name",)
    raw_id_fields = ("account", "owner", "deleted_by")


@admin.register(m.Activity)
class ActivityAdmin(ServiceAdmin):
    list_display = ("subject", "kind", "account", "owner", "due_at", "done_at")
    list_filter = ("kind",)
    raw_id_fields = ("account", "contact", "opportunity", "lead", "owner", "deleted_by")


@admin.register(m.Product)
class ProductAdmin(ServiceAdmin):
    list_display = ("code", "name", "product_line", "unit_price", "active")
    search_fields = ("code", "name")


class OrderLineInline(admin.TabularInline):
    model = m.OrderLine
    extra = 0
    raw_id_fields = ("product",)


@admin.register(m.Order)
class OrderAdmin(ServiceAdmin):
    list_display = ("number", "account", "status", "order_date", "total", "currency")
    list_filter = ("status",)
    raw_id_fields = ("account", "opportunity", "owner", "deleted_by")
    inlines = [OrderLineInline]
