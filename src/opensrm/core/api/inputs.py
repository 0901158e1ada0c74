"""Input no record can hold: text with the NUL character.

PostgreSQL refuses NUL in text and SQLite stores it, and no field needs it; it is refused at
the edge of the API, with the field named, so every database gives the same 422 (and a
failed statement never reaches a transaction).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.errors import ValidationError
from ninja.parser import Parser

from opensrm.core.api.errors import body_too_large, problem_response

NUL = "\x00"


def _message() -> str:
    return str(_("Text cannot contain the NUL character."))


class NulFreeParser(Parser):
    """Ninja's parser; a query parameter with NUL in its name or value is a 422 field error, and
    so is a single-valued parameter sent more than once (ninja would silently keep the last)."""

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> Any:
        bad = [key for key in data if NUL in key or any(NUL in str(v) for v in data.getlist(key))]
        if bad:
            raise ValidationError(
                [{"loc": ("query", key.replace(NUL, "")), "msg": _message(), "type": "nul"} for key in bad]
            )
        repeated = [key for key in data if key not in list_fields and len(data.getlist(key)) > 1]
        if repeated:
            once = str(_("Send this parameter once."))
            raise ValidationError([{"loc": ("query", key), "msg": once, "type": "repeated"} for key in repeated])
        return super().parse_querydict(data, list_fields, request)


def _nul_paths(value: Any, path: str = "") -> Iterator[str]:
    """Where ``value`` (parsed JSON) holds text with NUL: ``lines[0].name`` and the like."""
    if isinstance(value, str):
        if NUL in value:
            yield path or "__all__"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_paths(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in key:
                yield path or "__all__"
            else:
                yield from _nul_paths(item, f"{path}.{key}" if path else key)


def reject_nul_in_body(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a ninja path view: a JSON body with NUL in any text is a 422 naming the fields."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            body = request.body if request.method in {"POST", "PUT", "PATCH"} else b""
        except RequestDataTooBig:
            return body_too_large()
        if b"\\u0000" in body:
            try:
                paths = sorted(set(_nul_paths(json.loads(body))))
            except ValueError:
                paths = []  # not JSON: ninja answers 400
            if paths:
                return problem_response(
                    422, _("Some fields are not valid."), errors={path: [_message()] for path in paths}
                )
        return view(request, *args, **kwargs)

    wrapped.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapped
