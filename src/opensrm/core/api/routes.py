"""Endpoints that belong to no single app: the recycle bin and the caller's API tokens."""

import datetime as dt
from enum import Enum
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from opensrm.core.api.auth import actor, session_auth
from opensrm.core.api.crud import ERR_LIST, ERR_WRITE
from opensrm.core.api.errors import Problem
from opensrm.core.api.pagination import Page, PageParams, paginate
from opensrm.core.api.schemas import InputSchema, Int
from opensrm.core.api.tokens import api_token_create, api_token_list, api_token_revoke
from opensrm.core.models import BaseModel
from opensrm.core.selectors import recycle_bin
from opensrm.core.services import (
    record_fields,
    record_purge,
    record_restore,
    recycle_bin_batch,
    recycle_bin_models,
    recycle_bin_record,
    restored_summary,
)

router = Router(tags=["platform"])

_LABELS = ("name", "subject", "number", "code")


def _label_of(model: type[BaseModel]) -> str:
    names = {f.name for f in model._meta.concrete_fields}
    for candidate in _LABELS:
        if candidate in names:
            return candidate
    if "user" in names:
        return "user__username"
    return "id"


def _type_name(model: type[BaseModel]) -> str:
    return model._meta.model_name.replace("repprofile", "rep_profile")  # type: ignore[union-attr]


BIN_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    _type_name(m): (m, _label_of(m)) for m in sorted(recycle_bin_models(), key=lambda m: m._meta.label)
}
RecordType = Enum("RecordType", {name: name for name in BIN_MODELS}, type=str)  # type: ignore[misc]


class BinItem(Schema):
    type: str
    id: int
    label: str
    deleted_at: dt.datetime | None
    deleted_by_id: int | None
    version: int


class BinParams(PageParams):
    type: RecordType


def _item(kind: str, obj: Any, label: Any = None) -> dict[str, Any]:
    """One bin row; ``label`` defaults to the ``bin_label`` the list query annotates."""
    return {
        "type": kind,
        "id": obj.pk,
        "label": str(obj.bin_label if label is None else label),
        "deleted_at": obj.deleted_at,
        "deleted_by_id": obj.deleted_by_id,
        "version": obj.version,
    }


@router.get(
    "/recycle-bin",
    response={200: Page[BinItem], **ERR_LIST},
    operation_id="recycle_bin_list",
    summary="Deleted records of one type, newest first",
)
def recycle_bin_list(request: HttpRequest, params: Query[BinParams]) -> Any:
    kind = params.type.value
    model, label = BIN_MODELS[kind]
    page = paginate(
        request,
        recycle_bin(user=actor(request), model=model, label=label),
        ordering="-deleted_at",
        allowed=("deleted_at",),
        page=params,
    )
    page["items"] = [_item(kind, obj) for obj in page["items"]]
    return page


class BatchCount(Schema):
    type: str
    name: str = Field(..., description="The record type, translated (singular or plural)")
    count: int


class Restored(BinItem):
    restored: list[BatchCount] = Field(..., description="Every record that came back, by type")
    detail: str = Field(..., description="What came back, in words")


class BinRecord(BinItem):
    fields: dict[str, str | None] = Field(..., description="The record's values, as shown")
    batch: list[BatchCount] = Field(..., description="What a restore would bring back, by type")


def _counts(counts: dict[type[BaseModel], int]) -> list[dict[str, Any]]:
    out = []
    for model, count in counts.items():
        meta = model._meta
        name = meta.verbose_name if count == 1 else meta.verbose_name_plural
        out.append({"type": _type_name(model), "name": str(name), "count": count})
    return out


@router.get(
    "/recycle-bin/{type}/{id}",
    response={200: BinRecord, 401: Problem, 404: Problem},
    operation_id="recycle_bin_read",
    summary="One deleted record, read-only, with what a restore would bring back",
)
def recycle_bin_read(request: HttpRequest, type: RecordType, id: int) -> Any:
    model, label = BIN_MODELS[type.value]
    obj = recycle_bin_record(model=model, pk=id, actor=actor(request))
    shown = model.all_objects.filter(pk=obj.pk).values_list(label, flat=True).first()
    return {
        **_item(type.value, obj, label=shown),
        "fields": {name: value for name, _verbose, value in record_fields(obj)},
        "batch": _counts(recycle_bin_batch(record=obj)),
    }


@router.post(
    "/recycle-bin/{type}/{id}/restore",
    response={200: Restored, **ERR_WRITE},
    operation_id="recycle_bin_restore",
    summary="Bring a record back, with everything deleted with it (all or nothing)",
)
def recycle_bin_restore(request: HttpRequest, type: RecordType, id: int) -> Any:
    model, label = BIN_MODELS[type.value]
    result = record_restore(model=model, pk=id, actor=actor(request))
    obj = result.record
    shown = model.objects.filter(pk=obj.pk).values_list(label, flat=True).first()
    return {
        "type": type.value,
        "id": obj.pk,
        "label": str(shown),
        "deleted_at": None,
        "deleted_by_id": None,
        "version": obj.version,
        "restored": _counts(result.counts),
        "detail": _("Restored: %(what)s.") % {"what": restored_summary(result.counts)},
    }


@router.delete(
    "/recycle-bin/{type}/{id}",
    response={204: None, **ERR_WRITE},
    operation_id="recycle_bin_purge",
    summary="Delete a record from the recycle bin permanently, with its batch (administrators)",
)
def recycle_bin_purge(request: HttpRequest, type: RecordType, id: int) -> Any:
    model, _label = BIN_MODELS[type.value]
    record_purge(model=model, pk=id, actor=actor(request))
    return Status(204, None)


# --- API tokens -----------------------------------------------------------------------------
class TokenIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=100)
    scopes: list[str] = Field(["read"], description="read, write (write implies read)")
    expires_in_days: Int | None = Field(None, ge=1, le=366)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenOut):
    token: str = Field(..., description="The secret: shown only now, store it safely.")


@router.get(
    "/tokens",
    response={200: list[TokenOut], 401: Problem},
    operation_id="token_list",
    summary="Your API tokens",
)
def token_list(request: HttpRequest) -> Any:
    return list(api_token_list(user=actor(request)))


@router.post(
    "/tokens",
    response={201: TokenCreated, 401: Problem, 403: Problem, 422: Problem},
    auth=[session_auth],
    operation_id="token_create",
    summary="Create an API token (signed-in sessions only; the secret is shown once)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    token, secret = api_token_create(
        user=actor(request), name=payload.name, scopes=payload.scopes, expires_in_days=payload.expires_in_days
    )
    out = TokenOut.from_orm(token).dict()
    return Status(201, {**out, "token": secret})


@router.delete(
    "/tokens/{id}",
    response={204: None, 401: Problem, 403: Problem, 404: Problem},
    operation_id="token_revoke",
    summary="Revoke one of your API tokens",
)
def token_revoke(request: HttpRequest, id: int) -> Any:
    api_token_revoke(token_id=id, actor=actor(request))
    return Status(204, None)
