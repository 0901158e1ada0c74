"""Forms of the pages. They parse and validate input; the services decide and write."""

from __future__ import annotations

import zoneinfo
from decimal import Decimal
from typing import Any, TypeVar

import phonenumbers
from babel import Locale
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator
from django.db.models import Model
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from opensrm.core.errors import DomainError
from opensrm.core.models import BaseModel
from opensrm.core.visibility import manager_subtree_users, visible
from opensrm.crm.customfields import MAX_TEXT_LENGTH, NUMBER_LIMIT, parse_tags
from opensrm.crm.models import CustomFieldDefinition, CustomFieldType
from opensrm.crm.services.customfields import definitions
from opensrm.people.models import User

FieldT = TypeVar("FieldT", bound=forms.Field)


def form_field(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """``form``'s field ``name``, checked to be a ``kind`` (a form's fields are typed as plain ``Field``)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{type(form).__name__}.{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


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
        self.widget.queryset = queryset


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


# Human limits for numbers (the database's own, 9223372036854775807 or 16 digits, mean
# nothing to a user). Money: up to a trillion, two decimals.
MONEY_LIMIT = Decimal("999999999999.99")
INTEGER_LIMITS = {"employees": 10_000_000, "duration_minutes": 10_080}


def _money_messages(field: forms.DecimalField) -> None:
    too_big = _("Enter an amount from 0 to %(limit)s.") % {"limit": "999,999,999,999.99"}
    field.error_messages.update(
        {
            "max_digits": too_big,
            "max_whole_digits": too_big,
            "max_decimal_places": _("Use at most 2 decimal places."),
            "min_value": too_big,
            "max_value": too_big,
        }
    )
    field.validators = [
        v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator | DecimalValidator)
    ] + [
        MinValueValidator(0, message=too_big),
        MaxValueValidator(MONEY_LIMIT, message=too_big),
        DecimalValidator(None, 2),
    ]
    field.min_value = 0
    field.max_value = MONEY_LIMIT  # type: ignore[assignment]  # the stubs give DecimalField IntegerField's int
    field.widget.attrs.update(min="0", max=str(MONEY_LIMIT), step="0.01")


def _integer_limit(field: forms.IntegerField, limit: int) -> None:
    message = _("Enter a whole number from 0 to %(limit)s.") % {"limit": f"{limit:,}"}
    field.validators = [v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)] + [
        MinValueValidator(0, message=message),
        MaxValueValidator(limit, message=message),
    ]
    field.min_value, field.max_value = 0, limit
    field.widget.attrs.update(min="0", max=str(limit))


def _territories() -> dict[str, str]:
    """Country names in both languages (and the codes themselves), lower-cased, to ISO codes."""
    names: dict[str, str] = {}
    for locale in ("en", "zh_Hans", "zh_Hant"):
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.casefold()] = code
                names[code.casefold()] = code
    names.update({"prc": "CN", "usa": "US", "uk": "GB", "中华人民共和国": "CN"})
    return names


_COUNTRIES: dict[str, str] = {}


def country_code(text: str) -> str | None:
    if not _COUNTRIES:
        _COUNTRIES.update(_territories())
    return _COUNTRIES.get(text.strip().casefold())


def clean_phone(text: str) -> str:
    """Chinese mobiles and landlines without a prefix, anything else in international form."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(
            _("Enter a phone number, e.g. 138 0013 8000, 021 6234 5678 or +1 415 555 0100."), code="phone"
        )
    return text


def add_human_checks(form: forms.BaseForm) -> None:
    """The checks every record form shares: ISO country, URL, phone, money and count limits."""
    for name, field in list(form.fields.items()):
        if isinstance(field, forms.DecimalField) and field.decimal_places == 2:
            _money_messages(field)
        elif isinstance(field, forms.IntegerField) and name in INTEGER_LIMITS:
            _integer_limit(field, INTEGER_LIMITS[name])
    if "country" in form.fields:
        old = form.fields["country"]
        # wider than the stored two letters, so a name ("China", "中国") can be typed and mapped
        form.fields["country"] = forms.CharField(
            max_length=80,
            required=old.required,
            label=old.label,
            initial=old.initial,
            help_text=_("ISO code such as CN, or the country's name"),
        )
    if "website" in form.fields:
        old = form.fields["website"]
        form.fields["website"] = forms.URLField(
            max_length=200,
            required=old.required,
            label=old.label,
            assume_scheme="https",
            error_messages={"invalid": _("Enter a web address, e.g. www.example.com.")},
        )


class TagsInput(forms.TextInput):
    """One text box for all tags, the current ones shown as chips beside it."""

    template_name = "web/widgets/tags.html"

    def __init__(self, tags: list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.tags = tags

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        text = value if isinstance(value, str) else ""
        # The stored tags as they are (one may hold a space); what was typed, as it will be split.
        context["widget"]["chips"] = self.tags if text == ", ".join(self.tags) else parse_tags(text)
        return context


def tags_field(tags: list[str] | None) -> forms.CharField:
    tags = list(tags or [])
    return forms.CharField(
        required=False,
        max_length=2000,
        label=_("Tags"),
        initial=", ".join(tags),
        help_text=_("Separate tags with commas or spaces (Chinese commas work too)"),
        widget=TagsInput(tags, attrs={"autocomplete": "off"}),
    )


YES_NO = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


def custom_form_field(definition: CustomFieldDefinition) -> forms.Field:
    """The form field for one custom field definition, labelled in the active language."""
    common: dict[str, Any] = {"required": definition.required, "label": definition.label()}
    kind = definition.field_type
    if kind == CustomFieldType.NUMBER:
        limit = NUMBER_LIMIT - 1
        return forms.FloatField(min_value=-limit, max_value=limit, **common)
    if kind == CustomFieldType.DATE:
        return forms.DateField(widget=IsoDateInput(), **common)
    if kind == CustomFieldType.BOOLEAN:
        return forms.ChoiceField(choices=YES_NO, **common)
    if kind == CustomFieldType.CHOICE:
        return forms.ChoiceField(choices=[("", "—"), *definition.choice_options()], **common)
    return forms.CharField(max_length=MAX_TEXT_LENGTH, **common)


def custom_initial(definition: CustomFieldDefinition, value: Any) -> Any:
    if value is None:
        return None
    if definition.field_type == CustomFieldType.BOOLEAN:
        return "true" if value is True else "false" if value is False else None
    return value


def custom_stored(definition: CustomFieldDefinition, value: Any) -> Any:
    """A form value as it is kept in ``custom`` (JSON); None for empty."""
    if value in (None, ""):
        return None
    kind = definition.field_type
    if kind == CustomFieldType.NUMBER:
        return int(value) if float(value).is_integer() else float(value)
    if kind == CustomFieldType.DATE:
        return value.isoformat()
    if kind == CustomFieldType.BOOLEAN:
        return value == "true"
    return value


def domain_errors_to_form(form: forms.Form, exc: DomainError) -> None:
    """Put each error of a service's refusal beside the field it names; an error of no field of
    the form (or of a hidden one, such as the version) goes above the form."""
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for name, messages in exc.field_errors.items():
        field = form.fields.get(name)
        target = name if field is not None and not field.widget.is_hidden else None
        for message in messages:
            form.add_error(target, message)


CUSTOM_PREFIX = "cf_"


def owner_queryset(user: User) -> Any:
    return manager_subtree_users(user).order_by("display_name", "username")


class RecordForm(forms.ModelForm):
    """Adds the optimistic version and restricts every choice to what the user may see."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    lookups: dict[str, tuple[type[BaseModel], str]] = {}

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
        self.custom_definitions: list[CustomFieldDefinition] = []
        object_type = getattr(self._meta.model, "custom_object_type", "")
        if object_type:
            stored = self.instance.custom or {}
            self.custom_definitions = definitions(object_type)
            for definition in self.custom_definitions:
                field = custom_form_field(definition)
                field.initial = custom_initial(definition, stored.get(definition.key))
                self.fields[CUSTOM_PREFIX + definition.key] = field
            self.fields["tags"] = tags_field(self.instance.tags)
        add_human_checks(self)
        use_browser_widgets(self)
        if "owner" in self.fields:
            form_field(self, "owner", forms.ModelChoiceField).queryset = owner_queryset(user)
            # An ownerless record is visible only to the company-wide roles, so a rep would lose it.
            self.fields["owner"].required = True
            if not self.instance.pk:
                self.fields["owner"].initial = user.pk

    def _update_errors(self, errors: DjangoValidationError) -> None:
        # The model's check of tags and custom values sees the stored ones here (the form's own
        # fields check what was typed); the service checks the values the form sends.
        if hasattr(errors, "error_dict"):
            kept = {k: v for k, v in errors.error_dict.items() if k not in ("tags", "custom")}
            kept = {k: v for k, v in kept.items() if not k.startswith("custom.")}
            if not kept:
                return
            errors = DjangoValidationError(kept)
        super()._update_errors(errors)  # type: ignore[misc]  # ModelForm's private hook, not in the stubs

    def clean_country(self) -> str:
        text = self.cleaned_data.get("country", "")
        if not text:
            return text
        code = country_code(text)
        if code is None:
            raise forms.ValidationError(
                _("Use the two-letter ISO code, e.g. CN for China or US for the United States."), code="country"
            )
        return code

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data.get("phone", ""))

    def service_data(self) -> dict[str, Any]:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in ("version", "confirm_past_close", "tags") and not k.startswith(CUSTOM_PREFIX)
        }
        if "tags" in self.fields and (not self.instance.pk or "tags" in self.changed_data):
            data["tags"] = parse_tags(self.cleaned_data.get("tags", ""))
        if self.custom_definitions:
            # Keys no active definition names (the allocation's own, deactivated fields) stay.
            custom = dict(self.instance.custom or {})
            for definition in self.custom_definitions:
                value = custom_stored(definition, self.cleaned_data.get(CUSTOM_PREFIX + definition.key))
                if value is None:
                    custom.pop(definition.key, None)
                else:
                    custom[definition.key] = value
            data["custom"] = custom
        return data

    def expected_version(self) -> int | None:
        return self.cleaned_data.get("version")

    def add_domain_error(self, exc: DomainError) -> None:
        """Put each service error beside its field; the rest above the form."""
        if not exc.field_errors:
            self.add_error(None, exc.message)
        for name, messages in exc.field_errors.items():
            if name.startswith("custom."):
                name = CUSTOM_PREFIX + name.removeprefix("custom.")
            target = name if name in self.fields and name != "version" else None
            for message in messages:
                self.add_error(target, message if target else f"{name}: {message}" if name != "__all__" else message)


def _time_zones() -> list[tuple[str, str | Promise]]:
    return [("", _("Server default"))] + [(z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z]


class PreferencesForm(forms.Form):
    display_name = forms.CharField(max_length=120, required=False, label=_("Display name"))
    email = forms.EmailField(required=False, label=_("E-mail"))
    language = forms.ChoiceField(required=False, label=_("Language"))
    time_zone = forms.ChoiceField(required=False, label=_("Time zone"), choices=_time_zones)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_field(self, "language", forms.ChoiceField).choices = [("", _("Browser default")), *settings.LANGUAGES]
