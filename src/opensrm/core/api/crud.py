"""Build the standard endpoints of one resource: list, create, read, update, delete, history.

Every resource reads through :func:`opensrm.core.visibility.visible` (an invisible record is
404, never 403) and writes through its services. A resource only declares its schemas,
filters, orderings and the services to call; the HTTP rules (ETag, If-Match, problem
documents, cursor pages) are the same everywhere because they live here.

This module deliberately does not use postponed annotations: ninja reads the endpoint
signatures, whose types are only known inside :func:`register`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, FilterSchema, Query, Router, Schema, Status
from pydantic import create_model

from opensrm.core.api.auth import actor
from opensrm.core.api.errors import Problem
from opensrm.core.api.etag import openapi, required_version, set_etag
from opensrm.core.api.fastjson import page_response
from opensrm.core.api.pagination import Page, PageParams, ordering_choices, paginate
from opensrm.core.selectors import record_history
from opensrm.core.services import check_write, record_create, record_delete, record_update
from opensrm.core.visibility import get_visible, visible

if TYPE_CHECKING:  # core imports no app at run time; the user model is settings.AUTH_USER_MODEL
    from opensrm.people.models import User

ERR_READ = {401: Problem, 404: Problem}
ERR_LIST = {401: Problem, 422: Problem}
ERR_CREATE = {401: Problem, 403: Problem, 409: Problem, 422: Problem}
ERR_WRITE = {401: Problem, 403: Problem, 404: Problem, 409: Problem, 412: Problem, 422: Problem, 428: Problem}


class HistoryChange(Schema):
    field: str
    old: Any = None
    new: Any = None


class HistoryEvent(Schema):
    id: int
    at: Any
    type: str
    actor_id: int | None = None
    actor: str | None = None
    changes: list[HistoryChange]


class HistoryOut(Schema):
    items: list[HistoryEvent]


class ListParams(PageParams):
    q: str | None = Field(None, max_length=200, pattern=r"^[^\x00]*$", description="Search text")


def list_params(res: "Resource[Any]") -> type[ListParams]:
    """The query parameters of ``res``'s list: its orderings are an enum, so the schema says them."""
    singular = res.name.replace("-", "_")
    choices = ordering_choices(res.ordering)
    ordering = Enum(  # type: ignore[misc]  # the members are the resource's orderings, known at run time
        "".join(part.title() for part in singular.split("_")) + "Ordering",
        {choice.replace("-", "desc_") or choice: choice for choice in choices},
        type=str,
    )
    return create_model(
        f"{ordering.__name__}Params",
        __base__=ListParams,
        ordering=(
            ordering | None,
            Field(
                None,
                description=f"Sort by a field, `-` first for descending; default `{res.default_ordering}`. "
                "Ties are broken by id.",
            ),
        ),
    )


def to_service_data(payload: Mapping[str, Any], fk_names: set[str]) -> dict[str, Any]:
    """API names → model names: ``account_id`` is the ``account`` foreign key."""
    data: dict[str, Any] = {}
    for key, value in payload.items():
        name = key[:-3] if key.endswith("_id") and key[:-3] in fk_names else key
        data[name] = value
    return data


def fk_names_of(model: type[Model]) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if f.is_relation}


M = TypeVar("M", bound=Model)


@dataclass
class Resource(Generic[M]):
    name: str  # the URL segment, plural ("accounts")
    model: type[M]
    out: type[Schema]
    filters: type[FilterSchema]
    create_in: type[Schema] | None = None
    patch_in: type[Schema] | None = None
    ordering: tuple[str, ...] = ("id", "created_at", "updated_at")
    default_ordering: str = "-id"
    search: tuple[str, ...] = ("name",)
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[Any, ...] = ()
    create: Callable[["User", dict[str, Any]], M] | None = None
    update: Callable[[M, "User", dict[str, Any], int], M] | None = None
    delete: Callable[[M, "User", int | None], Any] | None = None  # the version: None when unversioned
    versioned: bool = True
    deletable: bool = True
    history: bool = True
    extra_fk: set[str] = field(default_factory=set)

    def queryset(self) -> QuerySet[Any]:
        qs = self.model._default_manager.all()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs

    def get(self, request: HttpRequest, pk: Any) -> Any:
        return get_visible(actor(request), self.queryset(), pk)

    def service_data(self, payload: Mapping[str, Any]) -> dict[str, Any]:
        return to_service_data(payload, fk_names_of(self.model) | self.extra_fk)


def register(router: Router, res: Resource[Any]) -> None:
    """Add the standard endpoints of ``res`` to ``router``."""
    name = res.name
    singular = name.replace("-", "_")
    out = res.out
    filters_cls = res.filters
    params_cls = list_params(res)

    @router.get(
        f"/{name}",
        response={200: Page[out], **ERR_LIST},  # type: ignore[valid-type]  # the resource's schema, known at run time
        operation_id=f"{singular}_list",
        tags=[name],
        summary=f"List {name}",
    )
    # ninja reads each endpoint's schemas from its signature: the resource's own classes, which
    # the type checker cannot take as types; inside, they are used through their base classes.
    def list_(request: HttpRequest, filters: Query[filters_cls], params: Query[params_cls]) -> Any:  # type: ignore[valid-type]
        query: FilterSchema = filters
        page_params: ListParams = params
        qs = query.filter(visible(actor(request), res.queryset()))
        if page_params.q and res.search:
            term = Q()
            for path in res.search:
                term |= Q(**{f"{path}__icontains": page_params.q})
            qs = qs.filter(term)
        page = paginate(
            request,
            qs,
            ordering=params.ordering.value if params.ordering else res.default_ordering,  # type: ignore[attr-defined]
            allowed=res.ordering,
            page=params,
        )
        return page_response(out, page)

    @router.get(
        f"/{name}/{{id}}",
        response={200: out, **ERR_READ},
        operation_id=f"{singular}_get",
        tags=[name],
        summary=f"Read one of {name}",
        openapi_extra=openapi(etag=(200,) if res.versioned else ()),
    )
    def get_(request: HttpRequest, id: int, response: HttpResponse) -> Any:
        obj = res.get(request, id)
        set_etag(response, obj)
        return obj

    if res.create_in is not None:
        create_in = res.create_in

        @router.post(
            f"/{name}",
            response={201: out, **ERR_CREATE},
            operation_id=f"{singular}_create",
            tags=[name],
            summary=f"Create one of {name}",
            openapi_extra=openapi(etag=(201,) if res.versioned else ()),
        )
        def create_(request: HttpRequest, payload: create_in, response: HttpResponse) -> Any:  # type: ignore[valid-type]  # as in list_
            user = actor(request)
            # An omitted optional field arrives as None; leaving it out lets the model default
            # (and the service's own defaults, such as "the owner is the creator") apply.
            body: Schema = payload
            data = res.service_data({k: v for k, v in body.dict().items() if v is not None})
            obj = res.create(user, data) if res.create else record_create(model=res.model, actor=user, data=data)
            obj = res.get(request, obj.pk)
            set_etag(response, obj)
            response["Location"] = f"{request.path.rstrip('/')}/{obj.pk}"
            return Status(201, obj)

    if res.patch_in is not None:
        patch_in = res.patch_in

        @router.patch(
            f"/{name}/{{id}}",
            response={200: out, **ERR_WRITE},
            operation_id=f"{singular}_update",
            tags=[name],
            summary=f"Change one of {name} (send If-Match)",
            openapi_extra=openapi(if_match=True, etag=(200,) if res.versioned else ()),
        )
        def update_(request: HttpRequest, id: int, payload: patch_in, response: HttpResponse) -> Any:  # type: ignore[valid-type]  # as in list_
            user = actor(request)
            obj = res.get(request, id)
            check_write(user, res.model)
            version = required_version(request)
            body: Schema = payload
            data = res.service_data(body.dict(exclude_unset=True))
            if res.update:
                res.update(obj, user, data, version)
            else:
                record_update(instance=obj, actor=user, data=data, expected_version=version)
            obj = res.get(request, id)
            set_etag(response, obj)
            return obj

    if res.deletable:

        @router.delete(
            f"/{name}/{{id}}",
            response={204: None, **ERR_WRITE},
            operation_id=f"{singular}_delete",
            tags=[name],
            summary=f"Move one of {name} to the recycle bin (send If-Match)",
            openapi_extra=openapi(if_match=res.versioned),
        )
        def delete_(request: HttpRequest, id: int) -> Any:
            user = actor(request)
            obj = res.get(request, id)
            check_write(user, res.model)
            version = required_version(request) if res.versioned else None
            if res.delete:
                res.delete(obj, user, version)
            else:
                record_delete(instance=obj, actor=user, expected_version=version)
            return Status(204, None)

    if res.history:

        @router.get(
            f"/{name}/{{id}}/history",
            response={200: HistoryOut, **ERR_READ},
            operation_id=f"{singular}_history",
            tags=[name],
            summary=f"History of one of {name}",
        )
        def history_(request: HttpRequest, id: int) -> Any:
            obj = res.get(request, id)
            return {"items": record_history(instance=obj)}
