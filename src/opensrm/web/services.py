"""Writes the pages own: saved views and the user's own preferences."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from opensrm.core.errors import NotFound, ValidationFailed
from opensrm.people.models import User
from opensrm.web.models import SavedView

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
    user._history_user = user  # type: ignore[attr-defined]
    user.save(update_fields=list(data))
    return user


def saved_view_create(*, user: User, page: str, name: str, querystring: str) -> SavedView:
    name = name.strip()
    if not name:
        raise ValidationFailed(
            _("Some fields are not valid."), field_errors={"name": [_("Give the view a name.")]}
        )
    try:
        with transaction.atomic():
            return SavedView.objects.create(
                user=user, page=page, name=name[:80], querystring=querystring[:1000]
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"name": [_("You already have a view with this name.")]},
        ) from exc


def saved_view_delete(*, user: User, pk: int) -> None:
    deleted, _rows = SavedView.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFound(_("The saved view does not exist."))
