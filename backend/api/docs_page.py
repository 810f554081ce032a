"""The API reference at ``/schema``: Swagger UI from vendored files (no CDN), under a content
security policy made for that page; ``/schema/openapi.json`` is the document it renders."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin
from litestar.params import FromPath
from litestar.types import AfterRequestHookHandler

from backend.api.pwa import send_asset
from backend.services.shell import MEDIA_TYPES, Asset

DOCS_DIR = Path(__file__).with_name("docs")
PREFIX = "/schema"
# Swagger UI sets styles through the CSSOM and draws its icons as data: SVGs; nothing inline runs.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
REVALIDATE = "no-cache"


@cache
def _assets() -> dict[str, Asset]:
    """Every file the page loads, docs.js and the vendored Swagger UI, by path under the dir;
    read and compressed once per process, on first use (about a second for the 1.7 MB bundle)."""
    files = [DOCS_DIR / "docs.js", *(DOCS_DIR / "vendor").rglob("*")]
    return {
        path.relative_to(DOCS_DIR).as_posix().removeprefix("vendor/"): Asset.of(
            path.read_bytes(), MEDIA_TYPES[path.suffix]
        )
        for path in files
        if path.suffix in MEDIA_TYPES
    }


class DocsPage(OpenAPIRenderPlugin):
    """Renders ``/schema`` and serves its scripts and styles under ``/schema/assets/``."""

    def __init__(self) -> None:
        super().__init__(path="/")
        self.page = (DOCS_DIR / "index.html").read_bytes()

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return self.page

    def receive_router(self, router: Router) -> None:
        @get("/assets/{path:path}", include_in_schema=False, exclude_from_csrf=True)
        async def asset(request: Request[Any, Any, Any], path: FromPath[str]) -> Response[bytes]:
            found = _assets().get(path.lstrip("/"))
            if found is None:
                raise NotFoundException(f"no such file: {path}")
            return send_asset(request, found, REVALIDATE)

        router.register(asset)


def docs_router(after_request: AfterRequestHookHandler) -> Router:
    """The router Litestar fills with the OpenAPI routes; ``after_request`` (the app's document
    policy with ``DOCS_CSP``) replaces the app's hook for them."""
    return Router(PREFIX, route_handlers=[], include_in_schema=False, after_request=after_request)


def render_plugins() -> list[OpenAPIRenderPlugin]:
    return [DocsPage(), JsonRenderPlugin()]
