"""The HTTP edges every route shares: which Host is served, which media type a body may have,
which methods a path allows. Each answers in the one problem shape."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from litestar import Litestar, Request, Response
from litestar.exceptions import HTTPException
from litestar.types import HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from backend.api.problems import MEDIA_TYPE, problem_body

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Serves a request itself or hands it on, with the body it may have read, to the route.
Lane = Callable[[Scope, Receive, Send, Callable[[Receive], Awaitable[None]]], Awaitable[None]]


class HostCheckedApp(Litestar):
    """Answers only the configured Host headers, before routing. (Litestar's own check wraps
    each route, so unknown paths and methods escaped it, and it answered non-problem JSON.)
    Then a POST to one of ``lane_paths`` goes to ``lane``, which may hand it back."""

    def __init__(
        self,
        *args: Any,
        host_headers: Iterable[str],
        lane: Lane | None = None,
        lane_paths: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.host_headers = frozenset(host.lower() for host in host_headers)
        self.lane = lane
        self.lane_paths = frozenset(lane_paths)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            if _host(scope) not in self.host_headers:
                await _send_problem(send, 400, "bad_host", "this server does not answer that Host")
                return
            if self.lane and scope["method"] == "POST" and scope["path"] in self.lane_paths:
                routed = super().__call__

                async def route(body: Receive) -> None:
                    await routed(scope, body, send)

                await self.lane(scope, receive, send, route)
                return
        await super().__call__(scope, receive, send)


def _host(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"host":
            return str(value.decode("latin-1").lower())
    return ""


async def _send_problem(send: Send, status: int, code: str, detail: str) -> None:
    body = json.dumps(problem_body(status, code, detail), separators=(",", ":")).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", MEDIA_TYPE.encode()),
            (b"content-length", str(len(body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)


def allow_header(methods: Iterable[str]) -> str:
    return ", ".join(sorted({method.upper() for method in methods}))


def route_methods(app: Litestar) -> dict[str, str]:
    """Path template -> its Allow header, from every handler registered on that path."""
    return {route.path_format: allow_header(route.methods) for route in app.routes}


JSON = "application/json"
# A handler whose body is not JSON names its media type in its ``opt`` under this key.
BODY_MEDIA_TYPE = "body_media_type"


class _NotJson(HTTPException):
    status_code = 415


def edge_checks(allow: Mapping[str, str]) -> Any:
    """A before-request hook: OPTIONS answers with the path's methods (Litestar's own answer
    names only the first handler's when several share a path); a request that carries a body
    must say it is JSON. A request without a body needs no Content-Type."""

    async def check(request: Request[Any, Any, Any]) -> Response[Any] | None:
        method = request.method
        if method == "OPTIONS" and request.scope["path_template"] in allow:
            return Response(
                None, status_code=204, headers={"Allow": allow[request.scope["path_template"]]}
            )
        accepted = request.route_handler.opt.get(BODY_MEDIA_TYPE, JSON)
        if (
            method in BODY_METHODS
            and _has_body(request)
            and not media_type_is(request.headers.get("content-type", ""), accepted)
        ):
            detail = "send the body as application/json (UTF-8)" if accepted == JSON else ""
            raise _NotJson(
                detail=detail or f"send the body as {accepted}", headers={"Accept": accepted}
            )
        return None

    return check


def _has_body(request: Request[Any, Any, Any]) -> bool:
    headers = request.headers
    return "transfer-encoding" in headers or headers.get("content-length", "0") not in ("", "0")


def media_type_is(content_type: str, accepted: str) -> bool:
    """Whether a Content-Type header names ``accepted`` (and, for JSON, no charset but UTF-8)."""
    media_type, _, parameters = content_type.partition(";")
    if media_type.strip().lower() != accepted:
        return False
    if accepted != JSON:
        return True
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            return False
    return True


def security_headers(production: bool) -> dict[str, str]:
    """What every answer carries besides a document's Content-Security-Policy."""
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if production:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers
