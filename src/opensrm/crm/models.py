"""The records a sales team lives in: territories, accounts, contacts, leads,
pipelines and stages, opportunities and their stage history, activities, products, orders.

Each record names how it is reached for visibility through ``visibility_owner`` and
``visibility_account`` (field paths); ``opensrm.core.visibility`` applies the one rule.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opensrm.core.models import BaseModel
from opensrm.crm.customfields import CUSTOM_KEY_PATTERN, CustomFieldType, clean_definition, clean_record

USER = settings.AUTH_USER_MODEL


class _Digits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: _Digits = {"max_digits": 16, "decimal_places": 2}


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail")
    FINANCE = "finance", _("Finance")
    HEALTHCARE = "healthcare", _("Healthcare")
    TECHNOLOGY = "technology", _("Technology")
    ENERGY = "energy", _("Energy")
    LOGISTICS = "logistics", _("Logistics")
    EDUCATION = "education", _("Education")
    GOVERNMENT = "government", _("Government")
    CONSTRUCTION = "construction", _("Construction")
    FOOD = "food", _("Food and beverage")
    OTHER = "other", _("Other")


if TYPE_CHECKING:  # the mixin is always combined with a model
    _Record = models.Model
else:
    _Record = object


class TaggedCustomRecord(_Record):
    """A record with ``tags`` (a list of strings) and ``custom`` (free-form values by key).

    Cleaning normalises the tags and checks the values of the keys an administrator defined
    (:class:`CustomFieldDefinition`); keys nobody defined are kept as they are (the allocation
    reads ``custom.language``, ``custom.product_lines``, ``custom.allocation_locked``).
    """

    custom_object_type = ""
    _stored_custom: dict[str, Any] | None  # ``custom`` as read from the database (set by from_db)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Any:
        instance = super().from_db(db, field_names, values)
        # The values as stored: one left unchanged is not checked again (a field's type or
        # choices may have changed since it was written; the record must still save).
        # A shallow copy: cheap on big reads (the allocation loads every account).
        stored = instance.__dict__.get("custom")
        instance._stored_custom = dict(stored) if isinstance(stored, dict) else None
        return instance

    def clean(self) -> None:
        super().clean()
        object_type = type(self).custom_object_type
        clean_record(self, active_definitions(object_type))


class Territory(BaseModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="territories",
        verbose_name=_("owner"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    CUSTOMER = "customer", _("Customer")
    CHURNED = "churned", _("Churned")


class Tier(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class Account(TaggedCustomRecord, BaseModel):
    visibility_owner = "owner"
    visibility_account = ""
    custom_object_type = "account"

    name = models.CharField(_("name"), max_length=200, db_index=True)
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = models.DecimalField(
        _("annual revenue"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    country = models.CharField(_("country"), max_length=2, default="CN", help_text=_("ISO 3166-1 alpha-2"))
    province = models.CharField(_("province"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    lat = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    lon = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    website = models.CharField(_("website"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AccountStatus.choices,
        default=AccountStatus.PROSPECT,
        db_index=True,
    )
    tier = models.CharField(_("tier"), max_length=1, choices=Tier.choices, blank=True)
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
        verbose_name=_("owner"),
    )
    territory = models.ForeignKey(
        Territory,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accounts",
        verbose_name=_("territory"),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["owner", "deleted_at"]),
            models.Index(fields=["territory", "deleted_at"]),
        ]

    def __str__(self) -> str:
        return self.name


class AccountTeamMember(models.Model):
    """A user who works on an account without owning it (and therefore sees it)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="team_members")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="account_memberships")
    role = models.CharField(_("role"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account team member")
        verbose_name_plural = _("account team members")
        constraints = [models.UniqueConstraint(fields=["account", "user"], name="uniq_account_team_member")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.account}"


class Contact(TaggedCustomRecord, BaseModel):
    visibility_owner = "owner"
    visibility_account = "account"
    custom_object_type = "contact"

    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("account"),
    )
    name = models.CharField(_("name"), max_length=120, db_index=True)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    wechat = models.CharField(_("WeChat"), max_length=60, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contacts",
        verbose_name=_("owner"),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    WORKING = "working", _("Working")
    QUALIFIED = "qualified", _("Qualified")
    CONVERTED = "converted", _("Converted")
    DISQUALIFIED = "disqualified", _("Disqualified")


class LeadSource(models.TextChoices):
    """Known lead sources. ``source`` stays free text (imports bring their own); a known code is
    shown by its translated label, anything else as written."""

    WEBSITE = "website", _("Website")
    TRADE_SHOW = "trade_show", _("Trade show")
    REFERRAL = "referral", _("Referral")
    COLD_CALL = "cold_call", _("Cold call")
    WECHAT = "wechat", _("WeChat")
    PARTNER = "partner", _("Partner")
    ADVERTISING = "advertising", _("Advertising")
    OTHER = "other", _("Other")


def source_label(value: str) -> str:
    return str(LeadSource(value).label) if value in LeadSource.values else value


class Lead(TaggedCustomRecord, BaseModel):
    visibility_owner = "owner"
    visibility_account = None
    custom_object_type = "lead"
    # Fields whose known values have translated labels (pages show them; the API keeps the codes).
    value_labels = {"source": LeadSource}

    name = models.CharField(_("name"), max_length=120)
    company = models.CharField(_("company"), max_length=200)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    source = models.CharField(_("source"), max_length=60, blank=True)
    industry = models.CharField(
        _("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER
    )
    country = models.CharField(_("country"), max_length=2, default="CN")
    province = models.CharField(_("province"), max_length=60, blank=True)
    city = models.CharField(_("city"), max_length=60, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    estimated_value = models.DecimalField(
        _("estimated value"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    status = models.CharField(_("status"), max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_leads",
        verbose_name=_("owner"),
    )
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    converted_account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("converted account"),
    )
    converted_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("converted contact"),
    )
    converted_opportunity = models.ForeignKey(
        "crm.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("converted opportunity"),
    )
    tags = models.JSONField(_("tags"), default=list, blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")

    def __str__(self) -> str:
        return f"{self.name} ({self.company})"

    def get_source_display(self) -> str:
        return source_label(self.source)


def display_name(names: dict[str, str] | None, fallback: str, language: str | None = None) -> str:
    """The name in ``language`` (default: the active one), else its base language, else ``name``.

    Pipelines and stages are named by each company, so their names cannot live in the gettext
    catalogue: the record carries one name per language it was given in."""
    lang = (language or get_language() or "").lower()
    names = names or {}
    return names.get(lang) or names.get(lang.split("-")[0]) or fallback


def validate_names(value: object) -> None:
    codes = [code for code, _label in settings.LANGUAGES]
    ok = isinstance(value, dict) and all(
        k in codes and isinstance(v, str) and 0 < len(v) <= 120 for k, v in value.items()
    )
    if not ok:
        raise ValidationError(
            _("Give one name (1 to 120 characters) per language code: %(codes)s.") % {"codes": ", ".join(codes)},
            code="invalid_names",
        )


NAMES_HELP = _('Name per language, e.g. {"zh-hans": "赢单", "en": "Won"}; empty: the name above everywhere.')


class Pipeline(BaseModel):
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(
        _("names per language"), default=dict, blank=True, validators=[validate_names], help_text=NAMES_HELP
    )
    is_default = models.BooleanField(_("default"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pipeline")
        verbose_name_plural = _("pipelines")

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return display_name(self.names, self.name, language)


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")
    OMITTED = "omitted", _("Omitted")


class Stage(BaseModel):
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="stages", verbose_name=_("pipeline")
    )
    name = models.CharField(_("name"), max_length=120)
    names = models.JSONField(
        _("names per language"), default=dict, blank=True, validators=[validate_names], help_text=NAMES_HELP
    )
    order = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"))
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), validators=[MaxValueValidator(100)], default=10
    )
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=16,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    is_won = models.BooleanField(_("won"), default=False)
    is_lost = models.BooleanField(_("lost"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["pipeline_id", "order"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, language: str | None = None) -> str:
        return display_name(self.names, self.name, language)

    @property
    def is_closed(self) -> bool:
        return self.is_won or self.is_lost


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan")
    USD = "USD", _("US dollar")
    EUR = "EUR", _("Euro")
    HKD = "HKD", _("Hong Kong dollar")
    JPY = "JPY", _("Japanese yen")


class Opportunity(TaggedCustomRecord, BaseModel):
    visibility_owner = "owner"
    visibility_account = "account"
    custom_object_type = "opportunity"
    value_labels = {"source": LeadSource}

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="opportunities", verbose_name=_("account")
    )
    name = models.CharField(_("name"), max_length=200)
    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("pipeline")
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("stage")
    )
    amount = models.DecimalField(_("amount"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    expected_close_date = models.DateField(_("expected close date"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_opportunities",
        verbose_name=_("owner"),
    )
    source = models.CharField(_("source"), max_length=60, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=255, blank=True)
    competitors = models.CharField(_("competitors"), max_length=255, blank=True)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    custom = models.JSONField(_("custom fields"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        indexes = [
            models.Index(fields=["owner", "deleted_at"]),
            # The board reads each column in close-date order: with the date in the index a column's
            # first cards are an index walk, not a sort of every deal in the stage. The trailing
            # columns let the board's and the dashboard's per-stage totals (and the visibility
            # test) be answered from the index alone, without a table read per deal.
            models.Index(
                fields=[
                    "stage",
                    "deleted_at",
                    "expected_close_date",
                    "pipeline",
                    "closed_at",
                    "owner",
                    "account",
                    "amount",
                ],
                name="crm_opp_stage_board_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_source_display(self) -> str:
        return source_label(self.source)


class StageChange(models.Model):
    """One move of an opportunity between stages: the raw material of funnel analytics."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY)
    changed_at = models.DateTimeField(_("changed at"), db_index=True)
    changed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} → {self.to_stage_id}"


class Product(BaseModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    product_line = models.CharField(_("product line"), max_length=60, blank=True, db_index=True)
    unit_price = models.DecimalField(
        _("unit price"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class OpportunityLine(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(0)], **MONEY)
    discount_pct = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return (
            self.quantity * self.unit_price * (Decimal("100") - self.discount_pct) / Decimal("100")
        ).quantize(Decimal("0.01"))


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    EMAIL = "email", _("Email")
    TASK = "task", _("Task")


class Activity(BaseModel):
    visibility_owner = "owner"
    visibility_account = "account"

    kind = models.CharField(_("type"), max_length=16, choices=ActivityKind.choices, default=ActivityKind.CALL)
    subject = models.CharField(_("subject"), max_length=200)
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("account"),
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("contact"),
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("opportunity"),
    )
    lead = models.ForeignKey(
        Lead,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("lead"),
    )
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_activities",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["owner", "deleted_at", "due_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class OrderStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class Order(BaseModel):
    visibility_owner = "owner"
    visibility_account = "account"

    number = models.CharField(_("number"), max_length=40, unique=True)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="orders", verbose_name=_("account")
    )
    opportunity = models.ForeignKey(
        Opportunity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
        verbose_name=_("opportunity"),
    )
    owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_orders",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.BOOKED
    )
    order_date = models.DateField(_("order date"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    total = models.DecimalField(_("total"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [models.Index(fields=["account", "order_date"])]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(0)], **MONEY)
    amount = models.DecimalField(_("amount"), validators=[MinValueValidator(0)], **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class PriceList(BaseModel):
    """Prices for a market or a channel; a quote takes its unit prices from one, else from the
    product's list price. Reference data: read by everyone, written by sales ops and admin."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    active = models.BooleanField(_("active"), default=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(0)], **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price list item")
        verbose_name_plural = _("price list items")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product"], name="crm_price_list_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.price_list_id}: {self.product_id}"


class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class QuoteLanguage(models.TextChoices):
    ZH = "zh-hans", _("Simplified Chinese")
    EN = "en", _("English")


class Quote(BaseModel):
    """A priced offer built from an opportunity's lines. Discounts above the approval threshold
    need a manager's approval before the quote can be sent."""

    visibility_owner = "owner"
    visibility_account = "account"

    number = models.CharField(_("number"), max_length=40, unique=True)
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("opportunity")
    )
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("account"))
    contact = models.ForeignKey(
        "Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes", verbose_name=_("contact")
    )
    owner = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_quotes", verbose_name=_("owner")
    )
    price_list = models.ForeignKey(
        PriceList, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes", verbose_name=_("price list")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT, db_index=True
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    language = models.CharField(
        _("document language"), max_length=8, choices=QuoteLanguage.choices, default=QuoteLanguage.ZH
    )
    valid_until = models.DateField(_("valid until"))
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    subtotal = models.DecimalField(_("subtotal"), default=Decimal("0"), **MONEY)
    discount_total = models.DecimalField(_("discount"), default=Decimal("0"), **MONEY)
    total = models.DecimalField(_("total"), default=Decimal("0"), **MONEY)
    max_discount_pct = models.DecimalField(
        _("largest discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    approved_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("approved by")
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_to = models.EmailField(_("sent to"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [models.Index(fields=["opportunity", "deleted_at"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_editable(self) -> bool:
        return self.status in (QuoteStatus.DRAFT, QuoteStatus.PENDING, QuoteStatus.APPROVED)

    @staticmethod
    def approval_threshold() -> Decimal:
        """The largest line discount (per cent) a rep may send without approval: the one place
        ``OPENSRM_QUOTE_APPROVAL_DISCOUNT`` is read."""
        return Decimal(str(settings.OPENSRM["QUOTE_APPROVAL_DISCOUNT"]))

    @property
    def needs_approval(self) -> bool:
        """A line discount above the approval threshold needs approval."""
        return self.max_discount_pct > self.approval_threshold()


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    description = models.CharField(_("description"), max_length=255, blank=True)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    unit_price = models.DecimalField(_("unit price"), validators=[MinValueValidator(0)], **MONEY)
    discount_pct = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = models.DecimalField(_("amount"), default=Decimal("0"), **MONEY)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"

    @property
    def gross(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class CustomFieldObject(models.TextChoices):
    ACCOUNT = "account", _("Account")
    CONTACT = "contact", _("Contact")
    LEAD = "lead", _("Lead")
    OPPORTUNITY = "opportunity", _("Opportunity")


class CustomFieldDefinition(BaseModel):
    """A field an administrator adds to accounts, contacts, leads or opportunities.

    The value lives in the record's ``custom`` under ``key``. ``choices`` (choice fields only) is
    a list of ``{"value": code, "en": label, "zh-hans": label}``. The key and the object type
    cannot change once created: stored values and saved list filters refer to them.
    """

    # A reference record: everyone reads the definitions, admin and sales ops change them.
    visibility_owner = None
    visibility_account = None

    object_type = models.CharField(_("record type"), max_length=16, choices=CustomFieldObject.choices)
    key = models.CharField(
        _("key"),
        max_length=40,
        validators=[
            RegexValidator(
                CUSTOM_KEY_PATTERN,
                _("Use lower-case letters, digits and single underscores, starting with a letter."),
                code="invalid_key",
            )
        ],
        help_text=_("e.g. contract_type; cannot be changed later"),
    )
    label_en = models.CharField(_("label (English)"), max_length=80)
    label_zh = models.CharField(_("label (Chinese)"), max_length=80, blank=True)
    field_type = models.CharField(_("type"), max_length=16, choices=CustomFieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(pgettext_lazy("position in a list", "order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["object_type", "order", "key"]
        constraints = [models.UniqueConstraint(fields=["object_type", "key"], name="uniq_custom_field_key")]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        lang = (language or get_language() or "").lower()
        return (self.label_zh if lang.startswith("zh") else "") or self.label_en

    def choice_options(self, language: str | None = None) -> list[tuple[str, str]]:
        lang = (language or get_language() or "").lower()
        zh = lang.startswith("zh")
        out = []
        for c in self.choices or []:
            if isinstance(c, dict) and "value" in c:
                text = (c.get("zh-hans") if zh else "") or c.get("en") or c["value"]
                out.append((str(c["value"]), str(text)))
        return out

    def clean(self) -> None:
        super().clean()
        others = CustomFieldDefinition.objects.filter(object_type=self.object_type, key=self.key)
        taken = others.exclude(pk=self.pk).exists()
        clean_definition(self, key_taken=taken)


def active_definitions(object_type: str) -> list[CustomFieldDefinition]:
    """The active custom field definitions of ``object_type``, in their order."""
    found = CustomFieldDefinition.objects.filter(object_type=object_type, is_active=True)
    return list(found.order_by("order", "key"))
