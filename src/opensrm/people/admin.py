from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ImproperlyConfigured
from simple_history.admin import SimpleHistoryAdmin

from opensrm.core.admin import ServiceAdmin, ServiceAdminMixin
from opensrm.people.models import RepProfile, Team, User


def _auth_fieldsets() -> list[Any]:
    """django.contrib.auth's own user fieldsets (declared there; the stubs allow None)."""
    if BaseUserAdmin.fieldsets is None:
        raise ImproperlyConfigured("django.contrib.auth's UserAdmin declares no fieldsets")
    return list(BaseUserAdmin.fieldsets)


@admin.register(User)
class UserAdmin(ServiceAdminMixin, BaseUserAdmin, SimpleHistoryAdmin):
    # Stamps the system keeps (a sign-in sets last_login): shown, never edited.
    readonly_fields = ("last_login", "date_joined")
    list_display = ("username", "display_name", "role", "team", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (
        *_auth_fieldsets(),
        ("OpenSRM", {"fields": ("role", "team", "display_name", "language", "time_zone")}),
    )


@admin.register(Team)
class TeamAdmin(ServiceAdmin):
    list_display = ("name", "parent", "manager", "path")
    search_fields = ("name",)


@admin.register(RepProfile)
class RepProfileAdmin(ServiceAdmin):
    list_display = ("user", "home_city", "weekly_capacity_hours", "max_accounts")
    search_fields = ("user__username", "home_city")
