"""The opportunity board: one column per stage; dragging a card moves the stage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opensrm.core.currency import COMPANY_CURRENCY, Converter
from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.visibility import can_write, visible
from opensrm.crm.models import Opportunity, Pipeline, Stage
from opensrm.crm.services import opportunity_move_stage
from opensrm.people.models import Role
from opensrm.web.views.base import crumbs, posted_version

TOTALS_SECONDS = 60
CARDS_PER_COLUMN = 25  # the rest is one click away in the filtered list
CLOSED_DAYS = 90
# What a card shows: loading only these keeps a column's rows small (no custom fields, notes).
CARD_FIELDS = (
    "id",
    "version",
    "name",
    "amount",
    "currency",
    "expected_close_date",
    "stage_id",
    "account",
    "account__name",
    "owner",
    "owner__username",
    "owner__display_name",
    "owner__first_name",
    "owner__last_name",
)


@login_required
def board(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pipelines = list(Pipeline.objects.order_by("-is_default", "name"))
    pipeline = next(
        (p for p in pipelines if str(p.pk) == request.GET.get("pipeline")),
        pipelines[0] if pipelines else None,
    )
    mine = request.GET.get("owner") == "me"
    columns = []
    if pipeline is not None:
        stages = list(Stage.objects.filter(pipeline=pipeline).order_by("order"))
        columns = _columns(user, pipeline, stages, mine=mine)
    context = {
        "pipelines": pipelines,
        "pipeline": pipeline,
        "columns": columns,
        "mine": mine,
        "can_write": can_write(user, Opportunity),
        "today": timezone.localdate(),
        "breadcrumbs": crumbs((_("Opportunities"), reverse("web:opportunity_list")), (_("Board"), "")),
    }
    return render(request, "crm/board.html", context)


def _totals_key(user_pk: int, pipeline_pk: int, mine: bool) -> str:
    return f"web:board-totals:{user_pk}:{pipeline_pk}:{int(mine)}"


def _columns(user: Any, pipeline: Pipeline, stages: list[Stage], *, mine: bool) -> list[dict[str, Any]]:
    cutoff = timezone.now() - dt.timedelta(days=CLOSED_DAYS)
    open_ids = [s.pk for s in stages if not (s.is_won or s.is_lost)]
    qs = visible(user, Opportunity.objects.filter(pipeline=pipeline))
    if mine:
        qs = qs.filter(owner=user)
    # Closed columns show recent deals only, or they would grow without end. The stage ids are
    # already known, so the filter needs no join to the stage table.
    on_board = qs.filter(Q(stage_id__in=open_ids) | Q(closed_at__gte=cutoff))
    # The column totals sum every deal on the board (100,000s for sales operations): a team view
    # keeps them for a minute; the mover's own key is dropped on every move (see below).
    team_view = user.sees_everything or user.role == Role.MANAGER
    key = _totals_key(user.pk, pipeline.pk, mine)
    totals = cache.get(key) if team_view else None
    if totals is None:
        # Summed per currency, converted to the company's at today's rates; a currency without
        # a rate is kept apart (shown under the column), never added in.
        money = Converter.on(timezone.localdate())
        totals = {}
        for r in on_board.values("stage_id", "currency").annotate(n=Count("id"), amount=Sum("amount")).order_by():
            t = totals.setdefault(r["stage_id"], {"n": 0, "amount": Decimal("0"), "left_out": {}})
            t["n"] += r["n"]
            code = r["currency"] or COMPANY_CURRENCY
            if code in money.rates:
                t["amount"] += money.convert(r["amount"], code)
            elif r["amount"]:
                t["left_out"][code] = t["left_out"].get(code, Decimal("0")) + r["amount"]
        if team_view:
            cache.set(key, totals, TOTALS_SECONDS)
    columns = []
    for stage in stages:
        # One small query per stage, walking the (stage, deleted_at, expected_close_date) index
        # until it has a column's worth of cards: a window function over every open deal was
        # measured ten times slower at 100,000 opportunities, and the count follows the
        # pipeline's stages, not the data.
        column_qs = qs.filter(stage=stage)
        if stage.pk not in open_ids:
            column_qs = column_qs.filter(closed_at__gte=cutoff)
        shown = list(
            column_qs.select_related("account", "owner")
            .only(*CARD_FIELDS)
            .order_by("expected_close_date", "id")[:CARDS_PER_COLUMN]
        )
        for opp in shown:
            opp.stage = stage  # known already; saves a join per card
        t = totals.get(stage.pk, {})
        # Cached totals may be up to a minute old: never show fewer than the cards on screen.
        count = max(t.get("n", 0), len(shown))
        columns.append(
            {
                "stage": stage,
                "cards": shown,
                "count": count,
                "hidden": count - len(shown),
                "amount": t.get("amount") or Decimal("0"),
                "left_out": sorted(t.get("left_out", {}).items()),
            }
        )
    return columns


@login_required
@require_POST
def opportunity_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a card; answers the re-rendered card, or 4xx with the reason in plain words."""
    user = request.user
    opp = visible(user, Opportunity.objects.all()).filter(pk=pk).first()
    if opp is None:
        return HttpResponse(_("The record does not exist."), status=404, content_type="text/plain; charset=utf-8")
    stage = Stage.objects.filter(pk=request.POST.get("stage") or 0, pipeline_id=opp.pipeline_id).first()
    if stage is None:
        return HttpResponse(
            _("Choose a stage of this opportunity's pipeline."),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    try:
        opp = opportunity_move_stage(
            opportunity=opp,
            stage=stage,
            actor=user,
            lost_reason=request.POST.get("lost_reason", "").strip(),
            expected_version=posted_version(request),
        )
    except DomainError as exc:
        detail = " ".join(m for msgs in exc.field_errors.values() for m in msgs)
        message = detail if detail and exc.status == 422 else exc.message
        if not request.headers.get("HX-Request"):
            messages.error(request, message)
            return HttpResponseRedirect(reverse("web:opportunity_detail", args=[opp.pk]))
        return HttpResponse(message, status=exc.status, content_type="text/plain; charset=utf-8")
    opp = Opportunity.objects.select_related("account", "owner", "stage").get(pk=opp.pk)
    cache.delete_many([_totals_key(user.pk, opp.pipeline_id, mine) for mine in (False, True)])
    if request.headers.get("HX-Request"):
        return render(
            request,
            "crm/partials/board_card.html",
            {"opp": opp, "can_write": True, "today": timezone.localdate()},
        )
    messages.success(request, _("Moved to %(stage)s.") % {"stage": opp.stage})
    return HttpResponseRedirect(reverse("web:opportunity_detail", args=[opp.pk]))
