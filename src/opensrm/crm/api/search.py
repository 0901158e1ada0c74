"""The global search over accounts, contacts, leads and opportunities."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from opensrm.core.api.auth import actor
from opensrm.core.api.crud import ERR_LIST
from opensrm.crm import selectors
from opensrm.crm.schemas import SearchOut

router = Router()


class SearchParams(Schema):
    q: str = Field(..., min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    limit: int = Field(10, ge=1, le=50, description="Hits per record type")


@router.get(
    "/search",
    response={200: SearchOut, **ERR_LIST},
    tags=["search"],
    operation_id="search",
    summary="Accounts, contacts, leads and opportunities matching q",
)
def search(request: HttpRequest, params: Query[SearchParams]) -> Any:
    return {"items": selectors.global_search(user=actor(request), q=params.q, limit=params.limit)}
