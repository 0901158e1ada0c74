"""Request types for the pages and the API.

A view behind ``login_required`` (or an API operation behind an authenticator) only ever sees a
signed-in user; annotating its request as ``AuthenticatedHttpRequest`` says so to the type
checker, so the view passes ``request.user`` to services and policies that take a ``User``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:  # core imports no app at run time
    from opensrm.people.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """An ``HttpRequest`` whose user is signed in (never ``AnonymousUser``)."""

    user: User
