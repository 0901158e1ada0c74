"""Personal API tokens: ``osrm_<prefix>_<secret>``.

Only a SHA-256 hash of the secret is stored, so the secret is shown once, at creation. The
prefix is public and indexes the lookup; the hash is compared in constant time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from opensrm.core.errors import NotFound, ValidationFailed
from opensrm.core.models import ApiToken

if TYPE_CHECKING:  # core imports no app at run time; the user model is settings.AUTH_USER_MODEL
    from opensrm.people.models import User

TOKEN_SCHEME = "osrm"
MAX_DAYS = 366
# Recording every use would turn each read into a write; a minute's resolution is enough to
# tell a live token from a forgotten one.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Sequence[str],
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the token and its secret (the only time it is known)."""
    errors: dict[str, list[str]] = {}
    valid_scopes = {ApiToken.SCOPE_READ, ApiToken.SCOPE_WRITE}
    if not name.strip():
        errors["name"] = [_("This field cannot be blank.")]
    if not scopes or set(scopes) - valid_scopes:
        errors["scopes"] = [_("Choose from: %s") % ", ".join(sorted(valid_scopes))]
    days = settings.OPENSRM["API_TOKEN_DEFAULT_DAYS"] if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_DAYS:
        errors["expires_in_days"] = [_("Choose between 1 and %d days.") % MAX_DAYS]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    scope_list = sorted(set(scopes))
    if ApiToken.SCOPE_WRITE in scope_list and ApiToken.SCOPE_READ not in scope_list:
        scope_list = sorted([*scope_list, ApiToken.SCOPE_READ])  # writing implies reading
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        prefix=prefix,
        key_hash=_hash(secret),
        scopes=scope_list,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    return token, f"{TOKEN_SCHEME}_{prefix}_{secret}"


def api_token_revoke(*, token_id: int, actor: User) -> ApiToken:
    """Revoke one of ``actor``'s own tokens. Revoking twice is harmless."""
    token = ApiToken.objects.filter(pk=token_id, user=actor).first()
    if token is None:
        raise NotFound(_("The API token does not exist."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
    return token


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token ``raw`` stands for, or ``None`` (unknown, wrong secret, expired, revoked)."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    token = ApiToken.objects.select_related("user", "user__team").filter(prefix=parts[1]).first()
    # Hash even when the prefix is unknown so timing does not tell which prefixes exist.
    presented = _hash(parts[2])
    expected = token.key_hash if token is not None else _hash("")
    if not hmac.compare_digest(presented, expected) or token is None:
        return None
    now = timezone.now()
    if token.revoked_at is not None or token.expires_at <= now or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
