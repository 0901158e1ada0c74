"""Home dashboard figures: pipeline by stage, tasks due, bookings against last year, per rep.

A rep sees their own figures, a manager those of their team's subtree, sales operations,
administrators and viewers the whole company. Every query goes through ``visible``.

Amounts are summed per currency and converted to the company's currency at the rates valid
today (:mod:`opensrm.core.currency`); a currency without a rate is left out of every figure and
listed with its own total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.currency import Converter
from opensrm.core.visibility import manager_subtree_users, visible
from opensrm.crm.models import Activity, Opportunity, Order, OrderStatus, display_name
from opensrm.people.models import Role, User

TASK_LIMIT = 15
# A team's figures sum every visible deal, task and order (100,000s for sales operations), so they
# are kept for a minute per user; the task list below them is always read fresh. A rep's own
# figures are cheap (their own rows, by index) and are never cached.
TEAM_FIGURES_SECONDS = 60


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)
    return start, end


def year_earlier(day: dt.date) -> dt.date:
    """The same calendar day a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def compared_periods(today: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]]:
    """(this quarter to date, the same days of last year's quarter), both ends inclusive.

    Comparing a quarter still in progress with last year's whole quarter made every rep look
    behind until the last day of the quarter."""
    q_start, _q_end = quarter_bounds(today)
    return (q_start, today), (year_earlier(q_start), year_earlier(today))


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
    period: tuple[dt.date, dt.date]
    period_last_year: tuple[dt.date, dt.date]
    months: list[int]
    bookings: list[Decimal]
    bookings_last_year: list[Decimal]
    bookings_total: Decimal
    bookings_last_year_total: Decimal
    reps: list[RepRow] = field(default_factory=list)
    rates_day: dt.date | None = None
    # (currency, amount) of the amounts left out of the figures: their currency has no rate.
    left_out: list[tuple[str, Decimal]] = field(default_factory=list)

    @property
    def growth_pct(self) -> float | None:
        if not self.bookings_last_year_total:
            return None
        return float((self.bookings_total - self.bookings_last_year_total) / self.bookings_last_year_total * 100)

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
    open_tasks = _owned(visible(user, Activity.objects.filter(done_at__isnull=True, due_at__lt=end_of_today)), owners)
    tasks = list(open_tasks.select_related("account", "owner").order_by("due_at", "id")[:TASK_LIMIT])

    key = f"web:dashboard:{user.pk}:{today.isoformat()}:{tz}"
    figures = cache.get(key) if team_view else None
    if figures is None:
        figures = _figures(user, owners, open_tasks, today, start_of_today, team_view=team_view)
        if team_view:
            cache.set(key, figures, TEAM_FIGURES_SECONDS)

    q_start = figures["q_start"]
    months = figures["months"]
    current, previous = figures["current"], figures["previous"]
    quarter = (q_start.month - 1) // 3 + 1
    # The figures are cached for every language; the stage names are chosen per request.
    stages = [{**s, "name": display_name(s["names"], s["name"])} for s in figures["stages"]]
    return Dashboard(
        team_view=team_view,
        stages=stages,
        pipeline_total=sum((s["amount"] for s in figures["stages"]), Decimal("0")),
        tasks=tasks,
        overdue_count=figures["overdue"],
        today_count=figures["today"],
        quarter_label=_("%(year)s Q%(quarter)s") % {"year": q_start.year, "quarter": quarter},
        period=figures["period"],
        period_last_year=figures["period_last_year"],
        months=months,
        bookings=[current[m] for m in months],
        bookings_last_year=[previous[m] for m in months],
        bookings_total=sum(current.values(), Decimal("0")),
        bookings_last_year_total=sum(previous.values(), Decimal("0")),
        reps=figures["reps"],
        rates_day=figures["rates_day"],
        left_out=figures["left_out"],
    )


def _figures(
    user: User,
    owners: QuerySet[User] | None,
    open_tasks: QuerySet[Any],
    today: dt.date,
    start_of_today: dt.datetime,
    *,
    team_view: bool,
) -> dict[str, Any]:
    """Each table is read once, grouped by owner (and stage or month); the totals and the per-rep
    table are both summed from those groups: reading 100,000 opportunities a second time for the
    per-rep table doubled the page time for managers and sales operations."""
    money = Converter.on(today)
    open_opps = _owned(visible(user, Opportunity.objects.filter(stage__is_won=False, stage__is_lost=False)), owners)
    pipeline_groups = list(
        open_opps.values(
            "stage_id", "stage__name", "stage__names", "stage__order", "stage__pipeline_id", "owner_id", "currency"
        )
        .annotate(count=Count("id"), amount=Sum("amount"))
        .order_by()
    )
    for g in pipeline_groups:
        g["amount"] = money.convert(g["amount"], g["currency"])
    by_stage: dict[Any, dict[str, Any]] = {}
    for g in sorted(pipeline_groups, key=lambda g: (g["stage__pipeline_id"], g["stage__order"])):
        row = by_stage.setdefault(
            g["stage_id"],
            {"name": g["stage__name"], "names": g["stage__names"], "count": 0, "amount": Decimal("0")},
        )
        row["count"] += g["count"]
        row["amount"] += g["amount"] or Decimal("0")

    task_groups = list(
        open_tasks.values("owner_id")
        .annotate(
            overdue=Count("id", filter=Q(due_at__lt=start_of_today)),
            today=Count("id", filter=Q(due_at__gte=start_of_today)),
        )
        .order_by()
    )

    (q_start, q_to), (ly_start, ly_to) = compared_periods(today)
    orders = _owned(visible(user, Order.objects.filter(status=OrderStatus.BOOKED)), owners)
    order_groups = list(
        orders.filter(
            Q(order_date__gte=q_start, order_date__lte=q_to) | Q(order_date__gte=ly_start, order_date__lte=ly_to)
        )
        .annotate(month=ExtractMonth("order_date"))
        .values("owner_id", "order_date__year", "month", "currency")
        .annotate(total=Sum("total"))
        .order_by()
    )
    for g in order_groups:
        g["total"] = money.convert(g["total"], g["currency"])
    months = [q_start.month, q_start.month + 1, q_start.month + 2]
    current = dict.fromkeys(months, Decimal("0"))
    previous = dict.fromkeys(months, Decimal("0"))
    for g in order_groups:
        target = current if g["order_date__year"] == q_start.year else previous
        target[g["month"]] += g["total"] or Decimal("0")
    return {
        "stages": list(by_stage.values()),
        "overdue": sum(g["overdue"] for g in task_groups),
        "today": sum(g["today"] for g in task_groups),
        "q_start": q_start,
        "period": (q_start, q_to),
        "period_last_year": (ly_start, ly_to),
        "months": months,
        "current": current,
        "previous": previous,
        "reps": (_rep_rows(owners, pipeline_groups, task_groups, order_groups, q_start.year) if team_view else []),
        "rates_day": money.day,
        "left_out": money.left_out_list(),
    }


def _rep_rows(
    owners: QuerySet[User] | None,
    pipeline_groups: list[dict[str, Any]],
    task_groups: list[dict[str, Any]],
    order_groups: list[dict[str, Any]],
    current_year: int,
) -> list[RepRow]:
    people = owners if owners is not None else User.objects.filter(is_active=True, role__in=[Role.REP, Role.MANAGER])
    rows = {u.pk: RepRow(user=u) for u in people.order_by("display_name", "username")[:200]}
    for g in pipeline_groups:
        if (row := rows.get(g["owner_id"])) is not None:
            row.pipeline_count += g["count"]
            row.pipeline_amount += g["amount"] or Decimal("0")
    for g in task_groups:
        if (row := rows.get(g["owner_id"])) is not None:
            row.overdue = g["overdue"]
    for g in order_groups:
        if (row := rows.get(g["owner_id"])) is not None:
            if g["order_date__year"] == current_year:
                row.bookings += g["total"] or Decimal("0")
            else:
                row.bookings_last_year += g["total"] or Decimal("0")
    return sorted(rows.values(), key=lambda r: (-r.bookings, -r.pipeline_amount, str(r.user)))
