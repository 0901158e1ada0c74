"""Who sees what: the one visibility rule, in one place.

Every read in OpenSRM (API, pages, search, exports, reports) filters its queryset through
:func:`visible`, so they can never disagree.

The rule:

* admin, sales ops and viewer (and superusers) see everything; viewer cannot write;
* a manager sees what is owned by anyone in their team's subtree, plus what a rep would see;
* a rep sees what they own, and everything on an account they own or are on the account
  team of;
* reference data without an owner (teams, territories, pipelines, stages, products) is
  visible to every signed-in user and writable by admin and sales ops only.

Whatever grants a user sight of a whole account beyond owning it (the CRM's account team) is
registered by the app that owns it, with :func:`register_account_grant` in its
``AppConfig.ready()``: core imports no app.

A model opts in by declaring ``visibility_owner`` (field path to the owning user) and
``visibility_account`` (field path to the account, ``""`` for the account itself, ``None``
when the record has no account).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from opensrm.core.errors import NotFound
from opensrm.core.roles import Role

if TYPE_CHECKING:  # core imports no app at run time; the user model is settings.AUTH_USER_MODEL
    from opensrm.people.models import User

WRITE_ROLES_REFERENCE = (Role.ADMIN, Role.SALES_OPS)

AccountGrant = Callable[[Any], QuerySet[Any]]
"""``grant(owners)``: the ids (one ``account_id`` column) of the accounts ``owners`` (a list of
user ids or a ``values("pk")`` query of users) may see on top of those they own."""

_account_grants: list[AccountGrant] = []


def register_account_grant(grant: AccountGrant) -> None:
    """Let the users a grant names see the whole account (and every record on it). Registering
    the same grant twice keeps one."""
    if grant not in _account_grants:
        _account_grants.append(grant)


def _granted_accounts(owners: Any) -> list[QuerySet[Any]]:
    return [grant(owners) for grant in _account_grants]


def _prefix(path: str) -> str:
    return f"{path}__" if path else ""


def _team_path(user: User) -> str | None:
    if user.role != Role.MANAGER or user.team_id is None:
        return None
    team = user.team
    return team.path if team is not None else None


def visibility_q(user: User, model: type[Model]) -> Q | None:
    """The filter for ``model`` as seen by ``user``; ``None`` means no restriction."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    if user.sees_everything:
        return None
    owner_path: str | None = getattr(model, "visibility_owner", None)
    account_path: str | None = getattr(model, "visibility_account", None)
    if owner_path is None and account_path is None:
        return None  # reference data
    team_path = _team_path(user)
    # The owner branch is ``owner_id IN (small list)``, indexable. The account branch of a
    # child record (contact, opportunity, ...) follows its account_id to the account's primary
    # key and checks that account's owner there: a list page ordered by id walks rows in
    # order and stops after one page, so each row costs one primary-key lookup. (Building the
    # full list of visible account ids instead costs a manager tens of milliseconds on every
    # query, however few rows it returns.)
    owners: Any = [user.pk]
    if team_path is not None:
        owners = get_user_model().objects.filter(Q(pk=user.pk) | Q(team__path__startswith=team_path)).values("pk")
    granted = _granted_accounts(owners)
    q = Q()
    if owner_path is not None:
        q |= Q(**{f"{owner_path}_id__in": owners})
    if account_path == "":
        for accounts in granted:
            q |= Q(pk__in=accounts)
    elif account_path is not None:
        q |= Q(**{f"{account_path}__owner_id__in": owners})
        for accounts in granted:
            q |= Q(**{f"{account_path}_id__in": accounts})
    return q


def visible(user: User, queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset`` restricted to what ``user`` may see."""
    q = visibility_q(user, queryset.model)
    return queryset if q is None else queryset.filter(q)


def find_visible(
    user: User, source: type[Model] | QuerySet[Any], pk: Any, *, related: tuple[str, ...] = ()
) -> Any:
    """The record ``pk`` of ``source`` (a model or a queryset) if ``user`` may see it, else
    ``None``; ``related`` is passed to ``select_related``. The one "read one record" of the API
    and the pages."""
    qs = source if isinstance(source, QuerySet) else source._default_manager.all()
    qs = visible(user, qs)
    if related:
        qs = qs.select_related(*related)
    return qs.filter(pk=pk).first()


def get_visible(
    user: User, source: type[Model] | QuerySet[Any], pk: Any, *, related: tuple[str, ...] = ()
) -> Any:
    """:func:`find_visible`, raising ``NotFound`` when there is no such record or ``user`` may not
    see it: the same answer either way, so nothing about an invisible record leaks."""
    obj = find_visible(user, source, pk, related=related)
    if obj is None:
        raise NotFound(_("The record does not exist."))
    return obj


def can_see(user: User, obj: Model) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_write(user: User, model: type[Model]) -> bool:
    """Whether ``user`` may create or change records of ``model`` at all (row visibility aside)."""
    if not getattr(user, "is_authenticated", False) or user.is_read_only:
        return False
    if user.is_superuser or user.role in WRITE_ROLES_REFERENCE:
        return True
    is_reference = (
        getattr(model, "visibility_owner", None) is None and getattr(model, "visibility_account", None) is None
    )
    return not is_reference


def manager_subtree_users(user: User) -> QuerySet[User]:
    """Users whose records ``user`` sees by hierarchy (themselves included)."""
    users = get_user_model().objects
    if user.sees_everything:
        return users.filter(is_active=True)
    team_path = _team_path(user)
    if team_path is None:
        return users.filter(pk=user.pk)
    return users.filter(Q(pk=user.pk) | Q(team__path__startswith=team_path), is_active=True)
