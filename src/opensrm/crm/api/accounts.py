"""The account team: who, besides the owner, works on (and so sees) an account."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_READ, ERR_WRITE
from opensrm.core.errors import NotFound
from opensrm.core.services import check_write
from opensrm.core.visibility import get_visible
from opensrm.crm import selectors, services
from opensrm.crm.models import Account
from opensrm.crm.schemas import MemberIn, MemberOut
from opensrm.people.models import User
from opensrm.people.selectors import reference_or_error

router = Router()


@router.get(
    "/accounts/{id}/team",
    response={200: list[MemberOut], **ERR_READ},
    tags=["accounts"],
    operation_id="account_team_list",
    summary="Users on the account team",
)
def account_team_list(request: HttpRequest, id: int) -> Any:
    account = get_visible(actor(request), Account.objects.all(), id)
    return list(selectors.account_team(account=account))


@router.post(
    "/accounts/{id}/team",
    response={201: MemberOut, **ERR_WRITE},
    tags=["accounts"],
    operation_id="account_team_add",
    summary="Put a user on the account team",
)
def account_team_add(request: HttpRequest, id: int, payload: MemberIn) -> Any:
    user = actor(request)
    account = get_visible(user, Account.objects.all(), id)
    check_write(user, Account)
    member = services.account_team_member_add(
        account=account,
        user=reference_or_error(User, payload.user_id, "user_id"),
        actor=user,
        role=payload.role,
    )
    return Status(201, member)


@router.delete(
    "/accounts/{id}/team/{user_id}",
    response={204: None, **ERR_WRITE},
    tags=["accounts"],
    operation_id="account_team_remove",
    summary="Take a user off the account team",
)
def account_team_remove(request: HttpRequest, id: int, user_id: int) -> Any:
    user = actor(request)
    account = get_visible(user, Account.objects.all(), id)
    check_write(user, Account)
    # ``user__pk`` (not ``user_id``): an id out of the column's range then matches nothing.
    member = selectors.account_team(account=account).filter(user__pk=user_id).select_related("user").first()
    if member is None:
        raise NotFound(_("This user is not on the account team."))
    services.account_team_member_remove(account=account, user=member.user, actor=user)
    return Status(204, None)
