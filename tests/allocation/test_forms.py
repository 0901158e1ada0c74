"""The draft form's defaults give a feasible plan on a generated demo company."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings

from opensrm.allocation import services
from opensrm.allocation.forms import ScenarioForm
from opensrm.allocation.models import AllocationPlan, ScenarioStatus
from opensrm.demo.generate import SIZES, DemoConfig, generate_company
from opensrm.demo.load import load_company
from opensrm.people.models import User


def form_defaults(**overrides: str) -> dict[str, str]:
    """What a browser posts when the planner only names the draft: every field's initial value."""
    data: dict[str, str] = {}
    for name, field in ScenarioForm.base_fields.items():
        initial = field.initial
        if initial is None or initial is False:
            continue  # an empty input or an unticked box is not posted
        data[name] = "on" if initial is True else str(initial)
    data.update({"name": "Defaults", "kind": "assignment", **overrides})
    return data


@pytest.fixture
def demo_company(db, tmp_path):
    # The size `opensrm demo` builds by default (smaller companies have a few accounts too large
    # for any ±10 % band among so few reps).
    small = SIZES["small"]
    config = DemoConfig(accounts=small.accounts, reps=small.reps, years=1, seed=42, as_of=dt.date(2026, 6, 30))
    with override_settings(VAR_DIR=tmp_path):
        load_company(generate_company(config))


@pytest.mark.slow
def test_a_draft_from_the_form_defaults_solves_to_a_feasible_plan(demo_company):
    ops = User.objects.get(username="ops")
    client = Client()
    client.force_login(ops)
    response = client.post("/allocation/new/", form_defaults())
    assert response.status_code == 302, response.content.decode()[:2000]
    scenario = AllocationPlan.objects.get(name="Defaults")
    assert scenario.parameters["keep_owner_eligible"] is True

    scenario = services.plan_solve(scenario=scenario, actor=ops, progress=lambda f, m: None)
    assert scenario.status == ScenarioStatus.SOLVED, scenario.message
    assert scenario.result_status in ("optimal", "feasible")
    assert scenario.moves is not None
    assert scenario.moves > 0


@pytest.mark.slow
def test_the_trade_off_of_the_demo_plan_returns_its_front_within_a_minute(demo_company):
    import time

    from opensrm.allocation.models import ParetoStatus

    ops = User.objects.get(username="ops")
    parameters = {"tolerance": 0.10, "max_moves": 290, "time_limit": 20, "keep_owner_eligible": True}
    scenario = services.plan_create(actor=ops, data={"name": "Demo plan", "parameters": parameters})
    started = time.perf_counter()
    scenario = services.tradeoff_compute(scenario=scenario, actor=ops)
    assert time.perf_counter() - started < 60
    points = scenario.pareto["points"]
    assert scenario.pareto_status == ParetoStatus.DONE
    assert len(points) >= 3
    assert [p["max_moves"] for p in points] == sorted(p["max_moves"] for p in points)
    deviations = [p["balance_deviation"] for p in points]
    # more moves balance better (how much better in the time depends on the machine's load)
    assert deviations == sorted(deviations, reverse=True)
    assert deviations[-1] < deviations[0] / 2
    assert all(p["moves"] <= p["max_moves"] for p in points)


@pytest.mark.django_db
def test_the_examples_of_a_company_without_cities_are_in_the_interface_language(org):
    from django.utils import translation

    with translation.override("zh-hans"):
        form = ScenarioForm(user=org.ops)
        texts = str(form.fields["locked_units"].help_text) + str(form.fields["pinned_centres"].help_text)
    assert "杭州" in texts
    assert "上海" in texts
    assert "Hangzhou" not in texts
    assert "Shanghai" not in texts


def test_the_default_time_limit_grows_with_the_accounts_planned():
    from opensrm.allocation.parameters import default_time_limit

    sizes = (0, 2_000, 3_000, 3_001, 7_000, 20_000, 30_000, 1_000_000)
    assert [default_time_limit(n) for n in sizes] == [60, 60, 60, 70, 140, 400, 600, 600]


@pytest.mark.django_db
def test_the_forms_time_limit_follows_the_accounts_the_planner_sees(org):
    """7,000 live accounts in team East (and churned ones, which no plan places): sales ops see
    them all, the North manager none of them; the page renders the default and the draft keeps it."""
    import re

    from opensrm.crm.models import Account, AccountStatus

    Account.objects.bulk_create(
        [Account(name=f"Bulk {k}", owner=org.rep_a, city="Shanghai") for k in range(7_000)]
        + [Account(name=f"Gone {k}", owner=org.rep_a, status=AccountStatus.CHURNED) for k in range(2_000)],
        batch_size=2000,
    )

    assert ScenarioForm(user=org.ops)["time_limit"].initial == 140
    assert ScenarioForm(user=org.manager_b)["time_limit"].initial == 60
    client = Client()
    client.force_login(org.ops)
    html = client.get("/allocation/new/").content.decode()
    shown = re.search(r'<input[^>]*name="time_limit"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]+)"', shown).group(1)
    assert float(value) == 140
    response = client.post("/allocation/new/", form_defaults(time_limit=value))
    assert response.status_code == 302
    assert AllocationPlan.objects.get(name="Defaults").parameters["time_limit"] == 140
