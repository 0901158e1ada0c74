"""Settings pages for administrators and sales ops: people (roles, teams, rep profiles,
invitations by e-mail) and the team tree. Every write goes through the people services, so
the same rules hold as in the API (only an administrator grants the administrator role,
nobody changes their own role, history names the actor)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.services import record_update
from opensrm.people.models import RepProfile, Role, Team, User
from opensrm.people.services import rep_profile_upsert, team_create, team_move, user_create, user_update
from opensrm.web.forms import domain_errors_to_form
from opensrm.web.views.base import crumbs

PAGE = 100


def _require_people_admin(user: User) -> None:
    if not (user.is_superuser or user.role in (Role.ADMIN, Role.SALES_OPS)):
        raise DjangoPermissionDenied(_("Only administrators and sales ops manage people and teams."))


def _language_choices() -> list[tuple[str, Any]]:
    return [("", gettext_lazy("Company default")), *settings.LANGUAGES]


class UserForm(forms.Form):
    display_name = forms.CharField(max_length=120, required=False, label=gettext_lazy("Display name"))
    role = forms.ChoiceField(choices=Role.choices, label=gettext_lazy("Role"))
    team = forms.ModelChoiceField(Team.objects.all(), required=False, label=gettext_lazy("Team"))
    is_active = forms.BooleanField(required=False, label=gettext_lazy("Active"))
    language = forms.ChoiceField(choices=_language_choices, required=False, label=gettext_lazy("Language"))
    time_zone = forms.CharField(
        max_length=64, required=False, label=gettext_lazy("Time zone"), help_text=gettext_lazy("e.g. Asia/Shanghai")
    )

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        if value and value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("This is not a known time zone, such as Asia/Shanghai."))
        return value


class RepProfileForm(forms.Form):
    home_city = forms.CharField(max_length=80, required=False, label=gettext_lazy("Home city"))
    home_lat = forms.FloatField(min_value=-90, max_value=90, required=False, label=gettext_lazy("Home latitude"))
    home_lon = forms.FloatField(min_value=-180, max_value=180, required=False, label=gettext_lazy("Home longitude"))
    weekly_capacity_hours = forms.DecimalField(
        min_value=0, max_value=168, decimal_places=1, label=gettext_lazy("Weekly capacity (hours)")
    )
    max_accounts = forms.IntegerField(
        min_value=0, max_value=100_000, required=False, label=gettext_lazy("Maximum accounts")
    )
    industries = forms.CharField(
        max_length=500,
        required=False,
        label=gettext_lazy("Industries"),
        help_text=gettext_lazy("Comma-separated codes"),
    )
    languages = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Languages"), help_text=gettext_lazy("e.g. zh, en")
    )
    product_lines = forms.CharField(max_length=500, required=False, label=gettext_lazy("Product lines"))

    LISTS = ("industries", "languages", "product_lines")

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in self.LISTS:
            data[name] = [part.strip() for part in data[name].replace("，", ",").split(",") if part.strip()]
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    username = forms.RegexField(
        regex=r"^[\w.@+-]{1,150}$",
        required=False,
        label=gettext_lazy("Username"),
        help_text=gettext_lazy("Leave empty to use the part of the e-mail address before the @."),
    )
    display_name = forms.CharField(max_length=120, required=False, label=gettext_lazy("Display name"))
    role = forms.ChoiceField(choices=Role.choices, initial=Role.REP, label=gettext_lazy("Role"))
    team = forms.ModelChoiceField(Team.objects.all(), required=False, label=gettext_lazy("Team"))
    language = forms.ChoiceField(choices=_language_choices, required=False, label=gettext_lazy("Language"))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address exists already."))
        return email


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Name"))
    parent = forms.ModelChoiceField(Team.objects.all(), required=False, label=gettext_lazy("Parent team"))
    manager = forms.ModelChoiceField(
        User.objects.filter(is_active=True).order_by("display_name", "username"),
        required=False,
        label=gettext_lazy("Manager"),
    )


# --- people ------------------------------------------------------------------------------------
@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_people_admin(request.user)
    q = request.GET.get("q", "").strip()[:100]
    role = request.GET.get("role", "")
    users = User.objects.select_related("team").order_by("team__path", "display_name", "username")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q))
    if role in Role.values:
        users = users.filter(role=role)
    title = _("People")
    return render(
        request,
        "web/settings_users.html",
        {
            "users": list(users[:PAGE]),
            "more": users.count() > PAGE,
            "q": q,
            "role": role,
            "roles": Role.choices,
            "title": title,
            "breadcrumbs": crumbs((_("Settings"), ""), (title, "")),
        },
    )


@login_required
def user_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    actor = request.user
    _require_people_admin(actor)
    person = User.objects.select_related("team").filter(pk=pk).first()
    if person is None:
        raise Http404(_("The record does not exist."))
    profile = RepProfile.objects.filter(user=person).first()
    user_initial = {
        "display_name": person.display_name,
        "role": person.role,
        "team": person.team_id,
        "is_active": person.is_active,
        "language": person.language,
        "time_zone": person.time_zone,
    }
    profile_initial: dict[str, Any] = {"weekly_capacity_hours": 40}
    if profile is not None:
        profile_initial = {
            "home_city": profile.home_city,
            "home_lat": profile.home_lat,
            "home_lon": profile.home_lon,
            "weekly_capacity_hours": profile.weekly_capacity_hours,
            "max_accounts": profile.max_accounts,
            **{name: ", ".join(getattr(profile, name)) for name in RepProfileForm.LISTS},
        }
    status = 200
    if request.method == "POST" and request.POST.get("form") == "profile":
        user_form = UserForm(initial=user_initial)
        profile_form = RepProfileForm(request.POST, prefix="profile")
        if profile_form.is_valid():
            try:
                rep_profile_upsert(user=person, actor=actor, data=profile_form.service_data())
            except DomainError as exc:
                domain_errors_to_form(profile_form, exc)
            else:
                messages.success(request, _("Rep profile of %(name)s saved.") % {"name": person})
                return HttpResponseRedirect(reverse("web:settings_user", args=[person.pk]))
        status = 422
    elif request.method == "POST":
        user_form = UserForm(request.POST)
        profile_form = RepProfileForm(initial=profile_initial, prefix="profile")
        if user_form.is_valid():
            changed = {k: v for k, v in user_form.cleaned_data.items() if v != getattr(person, k)}
            try:
                if changed:
                    user_update(user=person, actor=actor, data=changed)
            except DomainError as exc:
                domain_errors_to_form(user_form, exc)
            else:
                messages.success(request, _("Changes to “%(name)s” saved.") % {"name": person})
                return HttpResponseRedirect(reverse("web:settings_user", args=[person.pk]))
        status = 422
    else:
        user_form = UserForm(initial=user_initial)
        profile_form = RepProfileForm(initial=profile_initial, prefix="profile")
    title = str(person)
    return render(
        request,
        "web/settings_user.html",
        {
            "person": person,
            "user_form": user_form,
            "profile_form": profile_form,
            "title": title,
            "invited": not person.has_usable_password() and person.last_login is None,
            "breadcrumbs": crumbs((_("People"), reverse("web:settings_users")), (title, "")),
        },
        status=status,
    )


def _send_invitation(request: HttpRequest, person: User) -> None:
    """A link to choose a password (allauth's reset-from-key page), in the person's language."""
    link = request.build_absolute_uri(
        reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(person), "key": default_token_generator.make_token(person)},
        )
    )
    with override(person.language or settings.LANGUAGE_CODE):
        subject = _("You are invited to OpenSRM")
        body = _(
            "%(inviter)s has invited you to OpenSRM as %(role)s.\n\n"
            "Your username is %(username)s. Choose your password here (the link works once):\n%(link)s\n"
        ) % {"inviter": request.user, "role": person.get_role_display(), "username": person.username, "link": link}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email], fail_silently=False)


@login_required
def user_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    _require_people_admin(actor)
    status = 200
    if request.method == "POST":
        form = InviteForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            username = data["username"] or data["email"].split("@", 1)[0]
            try:
                with transaction.atomic():
                    person = user_create(
                        username=username,
                        password=None,
                        role=data["role"],
                        team=data["team"],
                        email=data["email"],
                        display_name=data["display_name"],
                        actor=actor,
                    )
                    if data["language"]:
                        person = user_update(user=person, actor=actor, data={"language": data["language"]})
                    _send_invitation(request, person)
            except DomainError as exc:
                domain_errors_to_form(form, exc)
            else:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
                return HttpResponseRedirect(reverse("web:settings_user", args=[person.pk]))
        status = 422
    else:
        form = InviteForm()
    title = _("Invite a user")
    return render(
        request,
        "web/settings_form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": reverse("web:settings_users"),
            "submit_label": _("Send invitation"),
            "breadcrumbs": crumbs((_("People"), reverse("web:settings_users")), (title, "")),
        },
        status=status,
    )


@login_required
@require_POST
def user_reinvite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_people_admin(request.user)
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404(_("The record does not exist."))
    if not person.email:
        messages.error(request, _("This user has no e-mail address."))
    else:
        _send_invitation(request, person)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": person.email})
    return HttpResponseRedirect(reverse("web:settings_user", args=[person.pk]))


# --- teams -------------------------------------------------------------------------------------
@login_required
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_people_admin(request.user)
    teams = list(Team.objects.select_related("manager", "parent").order_by("path"))
    counts = dict(
        User.objects.filter(is_active=True, team__isnull=False).values_list("team_id").annotate(n=Count("id"))
    )
    rows = [(team, team.path.count("."), counts.get(team.pk, 0)) for team in teams]
    title = _("Teams")
    return render(
        request,
        "web/settings_teams.html",
        {"rows": rows, "title": title, "breadcrumbs": crumbs((_("Settings"), ""), (title, ""))},
    )


@login_required
def team_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    actor = request.user
    _require_people_admin(actor)
    team = Team.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and team is None:
        raise Http404(_("The record does not exist."))
    initial = {"name": team.name, "parent": team.parent_id, "manager": team.manager_id} if team else {}
    status = 200
    if request.method == "POST":
        form = TeamForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    if team is None:
                        team = team_create(
                            actor=actor, name=data["name"], parent=data["parent"], manager=data["manager"]
                        )
                    else:
                        version = int(request.POST.get("version") or team.version)
                        if data["parent"] != team.parent:
                            team = team_move(team=team, parent=data["parent"], actor=actor, expected_version=version)
                            version = team.version
                        if data["name"] != team.name or data["manager"] != team.manager:
                            team = record_update(
                                instance=team,
                                actor=actor,
                                data={"name": data["name"], "manager": data["manager"]},
                                expected_version=version,
                            )
            except DomainError as exc:
                domain_errors_to_form(form, exc)
            else:
                messages.success(request, _("Team “%(name)s” saved.") % {"name": team})
                return HttpResponseRedirect(reverse("web:settings_teams"))
        status = 422
    else:
        form = TeamForm(initial=initial)
    title = _("Edit %(name)s") % {"name": team} if team else _("New team")
    return render(
        request,
        "web/settings_form.html",
        {
            "form": form,
            "title": title,
            "version": team.version if team else "",
            "cancel_url": reverse("web:settings_teams"),
            "submit_label": _("Save"),
            "breadcrumbs": crumbs((_("Teams"), reverse("web:settings_teams")), (title, "")),
        },
        status=status,
    )
