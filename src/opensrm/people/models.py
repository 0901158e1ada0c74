"""Organisation: teams (a tree), users with roles, rep profiles."""

from __future__ import annotations

from typing import ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opensrm.core.models import BaseModel
from opensrm.core.roles import Role

__all__ = ["RepProfile", "Role", "Team", "User"]


class Team(BaseModel):
    """A node of the sales organisation tree.

    ``path`` is a materialised path ("0001.0004.") so "this team and everything below it"
    is one indexed prefix filter, whatever the depth.
    """

    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent team"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    manager = models.ForeignKey(
        "people.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_teams",
        verbose_name=_("manager"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.REP)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members", verbose_name=_("team")
    )
    display_name = models.CharField(_("display name"), max_length=120, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects: ClassVar[UserManager[Self]] = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role in (Role.ADMIN, Role.SALES_OPS, Role.VIEWER)

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.VIEWER and not self.is_superuser


class RepProfile(BaseModel):
    """What planning needs to know about a rep: where they start, their time, their skills."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="rep_profile", verbose_name=_("user"))
    home_city = models.CharField(_("home city"), max_length=80, blank=True)
    home_lat = models.FloatField(_("home latitude"), null=True, blank=True)
    home_lon = models.FloatField(_("home longitude"), null=True, blank=True)
    weekly_capacity_hours = models.DecimalField(
        _("weekly capacity (hours)"),
        max_digits=6,
        decimal_places=1,
        default=40,
        validators=[MinValueValidator(0), MaxValueValidator(168)],
    )
    max_accounts = models.PositiveIntegerField(_("maximum accounts"), null=True, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    product_lines = models.JSONField(_("product lines"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rep profile")
        verbose_name_plural = _("rep profiles")

    def __str__(self) -> str:
        return str(self.user)
