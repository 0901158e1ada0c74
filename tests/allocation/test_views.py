from __future__ import annotations

from django.test import Client

from opensrm.allocation.models import AllocationPlan, ScenarioStatus
from opensrm.crm.models import Account


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_draft_solve_compare_apply_rollback_through_the_pages(alloc, django_capture_on_commit_callbacks):
    ops = signed_in(alloc.org.ops)
    assert ops.get("/allocation/").status_code == 200
    assert ops.get("/allocation/new/").status_code == 200

    response = ops.post(
        "/allocation/new/",
        {
            "name": "Page plan",
            "kind": "assignment",
            "tolerance": "",
            "weight_distance": "1",
            "weight_skill": "0.5",
            "weight_continuity": "2",
            "time_limit": "20",
            "seed": "0",
        },
    )
    scenario = AllocationPlan.objects.get(name="Page plan")
    assert response.status_code == 302
    assert response["Location"] == f"/allocation/{scenario.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        ops.post(f"/allocation/{scenario.pk}/solve/")
    page = ops.get(f"/allocation/{scenario.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="compare-table"' in html
    assert 'id="allocation-map-data"' in html
    assert 'id="apply-button"' in html
    assert "<script>" not in html.replace("<script src=", "")  # nothing inline under the strict CSP

    ops.post(f"/allocation/{scenario.pk}/apply/")
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.APPLIED
    assert Account.objects.exclude(owner=alloc.org.rep_a).exists()
    ops.post(f"/allocation/{scenario.pk}/rollback/")
    assert not Account.objects.exclude(owner=alloc.org.rep_a).exists()


def test_rep_sees_no_planning_buttons_and_cannot_apply(alloc):
    scenario = AllocationPlan.objects.create(
        name="Solved", created_by=alloc.org.ops, status=ScenarioStatus.SOLVED
    )
    rep = signed_in(alloc.org.rep_a)

    assert rep.get(f"/allocation/{scenario.pk}/").status_code == 404
    assert rep.post(f"/allocation/{scenario.pk}/apply/").status_code == 404
    assert "/allocation/new/" not in rep.get("/allocation/").content.decode()
    assert rep.get("/allocation/new/").status_code == 302
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.SOLVED


def test_allocation_is_in_the_navigation_for_planners_only(alloc):
    for user, shown in ((alloc.org.ops, True), (alloc.org.manager_a, True), (alloc.org.rep_a, False)):
        html = signed_in(user).get("/").content.decode()
        assert ('href="/allocation/"' in html) is shown, user


def _territory_form(**fields) -> dict[str, str]:
    return {
        "name": "Regions",
        "kind": "territory",
        "territories": "4",
        "territory_tolerance": "0.1",
        "unit_level": "city",
        "weight_distance": "1",
        "weight_skill": "0.5",
        "weight_continuity": "2",
        "time_limit": "5",
        "seed": "0",
        **fields,
    }


def test_locks_are_checked_when_the_draft_is_saved_with_the_error_beside_the_field(grid):
    ops = signed_in(grid.org.ops)
    page = ops.get("/allocation/new/").content.decode()
    assert "“City " in page
    assert "= T2”" in page

    for locks, error in (
        ("Nowhere = T2", "“Nowhere”"),  # the page speaks the planner's language; the error names the city
        ("City 0-0 = T7", "T4"),  # … and the territories there are
    ):
        response = ops.post("/allocation/new/", _territory_form(locked_units=locks))
        assert response.status_code == 200
        form = response.context["form"]
        assert any(error in e for e in form.errors["locked_units"]), form.errors
        assert not form.non_field_errors()
        assert not AllocationPlan.objects.exists()

    fields = _territory_form(locked_units="City 0-0 = T2", pinned_centres="T1 = City 3-3")
    response = ops.post("/allocation/new/", fields)
    assert response.status_code == 302
    assert AllocationPlan.objects.get().parameters["locked_units"] == {"City 0-0": "T2"}


def test_a_chinese_plan_page_shows_no_english_engine_text_in_its_tooltips(alloc):
    from opensrm.allocation import services

    alloc.org.ops.language = "zh-hans"
    alloc.org.ops.save(update_fields=["language"])
    scenario = services.plan_create(
        actor=alloc.org.ops, data={"name": "Plan", "parameters": {"tolerance": None, "time_limit": 20}}
    )
    scenario = services.plan_solve(scenario=scenario, actor=alloc.org.ops)
    assert scenario.status == ScenarioStatus.SOLVED

    page = signed_in(alloc.org.ops).get(f"/allocation/{scenario.pk}/").content.decode()

    assert "技能符合" in page  # the explanation cells are there, translated
    assert 'title="account ' not in page
