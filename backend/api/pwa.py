"""Serve the web app: ``/`` and ``/sw.js`` always revalidated, shell files immutable under their
versioned prefix and revalidated under their plain paths, gzip when the browser accepts it."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.handlers import HTTPRouteHandler

from backend.services.shell import Asset, Shell

REVALIDATE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
# Static files carry no session state, so they need no CSRF cookie.
_OPTS: dict[str, Any] = {"exclude_from_csrf": True, "include_in_schema": False}


def send_asset(
    request: Request[Any, Any, Any],
    asset: Asset,
    cache_control: str,
    extra: dict[str, str] | None = None,
) -> Response[bytes]:
    headers = {"cache-control": cache_control, "etag": asset.etag, **(extra or {})}
    if asset.gzipped is not None:
        headers["vary"] = "accept-encoding"
    tags = request.headers.get("if-none-match", "")
    if asset.etag.removeprefix("W/") in (tag.strip().removeprefix("W/") for tag in tags.split(",")):
        return Response(b"", status_code=304, headers=headers)
    body = asset.body
    if asset.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["content-encoding"] = "gzip"
    return Response(body, media_type=asset.media_type, headers=headers)


def pwa_routes(shell: Shell, csp: str) -> list[HTTPRouteHandler]:
    """Route handlers for ``shell``; its top-level names become fixed routes next to the API.

    ``csp`` goes on the service worker's script: a worker's policy comes from its own response.
    """
    dirs, top_files = shell.top_level

    def lookup(path: str) -> Asset:
        asset = shell.files.get(path.lstrip("/"))
        if asset is None:
            raise NotFoundException(f"no such file: {path}")
        return asset

    @get("/", **_OPTS)
    async def index(request: Request[Any, Any, Any]) -> Response[bytes]:
        return send_asset(request, shell.index, REVALIDATE)

    @get("/sw.js", **_OPTS)
    async def service_worker(request: Request[Any, Any, Any]) -> Response[bytes]:
        headers = {"service-worker-allowed": "/", "content-security-policy": csp}
        return send_asset(request, shell.service_worker, REVALIDATE, headers)

    @get(f"{shell.prefix}/{{path:path}}", **_OPTS)
    async def versioned(request: Request[Any, Any, Any]) -> Response[bytes]:
        return send_asset(request, lookup(request.url.path.removeprefix(shell.prefix)), IMMUTABLE)

    @get(
        sorted(f"/{name}/{{path:path}}" for name in dirs) + sorted(f"/{f}" for f in top_files),
        **_OPTS,
    )
    async def plain(request: Request[Any, Any, Any]) -> Response[bytes]:
        return send_asset(request, lookup(request.url.path), REVALIDATE)

    return [index, service_worker, versioned, plain]
