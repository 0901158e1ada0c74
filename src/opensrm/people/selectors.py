"""Reads for the organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from opensrm.core.errors import ValidationFailed
from opensrm.core.visibility import visible
from opensrm.people.models import User


def reference_or_error(model: type[Model], pk: Any, field: str, *, user: User | None = None) -> Any:
    """The ``model`` row ``pk`` named by input ``field``, or a 422 on that field.

    With ``user``, a row they may not see is reported exactly like a missing one.
    """
    if pk is None:
        return None
    qs = model._default_manager.filter(pk=pk)
    obj = (visible(user, qs) if user is not None else qs).first()
    if obj is None:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={field: [_("Select a valid choice: the record does not exist.")]},
        )
    return obj
