"""``GET /{resource}/{id}/history``, one cursor page at a time.

A long-lived record collects thousands of changes; the history is read newest first, a page
at a time, and a page costs one query wherever it is. The cursor names the last event shown
(its time and id), so events written meanwhile do not shift the pages already read.
"""

import datetime as dt
from dataclasses import replace
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from opensrm.core.api.crud import ERR_READ, HistoryEvent, Resource, register
from opensrm.core.api.errors import Problem
from opensrm.core.api.pagination import PageParams
from opensrm.core.cursor import cursor_datetime, cursor_id, decode_cursor, encode_cursor
from opensrm.core.selectors import record_history_page


class HistoryPage(Schema):
    items: list[HistoryEvent]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to read older events; null on the last page."
    )
    next: str | None = Field(None, description="The URL of the next page; null on the last.")


_CURSOR_KEYS = frozenset({"at", "id"})


def _encode(at: dt.datetime, history_id: int) -> str:
    return encode_cursor({"at": at.isoformat(), "id": history_id})


def _decode(cursor: str) -> tuple[dt.datetime, int]:
    payload = decode_cursor(cursor, _CURSOR_KEYS)
    return cursor_datetime(payload["at"]), cursor_id(payload["id"])


def history_page(request: HttpRequest, instance: Any, page: PageParams) -> dict[str, Any]:
    before = _decode(page.cursor) if page.cursor else None
    events, more = record_history_page(instance=instance, limit=page.limit, before=before)
    next_cursor = next_url = None
    if more:
        next_cursor = _encode(events[-1]["at"], events[-1]["id"])
        params = request.GET.copy()
        params["cursor"] = next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    return {"items": events, "next_cursor": next_cursor, "next": next_url}


def register_history(router: Router, res: Resource[Any]) -> None:
    """Add the paginated history endpoint of ``res`` to ``router``."""
    name = res.name
    singular = name.replace("-", "_")

    @router.get(
        f"/{name}/{{id}}/history",
        response={200: HistoryPage, **ERR_READ, 422: Problem},
        operation_id=f"{singular}_history",
        tags=[name],
        summary=f"History of one of {name}, newest first",
    )
    def history_(request: HttpRequest, id: int, page: Query[PageParams]) -> Any:
        return history_page(request, res.get(request, id), page)


def register_resource(router: Router, res: Resource[Any]) -> None:
    """:func:`opensrm.core.api.crud.register`, with the history endpoint paginated."""
    register(router, replace(res, history=False))
    if res.history:
        register_history(router, res)
