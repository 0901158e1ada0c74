"""Base model, soft delete (the recycle bin) and API tokens.

Every business record inherits :class:`BaseModel`: timestamps, an optimistic ``version``
(sent as the ETag, checked against ``If-Match``) and soft-delete fields. Deleted records keep
their row with ``deleted_at`` set; ``objects`` hides them, ``all_objects`` sees everything.
Records deleted together share a ``deletion_batch`` so a restore brings the children back too.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.contenttypes.fields import GenericForeignKey


def related_model(field: models.Field[Any, Any] | models.ForeignObjectRel | GenericForeignKey) -> type[models.Model]:
    """The model class a relation points at.

    Django resolves ``"self"`` and lazy ``"app.Model"`` references once the app registry is
    ready; the type checker only sees the unresolved union.
    """
    model = field.related_model
    if not isinstance(model, type) or not issubclass(model, models.Model):
        raise ImproperlyConfigured(f"{field} points at an unresolved model: {model!r}")
    return model


class LiveQuerySet(models.QuerySet):
    def deleted(self) -> LiveQuerySet:
        return self.filter(deleted_at__isnull=False)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):  # type: ignore[misc]
    """The default manager: deleted (recycle-bin) rows are invisible."""

    def get_queryset(self) -> LiveQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class AllManager(models.Manager.from_queryset(LiveQuerySet)):  # type: ignore[misc]
    pass


class BaseModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Not indexed on its own: almost every row is NULL, and such an index only misleads the
    # planner into scanning it for "IS NULL". The recycle bin is read rarely.
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    deletion_batch = models.UUIDField(null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"

    @property
    def etag(self) -> str:
        return f'"{self.version}"'


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the secret is stored."""

    SCOPE_READ = "read"
    SCOPE_WRITE = "write"
    SCOPES = [(SCOPE_READ, _("read")), (SCOPE_WRITE, _("write"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("sign-in failed")


class SecurityEvent(models.Model):
    """A sign-in or failed sign-in: who (or which username was tried), from where, when.

    Kept apart from record history, which records changes to records: a sign-in changes none.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("event"), max_length=20, choices=SecurityEventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username tried"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.at:%Y-%m-%d %H:%M}"


class CurrencyRate(BaseModel):
    """What one unit of ``currency`` is worth in the company's currency from ``valid_from`` on
    (until the currency's next rate). Reference data: kept by administrators and sales ops; sums
    of money across records in several currencies are converted with it."""

    visibility_owner = None
    visibility_account = None

    currency = models.CharField(
        _("currency"),
        max_length=3,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Enter a three-letter currency code, e.g. USD."))],
    )
    rate = models.DecimalField(
        _("rate to the company currency"),
        max_digits=18,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0.000001"))],
    )
    valid_from = models.DateField(_("valid from"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                condition=models.Q(deleted_at__isnull=True),
                name="uniq_currency_rate_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.rate} ({self.valid_from:%Y-%m-%d})"
