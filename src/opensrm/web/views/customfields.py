"""Settings: the custom fields of accounts, contacts, leads and opportunities (admin and sales ops).

Writes go through :mod:`opensrm.crm.services.customfields` (version and history naming the
actor). A field's key and record type are fixed once it exists; deactivating a field takes it
out of the forms, lists and checks while the stored values stay.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.crm.models import CustomFieldDefinition, CustomFieldObject, CustomFieldType
from opensrm.crm.services.customfields import definition_create, definition_set_active, definition_update
from opensrm.people.models import Role, User
from opensrm.web.forms import domain_errors_to_form
from opensrm.web.views.base import crumbs, posted_version


def may_manage_fields(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role in (Role.ADMIN, Role.SALES_OPS)))


def _require(user: User) -> None:
    if not may_manage_fields(user) or user.is_read_only:
        raise DjangoPermissionDenied(_("Only administrators and sales ops manage custom fields."))


def choices_to_text(choices: list[dict[str, str]]) -> str:
    return "\n".join(" | ".join([c.get("value", ""), c.get("en", ""), c.get("zh-hans", "")]) for c in choices)


def text_to_choices(text: str) -> list[dict[str, str]]:
    """One choice a line: ``code | English label | 中文标签`` (the labels default to the code)."""
    out = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if not parts[0]:
            continue
        value = parts[0]
        en = parts[1] if len(parts) > 1 and parts[1] else value
        zh = parts[2] if len(parts) > 2 else ""
        out.append({"value": value, "en": en, "zh-hans": zh})
    return out


class CustomFieldForm(forms.Form):
    object_type = forms.ChoiceField(choices=CustomFieldObject.choices, label=gettext_lazy("Record type"))
    key = forms.CharField(
        max_length=40,
        label=gettext_lazy("Key"),
        help_text=gettext_lazy("e.g. contract_type: lower-case letters, digits, underscores; cannot be changed later"),
    )
    label_en = forms.CharField(max_length=80, label=gettext_lazy("Label (English)"))
    label_zh = forms.CharField(max_length=80, required=False, label=gettext_lazy("Label (Chinese)"))
    field_type = forms.ChoiceField(choices=CustomFieldType.choices, label=gettext_lazy("Type"))
    choices = forms.CharField(
        required=False,
        max_length=5000,
        label=gettext_lazy("Choices"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Choice fields only: one a line, as code | English label | Chinese label"),
    )
    required = forms.BooleanField(required=False, label=gettext_lazy("Required"))
    order = forms.IntegerField(min_value=0, max_value=999, initial=0, label=gettext_lazy("Order"))
    is_active = forms.BooleanField(required=False, initial=True, label=gettext_lazy("Active"))

    def __init__(self, *args: Any, definition: CustomFieldDefinition | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        if definition is not None:
            for name in ("object_type", "key"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Cannot be changed after the field is created.")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = text_to_choices(data.get("choices", ""))
        data["key"] = data["key"].strip()
        if self.definition is not None:
            data.pop("object_type")
            data.pop("key")
        return data


def _initial(d: CustomFieldDefinition) -> dict[str, Any]:
    return {
        "object_type": d.object_type,
        "key": d.key,
        "label_en": d.label_en,
        "label_zh": d.label_zh,
        "field_type": d.field_type,
        "choices": choices_to_text(d.choices or []),
        "required": d.required,
        "order": d.order,
        "is_active": d.is_active,
    }


def _title() -> str:
    return _("Custom fields")


@login_required
def custom_field_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(request.user)
    groups = []
    rows = list(CustomFieldDefinition.objects.order_by("object_type", "order", "key"))
    for value, label in CustomFieldObject.choices:
        groups.append((label, [d for d in rows if d.object_type == value]))
    return render(
        request,
        "web/settings_custom_fields.html",
        {"groups": groups, "title": _title(), "breadcrumbs": crumbs((_("Settings"), ""), (_title(), ""))},
    )


@login_required
def custom_field_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    actor = request.user
    _require(actor)
    definition = CustomFieldDefinition.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and definition is None:
        raise Http404(_("The record does not exist."))
    status = 200
    if request.method == "POST":
        form = CustomFieldForm(
            request.POST, definition=definition, initial=_initial(definition) if definition else None
        )
        if form.is_valid():
            try:
                if definition is None:
                    definition = definition_create(actor=actor, data=form.service_data())
                else:
                    definition = definition_update(
                        definition=definition,
                        actor=actor,
                        data=form.service_data(),
                        expected_version=posted_version(request),
                    )
            except DomainError as exc:
                domain_errors_to_form(form, exc)
            else:
                messages.success(request, _("Custom field “%(name)s” saved.") % {"name": definition.label()})
                return HttpResponseRedirect(reverse("web:customfield_list"))
        status = 422
    else:
        form = CustomFieldForm(definition=definition, initial=_initial(definition) if definition else None)
    title = _("Edit %(name)s") % {"name": definition.label()} if definition else _("New custom field")
    return render(
        request,
        "web/settings_form.html",
        {
            "form": form,
            "title": title,
            "version": definition.version if definition else "",
            "cancel_url": reverse("web:customfield_list"),
            "submit_label": _("Save"),
            "breadcrumbs": crumbs((_title(), reverse("web:customfield_list")), (title, "")),
        },
        status=status,
    )


@login_required
@require_POST
def custom_field_toggle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Deactivate an active field or reactivate an inactive one."""
    actor = request.user
    _require(actor)
    definition = CustomFieldDefinition.objects.filter(pk=pk).first()
    if definition is None:
        raise Http404(_("The record does not exist."))
    try:
        definition = definition_set_active(
            definition=definition,
            actor=actor,
            active=not definition.is_active,
            expected_version=posted_version(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        text = _("“%(name)s” is active again.") if definition.is_active else _("“%(name)s” deactivated.")
        messages.success(request, text % {"name": definition.label()})
    return HttpResponseRedirect(reverse("web:customfield_list"))
