"""Activate the signed-in user's language and time zone for the request."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

LANGUAGES = {code for code, _name in settings.LANGUAGES}


class UserPreferencesMiddleware:
    """A saved preference beats the browser's Accept-Language; the cookie follows the user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        tz_activated = False
        if user is not None and user.is_authenticated:
            if user.language in LANGUAGES:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            if user.time_zone:
                try:
                    timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
                    tz_activated = True
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    pass
        try:
            return self.get_response(request)
        finally:
            if tz_activated:
                timezone.deactivate()
