"""Every error the API returns is an RFC 9457 problem document (``application/problem+json``).

Services raise :mod:`opensrm.core.errors`; ninja raises its own validation, auth and 404
errors; Django answers 405 itself. All of them come out in the same shape, so a client needs
one error parser.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from opensrm.core.errors import DomainError

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Problem(Schema):
    """An RFC 9457 problem document; ``errors`` maps a field name to its messages."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] = {}


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        412: _("Precondition failed"),
        413: _("Request too large"),
        422: _("Validation failed"),
        428: _("Precondition required"),
        429: _("Too many requests"),
    }


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "version_mismatch",
    413: "request_too_large",
    422: "validation_failed",
    428: "version_required",
    429: "throttled",
}


def problem_response(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> HttpResponse:
    body = {
        "type": f"urn:opensrm:problem:{code or _CODES.get(status, 'error')}",
        "title": _titles().get(status, _("Error")),
        "status": status,
        "detail": detail,
        "errors": errors or {},
        **extra,
    }
    return HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    """``("body", "payload", "lines", 0, "quantity")`` → ``lines[0].quantity``."""
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form", "file"}:
        where = parts.pop(0)
        if where == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "__all__"


def _message(err: dict[str, Any]) -> str:
    kind = err.get("type")
    if kind == "extra_forbidden":
        return _("This field is unknown or read-only: it cannot be set.")
    if kind in {"model_attributes_type", "model_type", "dict_type"}:
        return _("Send a JSON object.")
    if kind == "value_error" and "error" in err.get("ctx", {}):
        return str(err["ctx"]["error"])  # our own message, without pydantic's "Value error, "
    return str(err.get("msg", ""))


def _validation_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(_field_name(err.get("loc", ())), []).append(_message(err))
    return errors


def install(api: NinjaAPI) -> None:
    """Register the problem+json handlers on ``api``."""

    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        extra = {k: v for k, v in exc.extra.items() if isinstance(v, str | int | float | bool) or v is None}
        return problem_response(exc.status, exc.message, code=exc.code, errors=exc.field_errors, **extra)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem_response(422, _("Some fields are not valid."), errors=_validation_errors(exc))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(401, _("Sign in, or send a valid API token as a Bearer credential."))
        response["WWW-Authenticate"] = 'Bearer realm="opensrm"'
        return response

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(exc.status_code, str(exc))

    @api.exception_handler(DataError)
    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The schemas bound what they can; what only the database refuses (a NUL byte in text
        # on PostgreSQL, say) is still the client's input, not a server fault.
        return problem_response(422, _("A value cannot be stored: %(reason)s") % {"reason": exc})

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(404, _("The record does not exist."))


def document_problems(schema: dict[str, Any]) -> None:
    """Make the OpenAPI ``schema`` say what the handlers above answer, for every operation.

    Ninja documents every response as ``application/json``; an error is served as
    ``application/problem+json``. And whatever an operation declares, a body that is not JSON
    is 400 and a parameter or body that does not validate is 422.
    """
    problem = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, response in responses.items():
                content = response.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
            implied = []
            if operation.get("requestBody"):
                implied += [(400, "Bad Request"), (413, "Content Too Large")]
            if operation.get("parameters") or operation.get("requestBody"):
                implied.append((422, "Unprocessable Entity"))
            for status, description in implied:
                if status not in responses and str(status) not in responses:
                    responses[status] = {
                        "description": description,
                        "content": {PROBLEM_CONTENT_TYPE: {"schema": problem}},
                    }


def problem_405(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja path view so its plain-text 405 becomes a problem document."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/"):
            allowed = response.get("Allow", "")
            response = problem_response(
                405, _("Use one of these methods: %(methods)s.") % {"methods": allowed}
            )
            response["Allow"] = allowed
        return response

    wrapped.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapped


@csrf_exempt
def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under ``/api/`` that no endpoint serves: a problem document, not an HTML page."""
    return problem_response(404, _("No API endpoint answers at this path: see the schema at /api/v1/docs."))


def body_too_large() -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_response(
        413,
        _("The request body is larger than the limit of %(limit)s bytes.") % {"limit": limit},
        limit=limit,
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 handler (a disallowed Host header, a malformed request): API paths get a problem
    document like every other API error, pages get Django's plain 400 page."""
    if request.path.startswith("/api/"):
        return problem_response(400, _("The request was refused as malformed."), code="bad_request")
    return defaults.bad_request(request, exception or Exception())
