"""Who is calling: a signed-in browser session (with CSRF) or a bearer API token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from opensrm.core.api.tokens import api_token_authenticate
from opensrm.core.models import ApiToken

if TYPE_CHECKING:  # core imports no app at run time; the user model is settings.AUTH_USER_MODEL
    from opensrm.people.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer osrm_<prefix>_<secret>``; a read-scoped token may only read."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = api_token_authenticate(raw=token)
        if api_token is None:
            # A bad token is an error even if a session cookie came along: the client meant it.
            raise AuthenticationError()
        if request.method not in SAFE_METHODS and ApiToken.SCOPE_WRITE not in api_token.scopes:
            raise AuthorizationError(message=_("This API token may only read; create one with the write scope."))
        request.api_token = api_token  # type: ignore[attr-defined]
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """The Django session of a signed-in user. Unsafe methods need the CSRF token.

    CSRF is checked only once the session is known to be signed in, so an anonymous client
    gets 401 (sign in) rather than 403.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise AuthorizationError(message=_("CSRF check failed: send the X-CSRFToken header."))
        return user


bearer_auth = BearerTokenAuth()
session_auth = SessionAuth()
api_auth = [bearer_auth, session_auth]


def actor(request: HttpRequest) -> User:
    """The authenticated user of an API request."""
    return request.auth  # type: ignore[attr-defined]  # set by ninja once an authenticator accepts the request
