"""People and team settings pages: admins and sales ops manage users, roles, rep profiles and
teams from OpenSRM itself, invite people by e-mail, and the people services' rules hold."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings

from opensrm.people.models import RepProfile, Role, Team, User

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Strong-123"
LOCMEM = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}


def client_for(user) -> Client:
    """Signed in, reading the pages in English (the assertions use the English texts)."""
    c = Client(headers={"Accept-Language": "en"})
    assert c.login(username=user.username, password=PASSWORD)
    return c


def _user_post(person: User, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form": "user",
        "display_name": person.display_name,
        "role": person.role,
        "team": person.team_id or "",
        "language": person.language,
        "time_zone": person.time_zone,
    }
    if person.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_only_admins_and_sales_ops_reach_the_settings(org):
    for user in (org.rep_a, org.manager_a, org.viewer):
        c = client_for(user)
        assert c.get("/settings/people/").status_code == 403
        assert c.get("/settings/teams/").status_code == 403
        assert c.post("/settings/people/invite/", {"email": "x@example.com", "role": "rep"}).status_code == 403
        assert 'href="/settings/people/"' not in c.get("/").content.decode()
    ops = client_for(org.ops)
    assert 'href="/settings/people/"' in ops.get("/").content.decode()
    page = ops.get("/settings/people/").content.decode()
    assert "rep_a" in page
    assert "manager_b" in page


def test_sales_ops_changes_a_reps_team_and_the_history_names_them(org):
    ops = client_for(org.ops)
    response = ops.post(f"/settings/people/{org.rep_a.pk}/", _user_post(org.rep_a, team=org.team_b.pk))
    assert response.status_code == 302
    org.rep_a.refresh_from_db()
    assert org.rep_a.team == org.team_b
    assert org.rep_a.history.first().history_user == org.ops


def test_sales_ops_cannot_make_an_admin_and_nobody_changes_their_own_role(org):
    ops = client_for(org.ops)
    refused = ops.post(f"/settings/people/{org.rep_a.pk}/", _user_post(org.rep_a, role=Role.ADMIN))
    assert refused.status_code == 422
    org.rep_a.refresh_from_db()
    assert org.rep_a.role == Role.REP
    own = ops.post(f"/settings/people/{org.ops.pk}/", _user_post(org.ops, role=Role.REP))
    assert own.status_code == 422
    assert "own role" in own.content.decode()
    bad_zone = ops.post(f"/settings/people/{org.rep_a.pk}/", _user_post(org.rep_a, time_zone="Mars/Base"))
    assert bad_zone.status_code == 422
    assert "time zone" in bad_zone.content.decode()


def test_the_rep_profile_is_edited_on_the_same_page(org):
    ops = client_for(org.ops)
    response = ops.post(
        f"/settings/people/{org.rep_a.pk}/",
        {
            "form": "profile",
            "profile-home_city": "杭州",
            "profile-home_lat": "30.27",
            "profile-home_lon": "120.15",
            "profile-weekly_capacity_hours": "32",
            "profile-industries": "finance，retail",
            "profile-languages": "zh, en",
            "profile-product_lines": "",
        },
    )
    assert response.status_code == 302
    profile = RepProfile.objects.get(user=org.rep_a)
    assert profile.home_city == "杭州"
    assert float(profile.weekly_capacity_hours) == 32
    assert profile.industries == ["finance", "retail"]
    assert profile.languages == ["zh", "en"]
    negative = ops.post(f"/settings/people/{org.rep_a.pk}/", {"form": "profile", "profile-weekly_capacity_hours": "-5"})
    assert negative.status_code == 422
    profile.refresh_from_db()
    assert float(profile.weekly_capacity_hours) == 32


@override_settings(**LOCMEM)
def test_an_invitation_creates_the_user_and_mails_a_link_that_sets_the_password(org):
    ops = client_for(org.ops)
    response = ops.post(
        "/settings/people/invite/",
        {
            "email": "Wang.Fang@Example.cn",
            "display_name": "王芳",
            "role": "rep",
            "team": org.team_a.pk,
            "language": "zh-hans",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="wang.fang@example.cn")
    assert person.username == "wang.fang"
    assert person.team == org.team_a
    assert not person.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["wang.fang@example.cn"]
    assert "OpenSRM" in message.subject
    assert "邀请" in message.subject  # in the invitee's language
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    # The link is allauth's set-a-new-password page; following it lets the invitee choose one.
    invitee = Client()
    page = invitee.get(link, follow=True)
    assert page.status_code == 200
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    done = invitee.post(form_url, {"password1": "A-new-pass-2026!", "password2": "A-new-pass-2026!"})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("A-new-pass-2026!")
    # Inviting the same address twice is refused beside the field.
    again = ops.post("/settings/people/invite/", {"email": "wang.fang@example.cn", "role": "rep"})
    assert again.status_code == 422
    assert User.objects.filter(email__iexact="wang.fang@example.cn").count() == 1


def test_teams_are_created_renamed_and_moved(org):
    ops = client_for(org.ops)
    created = ops.post("/settings/teams/new/", {"name": "South", "parent": org.root.pk, "manager": ""})
    assert created.status_code == 302
    south = Team.objects.get(name="South")
    assert south.path.startswith(org.root.path)
    moved = ops.post(
        f"/settings/teams/{org.team_a.pk}/",
        {"name": "East region", "parent": south.pk, "manager": org.manager_a.pk, "version": org.team_a.version},
    )
    assert moved.status_code == 302
    org.team_a.refresh_from_db()
    org.team_a1.refresh_from_db()
    assert org.team_a.name == "East region"
    assert org.team_a.parent == south
    assert org.team_a1.path.startswith(org.team_a.path)  # the subtree followed
    below_itself = ops.post(
        f"/settings/teams/{south.pk}/", {"name": "South", "parent": org.team_a1.pk, "version": south.version}
    )
    assert below_itself.status_code == 422
    assert "East region" in ops.get("/settings/teams/").content.decode()
