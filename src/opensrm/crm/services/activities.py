"""Writes for activities beyond the generic record update: moving one in the calendar."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import NotFound, ValidationFailed
from opensrm.core.services import record_update
from opensrm.core.visibility import can_see
from opensrm.crm.models import Activity

if TYPE_CHECKING:
    from opensrm.people.models import User


def activity_reschedule(
    *, activity: Activity, due_at: dt.datetime | None, actor: User, expected_version: int | None
) -> Activity:
    """Move ``activity`` to ``due_at``. A record the actor may not see is reported as missing, so
    a guessed id tells nothing about other teams' work."""
    if not can_see(actor, activity):
        raise NotFound(_("The record does not exist."))
    if due_at is None:
        raise ValidationFailed(_("Some fields are not valid."), field_errors={"due_at": [_("Choose a date and time.")]})
    if timezone.is_naive(due_at):
        # A bare wall-clock time means the actor's own time zone, as on the pages.
        due_at = timezone.make_aware(due_at)
    return record_update(instance=activity, actor=actor, data={"due_at": due_at}, expected_version=expected_version)
