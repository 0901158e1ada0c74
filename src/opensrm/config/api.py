"""The NinjaAPI: routers of every app are mounted here."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import RequestContext, Template
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI, Swagger

from opensrm.core.api import errors, etag, inputs, links
from opensrm.core.api.auth import api_auth
from opensrm.core.api.routes import router as core_router
from opensrm.crm.api import router as crm_router
from opensrm.people.api import router as people_router


class OpenSRMApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors.document_problems(schema)
        etag.document_versions(schema)
        links.document_links(schema)  # after If-Match is declared: the links carry the ETag
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Django answers an unsupported method itself, in plain text; wrap every path so the
        # 405 is a problem document like every other error. And refuse NUL in bodies there.
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and getattr(pattern.callback, "csrf_exempt", False):
                pattern.callback = errors.problem_405(inputs.reject_nul_in_body(pattern.callback))
        return urls


class LocalSwagger(Swagger):
    """Swagger UI from our own origin (swagger-ui-dist, pinned in package-lock.json and copied
    into static/vendor by scripts/build_assets.py): django-ninja's default page loads it from a
    CDN, which the Content-Security-Policy refuses, and the page stays blank."""

    page = (
        '{% load static %}<!DOCTYPE html><html><head><meta charset="utf-8"><title>{{ api.title }}</title>'
        '<link rel="stylesheet" href="{% static \'vendor/swagger-ui/swagger-ui.css\' %}">'
        '<link rel="icon" href="{% static \'web/favicon.svg\' %}" type="image/svg+xml"></head>'
        '<body data-csrf-token="{% if add_csrf %}{{ csrf_token }}{% endif %}" '
        'data-api-csrf="{% if add_csrf %}true{% endif %}">'
        '<script type="application/json" id="swagger-settings">{{ swagger_settings|safe }}</script>'
        '<div id="swagger-ui"></div>'
        "<script src=\"{% static 'vendor/swagger-ui/swagger-ui-bundle.js' %}\"></script>"
        "<script src=\"{% static 'vendor/swagger-ui/swagger-ui-init.js' %}\"></script></body></html>"
    )

    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {
            "swagger_settings": json.dumps(self.settings),
            "api": api,
            "add_csrf": any(getattr(a, "csrf", False) for a in (api.auth or [])),
        }
        return HttpResponse(Template(self.page).render(RequestContext(request, context)))


def build_api() -> NinjaAPI:
    api: Any = OpenSRMApi(
        title="OpenSRM API",
        version="1",
        urls_namespace="api-v1",
        docs_url="/docs",
        docs=LocalSwagger(),
        auth=api_auth,
        parser=inputs.NulFreeParser(),
        description="Every error is an RFC 9457 problem document. Lists are cursor-paginated. "
        "Send If-Match with the record's ETag on PATCH and DELETE.",
    )
    errors.install(api)
    api.add_router("/", people_router)
    api.add_router("/", crm_router)
    api.add_router("/", core_router)
    api.add_router("/allocation", "opensrm.allocation.api.router")
    return api


api = build_api()
