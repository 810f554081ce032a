"""How every exception becomes one problem response: the API's own errors, Litestar's HTTP
errors, bodies it cannot decode, and anything unexpected (logged, answered as a 500)."""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException
from litestar.types import ExceptionHandlersMap

from backend.api.edges import allow_header
from backend.api.problems import MEDIA_TYPE, error_problem, problem, problem_body
from backend.domain.errors import SidewiseError

log = logging.getLogger("sidewise")
DISCONNECTED = "client disconnected prematurely"  # Litestar's words when a body stops arriving


def _sidewise_error(_request: Request[Any, Any, Any], exc: SidewiseError) -> Response[Any]:
    status, body, headers = error_problem(exc)
    return Response(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def _http_error(_request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    code = {
        400: "malformed",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "body_too_large",
        415: "unsupported_media_type",
    }.get(status, "http_error")
    if status == 403 and "CSRF" in str(exc.detail):
        code = "csrf_failed"
    if status == 500 and exc.detail == DISCONNECTED:
        # A phone that lost signal mid-upload: nothing was applied, it will retry.
        log.info("client disconnected during %s %s", _request.method, _request.url.path)
        return problem(400, "client_disconnected", "the request body did not arrive in full")
    if status >= 500:
        return _unexpected(_request, exc)
    response = problem(status, code, str(exc.detail))
    response.headers.update(exc.headers or {})
    if status == 405:  # the router names the path's methods in whatever order they were added
        response.headers["Allow"] = allow_header(response.headers.pop("allow", "").split(", "))
    return response


def _undecodable(_request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # Litestar's own JSON decoding lets these escape as 500s: they are the client's fault.
    return problem(400, "malformed", "body is not valid UTF-8 JSON of reasonable depth")


def unexpected_problem(method: str, path: str, exc: Exception) -> dict[str, Any]:
    """Logs what nobody expected; its answer says no more than that."""
    log.exception("unexpected error on %s %s", method, path, exc_info=exc)
    detail = "something went wrong on our side; nothing was half-applied"
    return problem_body(500, "internal", detail)


def _unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    body = unexpected_problem(request.method, request.url.path, exc)
    return Response(body, status_code=500, media_type=MEDIA_TYPE)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SidewiseError: _sidewise_error,
    HTTPException: _http_error,
    UnicodeDecodeError: _undecodable,
    RecursionError: _undecodable,
    Exception: _unexpected,
}
