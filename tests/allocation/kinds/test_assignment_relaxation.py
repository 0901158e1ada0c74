"""An infeasible plan says what to relax and by how much, and that relaxation gives a plan."""

from __future__ import annotations

import math

from django.test import Client
from django.utils import translation

from opensrm.allocation import presentation, services
from opensrm.allocation.models import ScenarioStatus


def solve(alloc, **parameters):
    scenario = services.plan_create(
        actor=alloc.org.ops,
        data={"name": f"Plan {parameters}", "parameters": {"time_limit": 10, **parameters}},
    )
    return services.plan_solve(scenario=scenario, actor=alloc.org.ops, progress=lambda f, m: None)


def test_a_band_too_tight_names_the_band_that_gives_a_plan(alloc):
    failed = solve(alloc, tolerance=0.01)
    assert failed.status == ScenarioStatus.FAILED
    relax = failed.infeasibility["relax"]
    percent = math.ceil(round(relax["tolerance"] * 100, 6))
    assert percent > 1
    hints = presentation.infeasibility_display(failed.infeasibility)["hints"]
    assert any(f"±{percent} %" in h for h in hints), hints

    assert solve(alloc, tolerance=percent / 100).status == ScenarioStatus.SOLVED

    with translation.override("zh-hans"):
        zh = presentation.infeasibility_display(failed.infeasibility)["hints"]
    assert any(f"±{percent} %" in h for h in zh)
    assert not any("band" in h for h in zh)


def test_a_cap_too_tight_names_the_moves_that_give_a_plan(alloc):
    failed = solve(alloc, tolerance=0.5, max_moves=0)
    assert failed.status == ScenarioStatus.FAILED
    needed = failed.infeasibility["relax"]["max_moves"]
    assert needed > 0
    hints = presentation.infeasibility_display(failed.infeasibility)["hints"]
    assert any(str(needed) in h and "moves" in h for h in hints), hints

    assert solve(alloc, tolerance=0.5, max_moves=needed).status == ScenarioStatus.SOLVED
    if failed.infeasibility["relax"]["max_moves_exact"]:
        assert solve(alloc, tolerance=0.5, max_moves=needed - 1).status == ScenarioStatus.FAILED


def test_the_page_shows_what_to_relax(alloc):
    failed = solve(alloc, tolerance=0.01)
    client = Client()
    client.force_login(alloc.org.ops)
    html = client.get(f"/allocation/{failed.pk}/").content.decode()
    assert 'id="infeasibility-hints"' in html
    assert "将均衡范围放宽到 ±" in html  # the planner's language (the default, Chinese), in business terms
    assert "under by" not in html.split('id="infeasibility-hints"')[1].split("</ul>")[0]
