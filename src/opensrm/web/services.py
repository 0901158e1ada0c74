"""Writes the pages own: saved views, the columns chosen per list and the user's own preferences."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from opensrm.core.errors import NotFound, ValidationFailed
from opensrm.core.services import record_save
from opensrm.people.models import User
from opensrm.web.listing import default_columns
from opensrm.web.models import ListPreference, SavedView

PREFERENCE_FIELDS = ("display_name", "email", "language", "time_zone")


def user_preferences_update(*, user: User, data: dict[str, str]) -> User:
    """A user changes their own display name, e-mail, language or time zone."""
    unknown = set(data) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={k: [_("Unknown field.")] for k in unknown}
        )
    for name, value in data.items():
        setattr(user, name, value)
    return record_save(user, actor=user, fields=list(data))


def saved_view_create(*, user: User, page: str, name: str, querystring: str) -> SavedView:
    name = name.strip()
    if not name:
        raise ValidationFailed(_("Some fields are not valid."), field_errors={"name": [_("Give the view a name.")]})
    try:
        with transaction.atomic():
            return SavedView.objects.create(user=user, page=page, name=name[:80], querystring=querystring[:1000])
    except IntegrityError as exc:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"name": [_("You already have a view with this name.")]},
        ) from exc


def saved_view_delete(*, user: User, pk: int) -> None:
    deleted, _rows = SavedView.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound(_("The saved view does not exist."))


def _default_columns(spec: Any) -> set[str]:
    """The columns a list shows to someone who chose none, but the linked one (always shown)."""
    return {c.path for c in default_columns(spec) if not c.link}


def list_columns_remember(*, user: User, page: str, spec: Any, columns: list[str]) -> ListPreference | None:
    """Keep ``columns`` (those of ``spec``) as the user's choice on ``page``; the default choice
    (or none at all) is kept as no row. Written only when the choice changed."""
    known = [c.path for c in spec.columns if not c.link]
    chosen = [path for path in known if path in set(columns)]
    current = ListPreference.objects.filter(user=user, page=page).first()
    if not chosen or set(chosen) == _default_columns(spec):
        if current is not None:
            current.delete()
        return None
    if current is not None and current.columns == chosen:
        return current
    pref, _created = ListPreference.objects.update_or_create(user=user, page=page, defaults={"columns": chosen})
    return pref


def list_columns_reset(*, user: User, page: str) -> bool:
    """Back to the list's default columns; False when the user had no choice kept."""
    deleted, _rows = ListPreference.objects.filter(user=user, page=page).delete()
    return bool(deleted)


def list_column_params(*, user: User, page: str, params: QueryDict, spec: Any) -> tuple[QueryDict, bool]:
    """The list's parameters with the column choice to apply, and whether the user has a choice kept.

    A ``cols=`` choice in the address is kept for the next visit, except when the address is a
    saved view's (``view=``): a saved view keeps its own columns and leaves the user's choice
    alone. Without ``cols=`` the kept choice is applied.
    """
    if "cols" in params:
        if params.get("view"):
            return params, ListPreference.objects.filter(user=user, page=page).exists()
        kept = list_columns_remember(user=user, page=page, spec=spec, columns=params.getlist("cols"))
        return params, kept is not None
    pref = ListPreference.objects.filter(user=user, page=page).first()
    if pref is None or not pref.columns:
        return params, False
    applied = params.copy()
    applied.setlist("cols", pref.columns)
    return applied, True
