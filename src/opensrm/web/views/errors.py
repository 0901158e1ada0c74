"""Error pages: branded and translated for people, problem+json for API clients."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

from opensrm.core.api.errors import problem_response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(403, _("You may not do this."))
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return problem_response(404, _("There is nothing at this address."))
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No context processors, no user, no database: whatever failed may be one of them."""
    if _is_api(request):
        return problem_response(500, _("Something went wrong on our side."), code="server_error")
    return HttpResponseServerError(loader.get_template("500.html").render({}))
