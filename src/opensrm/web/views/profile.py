from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.web.forms import PreferencesForm
from opensrm.web.services import user_preferences_update
from opensrm.web.views.base import crumbs

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _set_cookie(response: HttpResponse, language: str) -> None:
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            user_preferences_update(user=user, data=form.cleaned_data)
            if user.language:
                translation.activate(user.language)
            messages.success(request, _("Your preferences are saved."))
            response = HttpResponseRedirect(reverse("web:profile"))
            _set_cookie(response, user.language)
            return response
    else:
        form = PreferencesForm(
            initial={
                "display_name": user.display_name,
                "email": user.email,
                "language": user.language,
                "time_zone": user.time_zone,
            }
        )
    return render(request, "web/profile.html", {"form": form, "breadcrumbs": crumbs((_("Profile"), ""))})


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's set_language, and for a signed-in user the choice is kept on their profile too."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in LANGUAGES and request.user.language != language:
        user_preferences_update(user=request.user, data={"language": language})
    return response
