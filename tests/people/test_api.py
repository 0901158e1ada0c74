"""PATCH /users/{id}: administrators and sales ops manage people; nobody else changes a user."""

from __future__ import annotations

import pytest

from opensrm.people.models import Role, User

CHANGE = {
    "role": "manager",
    "team_id": None,  # filled per test
    "display_name": "Wang Wei",
    "is_active": True,
    "language": "en",
    "time_zone": "Europe/Berlin",
}


def _state(user: User) -> tuple:
    user.refresh_from_db()
    return (user.role, user.team_id, user.display_name, user.is_active, user.language, user.time_zone)


def test_sales_ops_changes_every_managed_field_and_the_history_names_them(org, client_for):
    c = client_for(org.ops)
    response = c.patch(f"/users/{org.rep_a.pk}", {**CHANGE, "team_id": org.team_b.pk})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["role"], body["team_id"], body["display_name"]) == ("manager", org.team_b.pk, "Wang Wei")
    assert _state(org.rep_a) == ("manager", org.team_b.pk, "Wang Wei", True, "en", "Europe/Berlin")
    events = c.get(f"/users/{org.rep_a.pk}/history").json()["items"]
    assert events[0]["type"] == "updated"
    assert events[0]["actor"] == "ops"
    changed = {ch["field"]: (ch["old"], ch["new"]) for ch in events[0]["changes"]}
    assert changed["role"] == ("rep", "manager")
    assert changed["time_zone"] == ("", "Europe/Berlin")


def test_deactivated_user_can_no_longer_use_the_api(org, client_for):
    rep = client_for(org.rep_a)
    assert rep.get("/me").status_code == 200

    response = client_for(org.admin).patch(f"/users/{org.rep_a.pk}", {"is_active": False})

    assert response.status_code == 200
    assert response.json()["is_active"] is False
    assert rep.get("/me").status_code == 401


@pytest.mark.parametrize("who", ["rep_a", "manager_a", "viewer"])
def test_others_get_403_and_nothing_changes(who, org, client_for):
    before = _state(org.rep_a1)
    response = client_for(getattr(org, who)).patch(
        f"/users/{org.rep_a1.pk}", {"display_name": "Taken", "role": "admin"}
    )

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert _state(org.rep_a1) == before


def test_only_an_administrator_grants_the_administrator_role(org, client_for):
    ops = client_for(org.ops)
    assert ops.patch(f"/users/{org.rep_a.pk}", {"role": "admin"}).status_code == 403
    assert ops.patch(f"/users/{org.admin.pk}", {"display_name": "Boss"}).status_code == 403
    assert _state(org.rep_a)[0] == Role.REP
    assert _state(org.admin)[2] == ""

    promoted = client_for(org.admin).patch(f"/users/{org.rep_a.pk}", {"role": "admin"})

    assert promoted.status_code == 200
    org.rep_a.refresh_from_db()
    assert org.rep_a.role == Role.ADMIN
    assert org.rep_a.is_staff


def test_nobody_demotes_or_deactivates_themselves(org, client_for):
    c = client_for(org.ops)
    response = c.patch(f"/users/{org.ops.pk}", {"role": "rep", "is_active": False})

    assert response.status_code == 422
    assert {"role", "is_active"} <= set(response.json()["errors"])
    assert _state(org.ops)[0] == Role.SALES_OPS
    assert _state(org.ops)[3] is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"language": "fr"}, "language"),
        ({"role": "king"}, "role"),
        ({"team_id": 999999}, "team_id"),
        ({"display_name": "x" * 121}, "display_name"),
    ],
)
def test_bad_values_are_422_on_the_field_and_save_nothing(body, field, org, client_for):
    before = _state(org.rep_a)
    history = org.rep_a.history.count()

    response = client_for(org.ops).patch(f"/users/{org.rep_a.pk}", body)

    assert response.status_code == 422, response.content
    assert any(key.endswith(field) for key in response.json()["errors"]), response.json()
    assert _state(org.rep_a) == before
    assert org.rep_a.history.count() == history


def test_unknown_user_is_404(org, client_for):
    assert client_for(org.ops).patch("/users/999999", {"display_name": "Nobody"}).status_code == 404


@pytest.mark.parametrize("body", [{}, {"name": "Renamed"}])
def test_team_change_with_a_stale_version_is_refused_even_when_it_changes_nothing(org, client_for, body):
    c = client_for(org.ops)
    org.team_a.refresh_from_db()
    stale = {"If-Match": f'"{org.team_a.version + 1}"'}

    response = c.patch(f"/teams/{org.team_a.pk}", body, **stale)

    assert response.status_code == 412, response.content
    org.team_a.refresh_from_db()
    assert org.team_a.name != "Renamed"


def test_team_change_that_changes_nothing_with_the_current_version_answers_the_team(org, client_for):
    c = client_for(org.ops)
    org.team_a.refresh_from_db()
    version = org.team_a.version

    response = c.patch(f"/teams/{org.team_a.pk}", {}, **{"If-Match": f'"{version}"'})

    assert response.status_code == 200, response.content
    assert response.json()["version"] == version
