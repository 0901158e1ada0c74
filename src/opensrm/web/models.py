"""What the pages keep for themselves: saved list views."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SavedView(models.Model):
    """A named filter/sort/search of one list page, kept as its query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    page = models.CharField(_("page"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    querystring = models.CharField(_("query string"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "page", "name"], name="uniq_saved_view_name")]

    def __str__(self) -> str:
        return self.name


class ListPreference(models.Model):
    """The columns a user chose on one list page, applied when they open it without ``cols=``."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_preferences")
    page = models.CharField(_("page"), max_length=40)
    columns = models.JSONField(_("columns"), default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("list preference")
        verbose_name_plural = _("list preferences")
        constraints = [models.UniqueConstraint(fields=["user", "page"], name="uniq_list_preference")]

    def __str__(self) -> str:
        return f"{self.user} · {self.page}"
