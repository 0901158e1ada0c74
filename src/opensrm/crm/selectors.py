"""Reads for CRM records. Everything goes through the one visibility rule."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from opensrm.core.visibility import visible
from opensrm.crm.models import (
    Account,
    AccountTeamMember,
    Contact,
    Lead,
    Opportunity,
    OpportunityLine,
    StageChange,
)
from opensrm.people.models import User


def account_team_accounts(owners: Any) -> QuerySet[Any]:
    """The accounts on whose team ``owners`` are: they see the whole account and everything on
    it (the visibility rule's account-team grant, registered with core.visibility by CrmConfig)."""
    return AccountTeamMember.objects.filter(user_id__in=owners).values("account_id")


# type, model, fields searched, label field, detail field
_SEARCHABLE: tuple[tuple[str, type[Any], tuple[str, ...], str, str], ...] = (
    ("account", Account, ("name", "city", "phone"), "name", "city"),
    ("contact", Contact, ("name", "email", "phone"), "name", "email"),
    ("lead", Lead, ("name", "company", "email"), "name", "company"),
    ("opportunity", Opportunity, ("name",), "name", "account__name"),
)


def global_search(*, user: User, q: str, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` records of each searchable type that match ``q`` and ``user`` may see.

    One query per type, whatever the number of hits.
    """
    hits: list[dict[str, Any]] = []
    for kind, model, fields, label, detail in _SEARCHABLE:
        term = Q()
        for name in fields:
            term |= Q(**{f"{name}__icontains": q})
        rows = (
            visible(user, model.objects.filter(term))
            .order_by("-updated_at", "-id")
            .values("id", label, detail)
        )
        hits.extend(
            {"type": kind, "id": row["id"], "label": row[label], "detail": row[detail] or ""}
            for row in rows[:limit]
        )
    return hits


def account_team(*, account: Account) -> QuerySet[AccountTeamMember]:
    return AccountTeamMember.objects.filter(account=account).order_by("created_at", "id")


def opportunity_lines(*, opportunity: Opportunity) -> QuerySet[OpportunityLine]:
    return OpportunityLine.objects.filter(opportunity=opportunity).order_by("id")


def stage_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return StageChange.objects.filter(opportunity=opportunity).order_by("changed_at", "id")
