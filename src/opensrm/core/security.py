"""The security log: every sign-in and failed sign-in, with where it came from.

Django records a sign-in by saving ``last_login`` on the user, which writes a history row
with no change in it; history records changes to records, so the timestamp is written with a
plain UPDATE instead and the sign-in itself goes to :class:`SecurityEvent`.
"""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.utils import timezone

from opensrm.core.models import SecurityEvent, SecurityEventKind


def _client(request: Any) -> tuple[str | None, str]:
    if request is None:
        return None, ""
    try:
        ip: str | None = get_adapter(request).get_client_ip(request)
    except Exception:  # no usable address (a test client, a misconfigured proxy): log without it
        ip = request.META.get("REMOTE_ADDR") or None
    return ip, request.META.get("HTTP_USER_AGENT", "")[:300]


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    now = timezone.now()
    get_user_model()._default_manager.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
    ip, agent = _client(request)
    SecurityEvent.objects.create(
        kind=SecurityEventKind.LOGIN, user=user, username=user.get_username()[:150], ip=ip, user_agent=agent
    )


def on_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    tried = str(credentials.get("username") or credentials.get("email") or credentials.get("login") or "")
    ip, agent = _client(request)
    SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN_FAILED, username=tried[:150], ip=ip, user_agent=agent)


def connect() -> None:
    # Django's own receiver saves the whole user (and so writes a history row): replace it.
    user_logged_in.disconnect(dispatch_uid="update_last_login")
    user_logged_in.connect(on_login, dispatch_uid="opensrm_security_login")
    user_login_failed.connect(on_login_failed, dispatch_uid="opensrm_security_login_failed")
