"""The CRM record forms: what the account, contact, lead, opportunity and activity pages edit.

The shared form machinery (``RecordForm``, lookups, date inputs, custom fields) is the web shell's.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opensrm.core.visibility import visible
from opensrm.crm.models import Account, Activity, Contact, Lead, Opportunity, Pipeline, Stage
from opensrm.people.models import User
from opensrm.web.forms import IsoDateInput, LookupField, RecordForm, form_field


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
    confirm_past_close = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label=_("Yes, this deal's close date is in the past")
    )

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
        stage = form_field(self, "stage", forms.ModelChoiceField)
        stage.queryset = Stage.objects.select_related("pipeline").order_by("pipeline_id", "order")
        stage.required = False
        stage.label_from_instance = lambda s: f"{s.pipeline} · {s}"  # type: ignore[assignment]  # this field's own labels
        form_field(self, "pipeline", forms.ModelChoiceField).queryset = Pipeline.objects.order_by("-is_default", "name")
        # the confirmation sits right under the date it confirms
        names = list(self.fields)
        names.remove("confirm_past_close")
        names.insert(names.index("expected_close_date") + 1, "confirm_past_close")
        self.order_fields(names)
        if not self.instance.pk:
            default = Pipeline.objects.filter(is_default=True).first()
            self.fields["pipeline"].initial = default.pk if default else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        close = data.get("expected_close_date")
        stage = data.get("stage") or (self.instance.stage if self.instance.pk else None)
        still_open = stage is None or not (stage.is_won or stage.is_lost)
        changed = not self.instance.pk or "expected_close_date" in self.changed_data
        if close and still_open and changed and close < timezone.localdate() and not data.get("confirm_past_close"):
            self.add_error(
                "expected_close_date",
                _("This date is in the past and the deal is still open. Correct it, or tick the box below to keep it."),
            )
            self.fields["confirm_past_close"].widget = forms.CheckboxInput()
        return data

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
    amount = forms.DecimalField(max_digits=16, decimal_places=2, required=False, min_value=0, label=_("Amount"))
    expected_close_date = forms.DateField(required=False, label=_("Expected close date"), widget=IsoDateInput())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"] = LookupField(
            visible(user, Account.objects.all()),
            "account",
            required=False,
            label=self.fields["account"].label,
            help_text=self.fields["account"].help_text,
        )
