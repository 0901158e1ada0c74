"""The roles a user holds: the platform's visibility and write rules are written in them, so
they live in core (``opensrm.people.models`` re-exports ``Role`` for the user model's field)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    SALES_OPS = "sales_ops", _("Sales operations")
    MANAGER = "manager", _("Manager")
    REP = "rep", _("Sales rep")
    VIEWER = "viewer", _("Viewer")
