"""Tags and custom field values: the pure rules (no database, no services), read by the models'
``clean()``, the schemas' filters and the services alike.

Tags are a list of short labels: trimmed, inner whitespace collapsed, de-duplicated without
regard to case (the first spelling stays), each at most :data:`MAX_TAG_LENGTH` characters.
A custom field's value is checked against its definition's type; see
``crm/services/customfields.py`` for defining fields.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:  # the models import this module
    from opensrm.crm.models import CustomFieldDefinition


class CustomFieldType(models.TextChoices):
    TEXT = "text", gettext_lazy("Text")
    NUMBER = "number", gettext_lazy("Number")
    DATE = "date", gettext_lazy("Date")
    BOOLEAN = "boolean", gettext_lazy("Yes/no")
    CHOICE = "choice", gettext_lazy("Choice")


CUSTOM_KEY_PATTERN = r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"

MAX_TAG_LENGTH = 40
MAX_TAGS = 30
MAX_TEXT_LENGTH = 500
NUMBER_LIMIT = 1e15
# What separates tags typed into one box: commas (also the Chinese ，and 、), semicolons, spaces.
TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")


# --- tags ---------------------------------------------------------------------------------------
def normalise_tag(value: Any) -> str:
    return " ".join(str(value).split())[:MAX_TAG_LENGTH].strip()


def normalise_tags(values: Iterable[Any]) -> list[str]:
    """Trimmed, whitespace collapsed, capped in length, without empties or case-insensitive repeats."""
    out: list[str] = []
    seen: set[str] = set()
    for value in values:
        tag = normalise_tag(value)
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            out.append(tag)
    return out


def parse_tags(text: str) -> list[str]:
    """The tags typed into one box, e.g. ``"VIP, 重点客户、华东"``."""
    return normalise_tags(TAG_SEPARATORS.split(text or ""))


def tag_q(tag: str, field: str = "tags") -> Q:
    """Records whose ``field`` holds ``tag`` as a whole tag (case-insensitive): "VIP" does not
    match "VIP-old". Matched as a quoted element of the stored JSON text; SQLite keeps non-ASCII
    escaped (\\uXXXX), PostgreSQL as written, so both spellings are tried."""
    tag = normalise_tag(tag)
    return Q(**{f"{field}__icontains": json.dumps(tag)}) | Q(
        **{f"{field}__icontains": json.dumps(tag, ensure_ascii=False)}
    )


def with_tag(tags: Iterable[str], tag: str) -> list[str]:
    return normalise_tags([*tags, tag])


def without_tag(tags: Iterable[str], tag: str) -> list[str]:
    key = normalise_tag(tag).casefold()
    return [t for t in normalise_tags(tags) if t.casefold() != key]


# --- custom field values ------------------------------------------------------------------------
def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def clean_value(definition: CustomFieldDefinition, value: Any) -> Any:
    """``value`` checked against ``definition`` (as stored in JSON); raises ValidationError."""
    if is_empty(value):
        return None
    kind = definition.field_type
    if kind == CustomFieldType.TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Enter text."), code="invalid")
        if len(value) > MAX_TEXT_LENGTH:
            raise ValidationError(_("Enter at most %(n)s characters.") % {"n": MAX_TEXT_LENGTH}, code="max_length")
        return value
    if kind == CustomFieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValidationError(_("Enter a number."), code="invalid")
        if abs(value) >= NUMBER_LIMIT:
            raise ValidationError(_("Enter a number below 1,000,000,000,000,000."), code="max_value")
        return value
    if kind == CustomFieldType.DATE:
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD."), code="invalid") from None
        return value
    if kind == CustomFieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValidationError(_("Enter true or false."), code="invalid")
        return value
    if kind == CustomFieldType.CHOICE:
        allowed = [v for v, _label in definition.choice_options()]
        if not isinstance(value, str) or value not in allowed:
            raise ValidationError(
                _("Select one of: %(choices)s.") % {"choices": ", ".join(allowed)}, code="invalid_choice"
            )
        return value
    return value


def clean_record(obj: Model, definitions: Iterable[CustomFieldDefinition]) -> None:
    """Normalise ``obj.tags`` and check ``obj.custom`` against the active definitions.

    A required field must have a value when the record is created and cannot be emptied later
    (records that existed before the field was defined keep working until someone fills it).
    A value left as stored is not checked again, so a record written before a field's type or
    choices changed still saves. Errors are named ``tags`` and ``custom.<key>``. ``definitions``
    are the active definitions of ``obj``'s record type (the model reads them).
    """
    errors: dict[str, list[ValidationError]] = {}
    if hasattr(obj, "tags"):
        tags = obj.tags
        if tags is None:
            tags = []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            errors["tags"] = [ValidationError(_("Give the tags as a list of texts."), code="invalid")]
        else:
            obj.tags = normalise_tags(tags)
            if len(obj.tags) > MAX_TAGS:
                errors["tags"] = [ValidationError(_("Give at most %(n)s tags.") % {"n": MAX_TAGS}, code="max_tags")]
    custom = getattr(obj, "custom", None)
    if custom is None:
        custom = obj.custom = {}  # type: ignore[attr-defined]
    if not isinstance(custom, dict):
        errors["custom"] = [ValidationError(_("Give the custom fields as an object."), code="invalid")]
    else:
        adding = obj._state.adding
        stored = getattr(obj, "_stored_custom", None) or {}
        for definition in definitions:
            name = f"custom.{definition.key}"
            present = definition.key in custom
            value = custom.get(definition.key)
            if definition.required and is_empty(value) and (adding or present):
                errors[name] = [ValidationError(_("This field is required."), code="required")]
                continue
            if not present or (not adding and definition.key in stored and stored[definition.key] == value):
                continue
            try:
                cleaned = clean_value(definition, value)
            except ValidationError as exc:
                errors[name] = [exc]
            else:
                if cleaned is None:
                    custom.pop(definition.key)
                else:
                    custom[definition.key] = cleaned
    if errors:
        raise ValidationError(errors)


# --- definitions --------------------------------------------------------------------------------
def _choice_errors(choices: Any) -> list[str]:
    if not isinstance(choices, list) or not choices:
        return [_("Give at least one choice.")]
    seen: set[str] = set()
    for c in choices:
        value = c.get("value") if isinstance(c, dict) else None
        en = c.get("en") if isinstance(c, dict) else None
        zh = c.get("zh-hans", "") if isinstance(c, dict) else ""
        if not isinstance(value, str) or not 0 < len(value) <= 40 or "," in value:
            return [_("Each choice needs a code of 1 to 40 characters, without commas.")]
        if not isinstance(en, str) or not 0 < len(en) <= 80 or not isinstance(zh, str) or len(zh) > 80:
            return [_("Each choice needs an English label (up to 80 characters); the Chinese one is optional.")]
        if value in seen:
            return [_("The choice “%(value)s” is listed twice.") % {"value": value}]
        seen.add(value)
    return []


def clean_definition(definition: CustomFieldDefinition, *, key_taken: bool) -> None:
    """Check a definition's choices and key; ``key_taken``: another definition of the same record
    type has this key (the model asks the database)."""
    errors: dict[str, list[str]] = {}
    if definition.field_type == CustomFieldType.CHOICE:
        problems = _choice_errors(definition.choices)
        if problems:
            errors["choices"] = problems
    else:
        definition.choices = []
    if definition.key and not re.match(CUSTOM_KEY_PATTERN, definition.key):
        errors["key"] = [_("Use lower-case letters, digits and single underscores, starting with a letter.")]
    elif key_taken:
        errors["key"] = [_("This record type already has a field with this key.")]
    if errors:
        raise ValidationError(errors)
