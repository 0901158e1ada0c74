"""Personal data (decision 6): e-mail, user history, a rep's home and capacity are readable by the
person, their managers (team subtree), sales operations and administrators only, on every path."""

from __future__ import annotations

from decimal import Decimal

import pytest

from opensrm.people.models import RepProfile
from opensrm.people.selectors import personal_scope, sees_personal_data
from opensrm.people.services import rep_profile_upsert
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

# rep_a is in East; rep_a1 in East / Shanghai (below East); rep_b in North.
# reader -> whether they see rep_a1's personal data
MATRIX = {
    "rep_a1": True,  # self
    "rep_a": False,  # rep, a team above / same branch
    "rep_b": False,  # rep, other team
    "manager_a": True,  # manager of East, which contains East / Shanghai
    "manager_b": False,  # manager of another team
    "ops": True,
    "admin": True,
    "viewer": False,
}
PROFILE_FIELDS = ("home_city", "home_lat", "home_lon", "weekly_capacity_hours", "max_accounts")


@pytest.fixture
def subject(org):
    org.rep_a1.email = "rep.a1@example.com"
    org.rep_a1.save(update_fields=["email"])
    profile = rep_profile_upsert(
        user=org.rep_a1,
        actor=org.ops,
        data={
            "home_city": "Hangzhou",
            "home_lat": 30.27,
            "home_lon": 120.15,
            "weekly_capacity_hours": Decimal("37.5"),
            "max_accounts": 120,
        },
    )
    return profile


@pytest.mark.parametrize(("reader", "allowed"), MATRIX.items())
def test_policy(org, subject, reader, allowed):
    assert sees_personal_data(getattr(org, reader), org.rep_a1) is allowed
    assert sees_personal_data(getattr(org, reader), getattr(org, reader))  # everyone sees their own


@pytest.mark.parametrize(("reader", "allowed"), MATRIX.items())
def test_users_api_list_and_read(org, subject, reader, allowed):
    c = ApiClient(getattr(org, reader))
    one = c.get(f"/users/{org.rep_a1.pk}")
    assert one.status_code == 200
    body = one.json()
    assert body["username"] == "rep_a1"
    assert body["role"] == "rep"
    assert body["team_id"] == org.team_a1.pk
    assert body["email"] == ("rep.a1@example.com" if allowed else None)
    rows = {r["username"]: r for r in c.get("/users", {"limit": 100}).json()["items"]}
    assert rows["rep_a1"]["email"] == ("rep.a1@example.com" if allowed else None)
    assert rows["rep_a1"]["display_name"] == body["display_name"]


@pytest.mark.parametrize(("reader", "allowed"), MATRIX.items())
def test_rep_profiles_api_list_and_read(org, subject, reader, allowed):
    c = ApiClient(getattr(org, reader))
    body = c.get(f"/rep-profiles/{subject.pk}").json()
    listed = next(r for r in c.get("/rep-profiles").json()["items"] if r["id"] == subject.pk)
    expected = {"home_city": "Hangzhou", "home_lat": 30.27, "home_lon": 120.15, "max_accounts": 120}
    for row in (body, listed):
        assert row["user_id"] == org.rep_a1.pk
        for field in PROFILE_FIELDS:
            if not allowed:
                assert row[field] is None, field
            elif field == "weekly_capacity_hours":
                assert Decimal(str(row[field])) == Decimal("37.5")
            else:
                assert row[field] == expected[field], field


@pytest.mark.parametrize(("reader", "allowed"), MATRIX.items())
def test_history_is_personal(org, subject, reader, allowed):
    c = ApiClient(getattr(org, reader))
    for path in (f"/users/{org.rep_a1.pk}/history", f"/rep-profiles/{subject.pk}/history"):
        response = c.get(path)
        assert response.status_code == (200 if allowed else 403), (path, response.content)
        if allowed:
            assert response.json()["items"]
        else:
            assert "Hangzhou" not in response.content.decode()


@pytest.mark.parametrize(("reader", "allowed"), MATRIX.items())
def test_search_and_filters_do_not_reveal_personal_fields(org, subject, reader, allowed):
    c = ApiClient(getattr(org, reader))
    assert c.get("/users", {"q": "rep.a1@example"}).json()["items"] == []
    assert c.get("/rep-profiles", {"q": "Hangzhou"}).json()["items"] == []
    assert c.get("/rep-profiles", {"ordering": "home_city"}).status_code == 422
    # The name still finds the person, for everyone.
    assert [r["username"] for r in c.get("/users", {"q": "rep_a1"}).json()["items"]] == ["rep_a1"]


def test_a_rep_sees_their_own_profile_and_email(org, subject):
    c = ApiClient(org.rep_a1)
    assert c.get("/me").json()["email"] == "rep.a1@example.com"
    assert c.get(f"/rep-profiles/{subject.pk}").json()["home_city"] == "Hangzhou"


def test_write_responses_follow_the_same_rule(org, subject):
    # ops changes the profile: the response shows the values to ops
    c = ApiClient(org.ops)
    profile = RepProfile.objects.get(pk=subject.pk)
    response = c.patch(
        f"/rep-profiles/{subject.pk}", {"home_city": "Ningbo"}, **{"If-Match": f'"{profile.version}"'}
    )
    assert response.status_code == 200, response.content
    assert response.json()["home_city"] == "Ningbo"


def test_scope_of_an_inactive_or_anonymous_reader_is_empty(org):
    from django.contrib.auth.models import AnonymousUser

    assert not personal_scope(AnonymousUser()).covers(org.rep_a1)
    org.ops.is_active = False
    assert not personal_scope(org.ops).covers(org.rep_a1)


def test_plan_comparison_hides_capacity_and_travel_from_a_viewer(db):
    from django.test import Client

    from opensrm.allocation import services
    from tests.allocation.conftest import build_alloc_org

    alloc = build_alloc_org()
    org = alloc.org
    scenario = services.plan_create(actor=org.ops, data={"name": "All", "parameters": {"tolerance": None}})
    services.plan_solve(scenario=scenario, actor=org.ops)
    path = f"/api/v1/allocation/scenarios/{scenario.pk}/result"

    shown = ApiClient(org.ops).get(path).json()["reps"]
    assert {r["capacity_hours"] for r in shown} == {1.3}
    assert all(r["travel_km_after"] is not None for r in shown)
    hidden = ApiClient(org.viewer).get(path).json()["reps"]
    assert len(hidden) == len(shown)
    assert all(r["capacity_hours"] is None and r["travel_km_after"] is None for r in hidden)
    assert [r["workload_after"] for r in hidden] == [r["workload_after"] for r in shown]

    page = Client()
    page.force_login(org.viewer)
    cell = '<td>rep_a1</td><td class="num">1.3</td>'  # the rep's name, then the capacity column
    html = page.get(f"/allocation/{scenario.pk}/").content.decode()
    assert "rep_a1" in html
    assert cell not in html
    page.force_login(org.ops)
    assert cell in page.get(f"/allocation/{scenario.pk}/").content.decode()
