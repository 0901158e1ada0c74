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


# The global search, for the API and the pages alike: per record type, its model and the
# fields a term is looked for in (any of them), and the label and detail the API answers with.
SEARCH_FIELDS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "account": (Account, ("name", "city", "phone")),
    "contact": (Contact, ("name", "email", "phone")),
    "lead": (Lead, ("name", "company", "email")),
    "opportunity": (Opportunity, ("name",)),
}
_SEARCH_SHOWN: dict[str, tuple[str, str]] = {
    "account": ("name", "city"),
    "contact": ("name", "email"),
    "lead": ("name", "company"),
    "opportunity": ("name", "account__name"),
}
_SEARCH_RELATED: dict[str, tuple[str, ...]] = {"contact": ("account",), "opportunity": ("account", "stage")}


def search_matches(*, user: User, kind: str, q: str) -> QuerySet[Any]:
    """The records of type ``kind`` matching ``q`` in any of its search fields that ``user`` may
    see, most recently changed first."""
    model, fields = SEARCH_FIELDS[kind]
    term = Q()
    for name in fields:
        term |= Q(**{f"{name}__icontains": q})
    return visible(user, model.objects.filter(term)).order_by("-updated_at", "-id")


def global_search_records(*, user: User, q: str, limit: int) -> dict[str, list[Any]]:
    """Up to ``limit`` records of each type matching ``q`` (the pages' search): type → records,
    with what the results show of their relations loaded. One query per type."""
    q = q.strip()
    return {
        kind: (
            list(search_matches(user=user, kind=kind, q=q).select_related(*_SEARCH_RELATED.get(kind, ()))[:limit])
            if q
            else []
        )
        for kind in SEARCH_FIELDS
    }


def global_search(*, user: User, q: str, limit: int) -> list[dict[str, Any]]:
    """Up to ``limit`` hits of each searchable type that match ``q`` and ``user`` may see (the
    API's search): type, id, label and detail. One query per type, whatever the number of hits.
    """
    hits: list[dict[str, Any]] = []
    for kind in SEARCH_FIELDS:
        label, detail = _SEARCH_SHOWN[kind]
        rows = search_matches(user=user, kind=kind, q=q).values("id", label, detail)
        hits.extend(
            {"type": kind, "id": row["id"], "label": row[label], "detail": row[detail] or ""} for row in rows[:limit]
        )
    return hits


def account_team(*, account: Account) -> QuerySet[AccountTeamMember]:
    return AccountTeamMember.objects.filter(account=account).order_by("created_at", "id")


def opportunity_lines(*, opportunity: Opportunity) -> QuerySet[OpportunityLine]:
    return OpportunityLine.objects.filter(opportunity=opportunity).order_by("id")


def stage_history(*, opportunity: Opportunity) -> QuerySet[StageChange]:
    return StageChange.objects.filter(opportunity=opportunity).order_by("changed_at", "id")
