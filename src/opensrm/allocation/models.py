"""Allocation scenarios: a drafted plan, its lines, per-rep loads, and what apply changed.

A scenario moves draft → solving → solved → applied → rolled_back (or failed). Lines keep
the owner each record had when the plan was drafted (``current_owner``) and, once applied,
the owner it had just before apply (``owner_before_apply``), so a rollback restores owners
exactly and can refuse when someone changed an owner in between.
"""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from opensrm.core.models import BaseModel

USER = settings.AUTH_USER_MODEL


class ScenarioKind(models.TextChoices):
    ASSIGNMENT = "assignment", _("Rep ↔ account assignment")
    TERRITORY = "territory", _("Territory alignment")
    ROUTING = "routing", _("Lead routing")


class ScenarioStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SOLVING = "solving", _("Solving")
    SOLVED = "solved", _("Solved")
    APPLIED = "applied", _("Applied")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    FAILED = "failed", _("Failed")


class ParetoStatus:
    """Where a plan's balance-vs-moves trade-off stands ("" when never asked for)."""

    COMPUTING = "computing"
    DONE = "done"
    FAILED = "failed"


class OutcomeCode(StrEnum):
    """How a solve ended, as stored in ``AllocationPlan.outcome`` (``{"code": ..., "params": {...}}``).

    Written by the plan kinds from the engine's typed results (never from its message) and
    rendered in the reader's language by :mod:`opensrm.allocation.presentation`. Params per code:

    * ``certified``: ``status``, ``bound_scope`` (the search's plan, its bound certified for that problem);
    * ``exact_model``: ``status``, ``bound_scope`` (the exact model's plan, after the search ran out of time);
    * ``time_limit``: ``moves_used``, ``moves_cap`` (both present only when the best plan used up the cap);
    * ``no_plan``: none (no plan satisfies every constraint);
    * ``no_plan_among_candidates``: ``candidates`` (per account; the full problem may have a plan);
    * ``diagnosed``: ``constraint``, ``violation`` (the checks' headline: ``infeasibility`` tells the rest);
    * ``aligned``: ``status``, ``bound_scope``, ``starts``, ``constraints_met``, ``skipped_accounts``;
    * ``routed``: ``status``, ``method``, ``expected_value``, ``round_robin_value``;
    * ``empty``: none (nothing to plan: no accounts, or no leads).
    """

    CERTIFIED = "certified"
    EXACT_MODEL = "exact_model"
    TIME_LIMIT = "time_limit"
    NO_PLAN = "no_plan"
    NO_PLAN_AMONG_CANDIDATES = "no_plan_among_candidates"
    DIAGNOSED = "diagnosed"
    ALIGNED = "aligned"
    ROUTED = "routed"
    EMPTY = "empty"


class AllocationPlan(BaseModel):
    """One what-if allocation plan. Visible like a record owned by its author."""

    visibility_owner = "created_by"
    visibility_account = None

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ScenarioKind.choices, default=ScenarioKind.ASSIGNMENT
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    scope_team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("team scope"),
    )
    scope_territory = models.ForeignKey(
        "crm.Territory",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territory scope"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ScenarioStatus.choices,
        default=ScenarioStatus.DRAFT,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(_("progress message"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER,
        null=True,
        on_delete=models.SET_NULL,
        related_name="allocation_scenarios",
        verbose_name=_("created by"),
    )
    # Diagnostics of the last solve, as the engine reported them.
    result_status = models.CharField(_("solver status"), max_length=20, blank=True)
    objective = models.FloatField(_("objective"), null=True, blank=True)
    bound = models.FloatField(_("bound"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)
    moves = models.PositiveIntegerField(_("moves"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # How the solve ended as a code and its parameters (see OutcomeCode); presentation renders it.
    # NULL: not solved yet, a failure the message says in words, or a plan stored before codes were.
    outcome = models.JSONField(_("outcome"), null=True, blank=True)
    infeasibility = models.JSONField(_("infeasibility explanation"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The balance-vs-moves trade-off: derived, recomputed on demand, so outside history and version.
    pareto_status = models.CharField(_("trade-off status"), max_length=16, blank=True)
    pareto = models.JSONField(_("balance vs moves trade-off"), null=True, blank=True)
    # Territory alignment: the engine's balance and contiguity diagnostics and one summary per
    # proposed territory (see opensrm.allocation.kinds.territory).
    alignment = models.JSONField(_("territory alignment"), null=True, blank=True)
    # The model was first named AllocationScenario: the table and the history model keep that name.
    history = HistoricalRecords(
        excluded_fields=["progress", "progress_message", "pareto_status", "pareto"],
        custom_model_name="HistoricalAllocationScenario",
    )

    class Meta:
        db_table = "territories_allocationscenario"
        verbose_name = _("allocation scenario")
        verbose_name_plural = _("allocation scenarios")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class AssignmentLine(models.Model):
    """One record of the plan: an account (assignment) or a lead (routing)."""

    scenario = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="lines")
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    lead = models.ForeignKey("crm.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    current_owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current owner"),
    )
    proposed_owner = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed owner"),
    )
    moved = models.BooleanField(_("moved"), default=False, db_index=True)
    locked = models.BooleanField(_("locked"), default=False)
    workload = models.FloatField(_("workload (hours/week)"), default=0)
    potential = models.FloatField(_("potential"), default=0)
    distance_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    current_distance_km = models.FloatField(_("current distance (km)"), null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    unassigned_reason = models.CharField(_("why unassigned"), max_length=255, blank=True)
    # Filled by apply: the owner right before apply, so rollback restores exactly that.
    applied = models.BooleanField(default=False)
    owner_before_apply = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment line")
        verbose_name_plural = _("assignment lines")
        indexes = [models.Index(fields=["scenario", "id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account__isnull=False, lead__isnull=True)
                | models.Q(account__isnull=True, lead__isnull=False),
                name="assignment_line_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id or self.lead_id} → {self.proposed_owner_id}"


class RepLoad(models.Model):
    """A rep's load before (current owners) and after (the plan)."""

    scenario = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="rep_loads")
    rep = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("rep"))
    capacity_hours = models.FloatField(_("capacity (hours/week)"), default=0)
    workload_before = models.FloatField(_("workload before"), default=0)
    workload_after = models.FloatField(_("workload after"), default=0)
    potential_before = models.FloatField(_("potential before"), default=0)
    potential_after = models.FloatField(_("potential after"), default=0)
    accounts_before = models.PositiveIntegerField(_("accounts before"), default=0)
    accounts_after = models.PositiveIntegerField(_("accounts after"), default=0)
    travel_km_before = models.FloatField(_("travel before (km)"), default=0)
    travel_km_after = models.FloatField(_("travel after (km)"), default=0)
    moves_in = models.PositiveIntegerField(_("moves in"), default=0)
    moves_out = models.PositiveIntegerField(_("moves out"), default=0)

    class Meta:
        verbose_name = _("rep load")
        verbose_name_plural = _("rep loads")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["scenario", "rep"], name="uniq_rep_load")]

    def __str__(self) -> str:
        return f"{self.rep_id} @ {self.scenario_id}"


class TerritoryUnitLine(models.Model):
    """One unit of a territory alignment (a city, or one account) and the territory it goes to.

    ``account_territories`` keeps each account's territory when the plan was solved (apply refuses
    if it changed since); ``territories_before_apply`` the territory right before apply of the
    accounts apply changed, so a rollback restores exactly those."""

    scenario = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="unit_lines")
    key = models.CharField(_("unit"), max_length=255)
    label = models.CharField(_("label"), max_length=255)
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    accounts = models.PositiveIntegerField(_("accounts"), default=0)
    workload = models.FloatField(_("workload (hours/week)"), default=0)
    potential = models.FloatField(_("potential"), default=0)
    current_territory = models.ForeignKey(
        "crm.Territory",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current territory"),
    )
    proposed_index = models.PositiveSmallIntegerField(_("proposed territory number"))
    proposed_name = models.CharField(_("proposed territory"), max_length=120)
    proposed_code = models.CharField(_("proposed territory code"), max_length=40)
    proposed_territory = models.ForeignKey(
        "crm.Territory", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked = models.BooleanField(_("locked"), default=False)
    centre = models.BooleanField(_("territory centre"), default=False)
    moved = models.BooleanField(_("moved"), default=False, db_index=True)
    accounts_moved = models.PositiveIntegerField(_("accounts that change territory"), default=0)
    account_territories = models.JSONField(default=dict, blank=True)
    applied = models.BooleanField(default=False)
    territories_before_apply = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("territory unit line")
        verbose_name_plural = _("territory unit lines")
        ordering = ["proposed_index", "label", "id"]
        indexes = [models.Index(fields=["scenario", "id"])]

    def __str__(self) -> str:
        return f"{self.label} → {self.proposed_code}"


class AllocationNotice(models.Model):
    """An e-mail sent to a rep about an applied or rolled-back plan (the record that it was sent)."""

    scenario = models.ForeignKey(AllocationPlan, on_delete=models.CASCADE, related_name="notices")
    rep = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=16)  # applied | rolled_back
    email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    gained = models.PositiveIntegerField(default=0)
    lost = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("allocation notice")
        verbose_name_plural = _("allocation notices")

    def __str__(self) -> str:
        return self.subject


class RoutingPolicy(BaseModel):
    """Switches immediate routing of new unowned leads on, and says among which reps."""

    name = models.CharField(_("name"), max_length=120)
    enabled = models.BooleanField(_("enabled"), default=True)
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("team"),
        help_text=_("Route among reps of this team subtree; empty: all reps."),
    )
    max_open_leads = models.PositiveIntegerField(_("maximum open leads per rep"), default=50)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("routing policy")
        verbose_name_plural = _("routing policies")

    def __str__(self) -> str:
        return self.name
