"""The generic list, detail, form and delete pages every record type shares.

Each area module (accounts, contacts, ...) describes its record type with a
:class:`Resource` and adds what is special about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from opensrm.core.errors import DomainError, VersionMismatch
from opensrm.core.http import AuthenticatedHttpRequest
from opensrm.core.models import BaseModel
from opensrm.core.services import record_create, record_delete, record_update
from opensrm.core.visibility import can_write, find_visible, visible
from opensrm.crm.services.customfields import displayed_values
from opensrm.people.models import User
from opensrm.web.bulk import bulk_context
from opensrm.web.forms import RecordForm
from opensrm.web.listing import (
    ListSpec,
    apply_filters,
    capped_count,
    chosen_columns,
    custom_filter_params,
    has_tags,
    paginate,
    table_rows,
    with_custom_fields,
)
from opensrm.web.models import SavedView
from opensrm.web.services import list_column_params


def _default_create(*, model: type[Model], actor: User, data: dict[str, Any]) -> Model:
    return record_create(model=model, actor=actor, data=data)


def _default_update(
    *, instance: Model, actor: User, data: dict[str, Any], expected_version: int | None
) -> Model:
    return record_update(instance=instance, actor=actor, data=data, expected_version=expected_version)


@dataclass
class Resource:
    key: str  # model name, used in url names: web:<key>_list
    model: type[BaseModel]
    list_spec: ListSpec
    form: type[RecordForm]
    detail_fields: list[str]
    select_related: tuple[str, ...] = ()
    create: Callable[..., Model] | None = None
    update: Callable[..., Model] | None = None
    extra_list_context: dict[str, Any] = field(default_factory=dict)
    # False where records are created elsewhere (a quote from its opportunity, an order by
    # booking): the list then offers no "New" button.
    creatable: bool = True

    @property
    def plural(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def singular(self) -> str:
        return str(self.model._meta.verbose_name)

    def url(self, action: str, *args: Any) -> str:
        return reverse(f"web:{self.key}_{action}", args=args)

    def do_create(self, actor: User, data: dict[str, Any]) -> Model:
        if self.create is not None:
            return self.create(actor=actor, data=data)
        return _default_create(model=self.model, actor=actor, data=data)

    def do_update(
        self, instance: Model, actor: User, data: dict[str, Any], expected_version: int | None
    ) -> Model:
        fn = self.update or _default_update
        return fn(instance=instance, actor=actor, data=data, expected_version=expected_version)


def crud(prefix: str, module: object, key: str, create_view: str | None = None) -> list[URLPattern]:
    """The list, new, detail, edit and delete routes of a record area, named ``<key>_<action>``."""
    return [
        path(f"{prefix}/", getattr(module, f"{key}_list"), name=f"{key}_list"),
        path(f"{prefix}/new/", getattr(module, create_view or f"{key}_create"), name=f"{key}_create"),
        path(f"{prefix}/<int:pk>/", getattr(module, f"{key}_detail"), name=f"{key}_detail"),
        path(f"{prefix}/<int:pk>/edit/", getattr(module, f"{key}_edit"), name=f"{key}_edit"),
        path(f"{prefix}/<int:pk>/delete/", getattr(module, f"{key}_delete"), name=f"{key}_delete"),
    ]


def crumbs(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(_("Home"), reverse("web:home")), *items]


def posted_version(request: HttpRequest) -> int | None:
    """The record version a page's form sent back (its hidden ``version`` input); None when the
    form sent none, or something that is not a version (the service then checks nothing)."""
    raw = request.POST.get("version", "").strip()
    return int(raw) if raw.isdigit() else None


def require_write(user: User, model: type[Model]) -> None:
    if not can_write(user, model):
        raise DjangoPermissionDenied(
            _("You are not allowed to change %(model)s.") % {"model": model._meta.verbose_name_plural}
        )


def visible_or_404(user: User, res: Resource, pk: Any) -> Any:
    obj = find_visible(user, res.model, pk, related=res.select_related)
    if obj is None:
        raise Http404(_("The record does not exist."))
    return obj


def list_page(
    request: AuthenticatedHttpRequest, res: Resource, *, spec: ListSpec | None = None, base_qs: Any = None
) -> HttpResponse:
    full_spec = with_custom_fields(spec or res.list_spec, res.model)
    user = request.user
    column_params, column_pref = list_column_params(user=user, page=res.key, params=request.GET, spec=full_spec)
    spec = chosen_columns(full_spec, column_params)
    qs = visible(user, base_qs if base_qs is not None else res.model.objects.all())
    if res.select_related:
        qs = qs.select_related(*res.select_related)
    qs = apply_filters(qs, spec, request.GET, user=user)
    # Sorting by a hidden column still works: the cursor keys come from the full spec.
    page = paginate(qs, full_spec, request.GET)
    total, more = capped_count(qs)
    context = {
        "res": res,
        "spec": spec,
        "page": page,
        "table": table_rows(page, spec, f"web:{res.key}_detail"),
        "q": request.GET.get("q", ""),
        "active_filters": {f.param: request.GET.get(f.param, "") for f in spec.filters},
        "can_create": res.creatable and can_write(user, res.model),
        "new_url": res.url("create") if res.creatable else "",
        "breadcrumbs": crumbs((res.plural, "")),
        "all_columns": full_spec.columns,
        "shown_columns": {c.path for c in spec.columns},
        "column_pref": column_pref,
        "tag_filter": has_tags(res.model),
        "tag": request.GET.get("tag", ""),
        "custom_filters": custom_filter_params(full_spec, request.GET),
        "total": total,
        "total_more": more,
        "bulk": bulk_context(user, res.key, res.model),
        # A view saved now keeps the columns shown, whether chosen in the address or kept.
        "current_qs": column_params.urlencode(),
        **res.extra_list_context,
    }
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "list-results":
        return render(request, "web/partials/list_results.html", context)
    context["saved_views"] = list(SavedView.objects.filter(user=user, page=res.key))
    return render(request, "web/list.html", context)


def detail_context(request: AuthenticatedHttpRequest, res: Resource, obj: Any) -> dict[str, Any]:
    tagged = getattr(res.model, "custom_object_type", "")
    return {
        "res": res,
        "obj": obj,
        "can_write": can_write(request.user, res.model),
        "fields": [(obj._meta.get_field(n).verbose_name, n) for n in res.detail_fields],
        "tagged": bool(tagged),
        "custom_values": displayed_values(obj) if tagged else [],
        "breadcrumbs": crumbs((res.plural, res.url("list")), (str(obj), "")),
    }


def form_page(request: AuthenticatedHttpRequest, res: Resource, pk: Any = None) -> HttpResponse:
    user = request.user
    require_write(user, res.model)
    instance = visible_or_404(user, res, pk) if pk is not None else None
    stale = False
    if request.method == "POST":
        form = res.form(request.POST, instance=instance, user=user)
        if form.is_valid():
            try:
                if instance is None:
                    obj = res.do_create(user, form.service_data())
                    # The model name is lower case ("account") in English: the sentence starts with it.
                    messages.success(
                        request, capfirst(_("%(model)s “%(name)s” created.") % {"model": res.singular, "name": obj})
                    )
                else:
                    obj = res.do_update(instance, user, form.service_data(), form.expected_version())
                    messages.success(request, _("Changes to “%(name)s” saved.") % {"name": obj})
                return HttpResponseRedirect(res.url("detail", obj.pk))
            except VersionMismatch as exc:
                stale = True
                form.add_domain_error(exc)
            except DomainError as exc:
                form.add_domain_error(exc)
        status = 409 if stale else 422
    else:
        initial = {k: v for k, v in request.GET.items() if k in res.form.base_fields}
        form = res.form(instance=instance, initial=initial, user=user)
        status = 200
    title = (
        _("Edit %(name)s") % {"name": instance} if instance else _("New %(model)s") % {"model": res.singular}
    )
    trail = [(res.plural, res.url("list"))]
    if instance is not None:
        trail.append((str(instance), res.url("detail", instance.pk)))
    context = {
        "res": res,
        "form": form,
        "obj": instance,
        "title": title,
        "stale": stale,
        "breadcrumbs": crumbs(*trail, (title, "")),
    }
    return render(request, "web/form.html", context, status=status)


@require_POST
def delete_record(request: AuthenticatedHttpRequest, res: Resource, pk: Any) -> HttpResponse:
    user = request.user
    require_write(user, res.model)
    obj = visible_or_404(user, res, pk)
    try:
        record_delete(instance=obj, actor=user, expected_version=posted_version(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(res.url("detail", obj.pk))
    messages.success(
        request,
        _("“%(name)s” moved to the recycle bin.") % {"name": obj},
        extra_tags=f"undo:{res.key}:{obj.pk}",
    )
    return HttpResponseRedirect(res.url("list"))


def is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))
