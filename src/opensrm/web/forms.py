"""Forms of the pages. They parse and validate input; the services decide and write."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from opensrm.core.errors import DomainError
from opensrm.core.visibility import manager_subtree_users, visible
from opensrm.crm.models import Account, Activity, Contact, Lead, Opportunity, Pipeline, Stage
from opensrm.people.models import User


class LookupWidget(forms.Widget):
    """A search-as-you-type picker for big tables: a hidden id plus a text box (static/web/app.js)."""

    template_name = "web/widgets/lookup.html"

    def __init__(self, lookup: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.lookup = lookup
        self.queryset: Any = None  # set by LookupField: the records the user may pick

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["lookup_url"] = reverse("web:lookup", args=[self.lookup])
        context["widget"]["label"] = self.label_for(value)
        return context

    def label_for(self, value: Any) -> str:
        """The chosen record's name, also when a form with errors comes back with only its id."""
        if isinstance(value, Model):
            return str(value)
        if value in (None, "") or self.queryset is None:
            return ""
        try:
            target = self.queryset.filter(pk=value).first()
        except (TypeError, ValueError, DjangoValidationError):
            return ""
        return str(target) if target is not None else ""


class LookupField(forms.ModelChoiceField):
    def __init__(self, queryset: Any, lookup: str, **kwargs: Any) -> None:
        super().__init__(queryset, widget=LookupWidget(lookup), **kwargs)
        self.widget.queryset = queryset  # type: ignore[attr-defined]


class IsoDateInput(forms.DateInput):
    """A browser date picker reads and writes only YYYY-MM-DD, whatever the page's language
    (the Chinese input format 2026/12/30 would show as an empty box)."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def use_browser_widgets(form: forms.BaseForm) -> None:
    """Dates, times and numbers in the formats the browser's own inputs need, in every language."""
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField):
            field.widget = DateTimeLocalInput(attrs=field.widget.attrs)
        elif isinstance(field, forms.DateField):
            field.widget = IsoDateInput(attrs=field.widget.attrs)
        elif isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
            # A localised number input would carry thousands separators or a decimal comma.
            field.localize = False
            field.widget.is_localized = False


def owner_queryset(user: User) -> Any:
    return manager_subtree_users(user).order_by("display_name", "username")


class RecordForm(forms.ModelForm):
    """Adds the optimistic version and restricts every choice to what the user may see."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    lookups: dict[str, tuple[type, str]] = {}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        for name, (model, lookup) in self.lookups.items():
            if name in self.fields:
                old = self.fields[name]
                self.fields[name] = LookupField(
                    visible(user, model.objects.all()), lookup, required=old.required, label=old.label
                )
        use_browser_widgets(self)
        if "owner" in self.fields:
            self.fields["owner"].queryset = owner_queryset(user)
            # An ownerless record is visible only to the company-wide roles, so a rep would lose it.
            self.fields["owner"].required = True
            if not self.instance.pk:
                self.fields["owner"].initial = user.pk

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def add_domain_error(self, exc: DomainError) -> None:
        """Put each service error beside its field; the rest above the form."""
        if not exc.field_errors:
            self.add_error(None, exc.message)
        for name, messages in exc.field_errors.items():
            target = name if name in self.fields and name != "version" else None
            for message in messages:
                self.add_error(
                    target, message if target else f"{name}: {message}" if name != "__all__" else message
                )


class AccountForm(RecordForm):
    class Meta:
        model = Account
        fields = [
            "name",
            "industry",
            "status",
            "tier",
            "employees",
            "annual_revenue",
            "country",
            "province",
            "city",
            "address",
            "website",
            "phone",
            "owner",
        ]


class ContactForm(RecordForm):
    lookups = {"account": (Account, "account")}

    class Meta:
        model = Contact
        fields = ["name", "account", "title", "email", "phone", "wechat", "is_primary", "owner"]


class LeadForm(RecordForm):
    class Meta:
        model = Lead
        fields = [
            "name",
            "company",
            "title",
            "email",
            "phone",
            "source",
            "industry",
            "country",
            "province",
            "city",
            "estimated_value",
            "status",
            "owner",
        ]


class OpportunityForm(RecordForm):
    lookups = {"account": (Account, "account")}

    class Meta:
        model = Opportunity
        fields = [
            "name",
            "account",
            "pipeline",
            "stage",
            "amount",
            "currency",
            "expected_close_date",
            "source",
            "lost_reason",
            "competitors",
            "owner",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = Stage.objects.select_related("pipeline").order_by(
            "pipeline_id", "order"
        )
        self.fields["stage"].required = False
        self.fields["stage"].label_from_instance = lambda s: f"{s.pipeline} · {s}"
        self.fields["pipeline"].queryset = Pipeline.objects.order_by("-is_default", "name")
        if not self.instance.pk:
            default = Pipeline.objects.filter(is_default=True).first()
            self.fields["pipeline"].initial = default.pk if default else None

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if data.get("stage") is None:
            data.pop("stage", None)
        return data


class ActivityForm(RecordForm):
    lookups = {
        "account": (Account, "account"),
        "opportunity": (Opportunity, "opportunity"),
        "contact": (Contact, "contact"),
        "lead": (Lead, "lead"),
    }

    class Meta:
        model = Activity
        fields = [
            "kind",
            "subject",
            "due_at",
            "duration_minutes",
            "account",
            "contact",
            "opportunity",
            "lead",
            "outcome",
            "notes",
            "owner",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class LeadConvertForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    account = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label=_("Existing account"),
        help_text=_("Leave empty to create a new account from the lead's company."),
    )
    create_opportunity = forms.BooleanField(required=False, initial=True, label=_("Create an opportunity"))
    opportunity_name = forms.CharField(max_length=200, required=False, label=_("Opportunity name"))
    amount = forms.DecimalField(
        max_digits=16, decimal_places=2, required=False, min_value=0, label=_("Amount")
    )
    expected_close_date = forms.DateField(
        required=False, label=_("Expected close date"), widget=IsoDateInput()
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"] = LookupField(
            visible(user, Account.objects.all()),
            "account",
            required=False,
            label=self.fields["account"].label,
            help_text=self.fields["account"].help_text,
        )


def _time_zones() -> list[tuple[str, str]]:
    return [("", _("Server default"))] + [(z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z]


class PreferencesForm(forms.Form):
    display_name = forms.CharField(max_length=120, required=False, label=_("Display name"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    language = forms.ChoiceField(required=False, label=_("Language"))
    time_zone = forms.ChoiceField(required=False, label=_("Time zone"), choices=_time_zones)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Browser default")), *settings.LANGUAGES]
