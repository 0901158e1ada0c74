"""Home dashboard figures: pipeline by stage, tasks due, bookings against last year, per rep.

A rep sees their own figures, a manager those of their team's subtree, sales operations,
administrators and viewers the whole company. Every query goes through ``visible``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from opensrm.core.visibility import manager_subtree_users, visible
from opensrm.crm.models import Activity, Opportunity, Order, OrderStatus
from opensrm.people.models import Role, User

TASK_LIMIT = 15


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, end


@dataclass
class RepRow:
    user: User
    pipeline_count: int = 0
    pipeline_amount: Decimal = Decimal("0")
    bookings: Decimal = Decimal("0")
    bookings_last_year: Decimal = Decimal("0")
    overdue: int = 0


@dataclass
class Dashboard:
    team_view: bool
    stages: list[dict[str, Any]]
    pipeline_total: Decimal
    tasks: list[Activity]
    overdue_count: int
    today_count: int
    quarter_label: str
    months: list[int]
    bookings: list[Decimal]
    bookings_last_year: list[Decimal]
    bookings_total: Decimal
    bookings_last_year_total: Decimal
    reps: list[RepRow] = field(default_factory=list)

    @property
    def growth_pct(self) -> float | None:
        if not self.bookings_last_year_total:
            return None
        return float(
            (self.bookings_total - self.bookings_last_year_total) / self.bookings_last_year_total * 100
        )

    def chart_options(self) -> dict[str, Any]:
        return {
            "pipeline": {
                "stages": [s["name"] for s in self.stages],
                "amounts": [float(s["amount"]) for s in self.stages],
                "counts": [s["count"] for s in self.stages],
            },
            "bookings": {
                "months": self.months,
                "current": [float(v) for v in self.bookings],
                "previous": [float(v) for v in self.bookings_last_year],
            },
        }


def _scope(user: User) -> tuple[bool, QuerySet[User] | None]:
    """(team view?, owners in scope; None = everyone)."""
    if user.sees_everything:
        return True, None
    if user.role == Role.MANAGER:
        return True, manager_subtree_users(user)
    return False, User.objects.filter(pk=user.pk)


def _owned(qs: QuerySet[Any], owners: QuerySet[User] | None) -> QuerySet[Any]:
    return qs if owners is None else qs.filter(owner__in=owners)


def build_dashboard(user: User, *, today: dt.date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    team_view, owners = _scope(user)
    tz = timezone.get_current_timezone()
    end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    start_of_today = end_of_today - dt.timedelta(days=1)

    open_opps = _owned(
        visible(user, Opportunity.objects.filter(stage__is_won=False, stage__is_lost=False)), owners
    )
    stages = list(
        open_opps.values("stage__name", "stage__order", "stage__pipeline_id")
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by("stage__pipeline_id", "stage__order")
    )
    stage_rows = [
        {"name": s["stage__name"], "count": s["count"], "amount": s["amount"] or Decimal("0")} for s in stages
    ]

    open_tasks = _owned(
        visible(user, Activity.objects.filter(done_at__isnull=True, due_at__lt=end_of_today)), owners
    )
    tasks = list(open_tasks.select_related("account", "owner").order_by("due_at", "id")[:TASK_LIMIT])
    counts = open_tasks.aggregate(
        overdue=Count("id", filter=Q(due_at__lt=start_of_today)),
        today=Count("id", filter=Q(due_at__gte=start_of_today)),
    )

    q_start, q_end = quarter_bounds(today)
    ly_start, ly_end = q_start.replace(year=q_start.year - 1), q_end.replace(year=q_end.year - 1)
    orders = _owned(visible(user, Order.objects.filter(status=OrderStatus.BOOKED)), owners)
    by_month = (
        orders.filter(
            Q(order_date__gte=q_start, order_date__lt=q_end)
            | Q(order_date__gte=ly_start, order_date__lt=ly_end)
        )
        .annotate(month=ExtractMonth("order_date"))
        .values("order_date__year", "month")
        .annotate(total=Sum("total"))
    )
    months = [q_start.month, q_start.month + 1, q_start.month + 2]
    current = dict.fromkeys(months, Decimal("0"))
    previous = dict.fromkeys(months, Decimal("0"))
    for row in by_month:
        target = current if row["order_date__year"] == q_start.year else previous
        target[row["month"]] = row["total"] or Decimal("0")

    quarter = (q_start.month - 1) // 3 + 1
    board = Dashboard(
        team_view=team_view,
        stages=stage_rows,
        pipeline_total=sum((s["amount"] for s in stage_rows), Decimal("0")),
        tasks=tasks,
        overdue_count=counts["overdue"],
        today_count=counts["today"],
        quarter_label=f"{q_start.year} Q{quarter}",
        months=months,
        bookings=[current[m] for m in months],
        bookings_last_year=[previous[m] for m in months],
        bookings_total=sum(current.values(), Decimal("0")),
        bookings_last_year_total=sum(previous.values(), Decimal("0")),
    )
    if team_view:
        board.reps = _rep_rows(
            user, owners, open_opps, orders, open_tasks, start_of_today, (q_start, q_end), (ly_start, ly_end)
        )
    return board


def _rep_rows(
    user: User,
    owners: QuerySet[User] | None,
    open_opps: QuerySet[Any],
    orders: QuerySet[Any],
    open_tasks: QuerySet[Any],
    start_of_today: dt.datetime,
    quarter: tuple[dt.date, dt.date],
    last_year: tuple[dt.date, dt.date],
) -> list[RepRow]:
    people = (
        owners
        if owners is not None
        else User.objects.filter(is_active=True, role__in=[Role.REP, Role.MANAGER])
    )
    rows = {u.pk: RepRow(user=u) for u in people.order_by("display_name", "username")[:200]}
    for r in (
        open_opps.filter(owner_id__in=list(rows)).values("owner_id").annotate(c=Count("id"), a=Sum("amount"))
    ):
        rows[r["owner_id"]].pipeline_count, rows[r["owner_id"]].pipeline_amount = (
            r["c"],
            r["a"] or Decimal("0"),
        )
    booked = (
        orders.filter(owner_id__in=list(rows))
        .values("owner_id")
        .annotate(
            cur=Sum("total", filter=Q(order_date__gte=quarter[0], order_date__lt=quarter[1])),
            prev=Sum("total", filter=Q(order_date__gte=last_year[0], order_date__lt=last_year[1])),
        )
    )
    for r in booked:
        rows[r["owner_id"]].bookings = r["cur"] or Decimal("0")
        rows[r["owner_id"]].bookings_last_year = r["prev"] or Decimal("0")
    for r in (
        open_tasks.filter(owner_id__in=list(rows), due_at__lt=start_of_today)
        .values("owner_id")
        .annotate(c=Count("id"))
    ):
        rows[r["owner_id"]].overdue = r["c"]
    return sorted(rows.values(), key=lambda r: (-r.bookings, -r.pipeline_amount, str(r.user)))
