"""Bulk actions from the list pages: the controls a list offers (the bulk bar).

The POST that runs an action is the record area's view (``opensrm.crm.views.bulk``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from opensrm.core.visibility import can_write
from opensrm.crm.models import Lead, LeadStatus, Stage, Tier
from opensrm.crm.services.bulk import actions_for
from opensrm.people.models import User
from opensrm.web.forms import owner_queryset

BULK_KINDS = ("account", "contact", "lead", "opportunity", "activity")


def _action_labels() -> dict[str, str]:
    return {
        "owner": _("Reassign owner"),
        "stage": _("Change stage"),
        "tier": _("Change tier"),
        "status": _("Change status"),
        "tag": _("Add a tag"),
        "untag": _("Remove a tag"),
        "delete": _("Move to the recycle bin"),
    }


def bulk_context(user: User, key: str, model: type[Model]) -> dict[str, Any] | None:
    """What the list's bulk bar offers ``user``; None (no checkboxes, no bar) when they may not write."""
    if key not in BULK_KINDS or not can_write(user, model):
        return None
    actions = actions_for(model)
    labels = _action_labels()
    context: dict[str, Any] = {"actions": [(a, labels[a]) for a in actions], "action_keys": actions}
    if "owner" in actions:
        context["owners"] = list(owner_queryset(user))
    if "stage" in actions:
        stages = Stage.objects.select_related("pipeline").order_by("pipeline__name", "order")
        context["stages"] = [(s.pk, f"{s.pipeline} — {s}") for s in stages]
    if "tier" in actions:
        context["tiers"] = list(Tier.choices)
    if "status" in actions and model is Lead:
        context["statuses"] = [c for c in LeadStatus.choices if c[0] != LeadStatus.CONVERTED]
    return context
