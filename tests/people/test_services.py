from __future__ import annotations

import pytest

from opensrm.core.errors import PermissionDenied, ValidationFailed
from opensrm.core.visibility import manager_subtree_users
from opensrm.people.models import RepProfile, Team, User
from opensrm.people.services import rep_profile_upsert, team_create, team_move, user_create

pytestmark = pytest.mark.django_db


def test_team_tree_moves_carry_the_subtree(org):
    new_region = team_create(actor=org.admin, name="West", parent=org.root)
    team_move(team=org.team_a, parent=new_region, actor=org.admin, expected_version=None)
    org.team_a1.refresh_from_db()
    assert org.team_a1.path.startswith(new_region.path)
    assert set(Team.objects.filter(path__startswith=new_region.path)) == {new_region, org.team_a, org.team_a1}
    with pytest.raises(ValidationFailed):
        team_move(team=new_region, parent=org.team_a1, actor=org.admin, expected_version=None)


def test_manager_subtree_users(org):
    assert set(manager_subtree_users(org.manager_a)) == {org.manager_a, org.rep_a, org.rep_a1}
    assert set(manager_subtree_users(org.rep_a)) == {org.rep_a}


def test_user_create_validates_role_and_username(org):
    with pytest.raises(ValidationFailed) as err:
        user_create(username="x", password="p", role="emperor")
    assert "role" in err.value.field_errors
    with pytest.raises(ValidationFailed):
        user_create(username="rep_a", password="p")
    with pytest.raises(PermissionDenied):
        user_create(username="new", password="p", actor=org.rep_a)


def test_rep_profile_upsert_writes_history(org):
    profile = rep_profile_upsert(
        user=org.rep_a,
        actor=org.ops,
        data={
            "home_city": "Shanghai",
            "home_lat": 31.23,
            "home_lon": 121.47,
            "weekly_capacity_hours": 32,
            "industries": ["manufacturing"],
            "languages": ["zh", "en"],
        },
    )
    profile = rep_profile_upsert(user=org.rep_a, actor=org.ops, data={"weekly_capacity_hours": 36})
    assert RepProfile.objects.count() == 1
    assert profile.version == 2
    assert [h.history_user for h in profile.history.all()] == [org.ops, org.ops]


def test_only_an_admin_creates_admins(org):
    with pytest.raises(PermissionDenied):
        user_create(username="sneaky", password="p", role="admin", actor=org.ops)
    with pytest.raises(PermissionDenied):
        user_create(username="sneaky2", password="p", role="rep", is_superuser=True, actor=org.ops)
    assert not User.objects.filter(username__startswith="sneaky").exists()
    assert user_create(username="second_admin", password="p", role="admin", actor=org.admin).role == "admin"
