"""The NinjaAPI: routers of every app are mounted here."""

from typing import Any

from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI

from opensrm.core.api import errors, etag, inputs
from opensrm.core.api.auth import api_auth


class OpenSRMApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        errors.document_problems(schema)
        etag.document_versions(schema)
        return schema

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        # Django answers an unsupported method itself, in plain text; wrap every path so the
        # 405 is a problem document like every other error. And refuse NUL in bodies there.
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern) and getattr(pattern.callback, "csrf_exempt", False):
                pattern.callback = errors.problem_405(inputs.reject_nul_in_body(pattern.callback))
        return urls


def build_api() -> NinjaAPI:
    from opensrm.core.api.routes import router as core_router
    from opensrm.crm.api import router as crm_router
    from opensrm.people.api import router as people_router

    api: Any = OpenSRMApi(
        title="OpenSRM API",
        version="1",
        urls_namespace="api-v1",
        docs_url="/docs",
        auth=api_auth,
        parser=inputs.NulFreeParser(),
        description="Every error is an RFC 9457 problem document. Lists are cursor-paginated. "
        "Send If-Match with the record's ETag on PATCH and DELETE.",
    )
    errors.install(api)
    api.add_router("/", people_router)
    api.add_router("/", crm_router)
    api.add_router("/", core_router)
    api.add_router("/allocation", "opensrm.territories.api.router")
    return api


api = build_api()
