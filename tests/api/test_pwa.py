"""Serving the web app: shell versioning, cache headers, the service worker, the manifest, CSP."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import struct
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from backend.services.shell import ShellError, bundled_pwa_dir, load_shell
from tests.conftest import make_app, make_settings, open_client

ROOT = Path(__file__).resolve().parent.parent.parent


async def _client_for(tmp_path: Path, **overrides: object) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", tmp_path, **overrides)
    app = make_app(settings)
    async with open_client(app) as client:
        yield client
    await app.state.services.db.dispose()


@pytest.fixture
async def web(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _client_for(tmp_path):
        yield client


def _prefix(index_html: str) -> str:
    match = re.search(r'src="(/v/[0-9a-f]{16})/js/main\.js"', index_html)
    assert match, "index.html loads main.js from the versioned prefix"
    return match.group(1)


def _precache(sw_text: str) -> dict[str, object]:
    match = re.search(r"const SHELL = (\{.*?\});", sw_text)
    assert match
    shell: dict[str, object] = json.loads(match.group(1))
    return shell


async def test_index_is_revalidated_and_names_the_versioned_shell(web: httpx.AsyncClient) -> None:
    response = await web.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "{{shell}}" not in response.text
    prefix = _prefix(response.text)
    assert f'"preact": "{prefix}/vendor/preact/preact.js"' in response.text
    assert "set-cookie" not in response.headers


async def test_csp_allows_exactly_the_import_map_inline(web: httpx.AsyncClient) -> None:
    response = await web.get("/")
    csp = response.headers["content-security-policy"]
    import_map = re.search(r'<script type="importmap">(.*?)</script>', response.text, re.S)
    assert import_map
    digest = base64.b64encode(hashlib.sha256(import_map.group(1).encode()).digest()).decode()
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src
    assert script_src.group(1).split() == ["'self'", f"'sha256-{digest}'"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "worker-src 'self'" in csp
    assert "manifest-src 'self'" in csp


async def test_service_worker_carries_the_shell_version_and_precache_list(
    web: httpx.AsyncClient,
) -> None:
    index = (await web.get("/")).text
    response = await web.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    shell = _precache(response.text)
    prefix = _prefix(index)
    assert prefix == f"/v/{shell['version']}"
    files = shell["files"]
    assert isinstance(files, list)
    assert {"/", "/manifest.webmanifest", f"{prefix}/js/main.js", f"{prefix}/base.css"} <= set(
        files
    )
    for url in files:
        assert (await web.get(url)).status_code == 200, url
    assert not any("/tests/" in url or "/tools/" in url for url in files)


async def test_shell_files_are_immutable_under_their_version(web: httpx.AsyncClient) -> None:
    prefix = _prefix((await web.get("/")).text)
    versioned = await web.get(f"{prefix}/js/main.js")
    assert versioned.status_code == 200
    assert versioned.headers["content-type"].startswith("text/javascript")
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    plain = await web.get("/js/main.js")
    assert plain.headers["cache-control"] == "no-cache"
    assert plain.content == versioned.content
    stale = await web.get("/v/0123456789abcdef/js/main.js")
    assert stale.status_code == 404
    assert stale.headers["content-type"].startswith("application/problem+json")


async def test_etag_revalidation_and_gzip(web: httpx.AsyncClient) -> None:
    first = await web.get("/js/store.js", headers={"accept-encoding": "identity"})
    again = await web.get("/js/store.js", headers={"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    squeezed = await web.get("/js/store.js", headers={"accept-encoding": "gzip"})
    assert squeezed.headers["content-encoding"] == "gzip"
    assert squeezed.headers["vary"] == "accept-encoding"
    assert squeezed.content == first.content  # httpx decodes it
    assert int(squeezed.headers["content-length"]) < len(first.content)


async def test_only_shell_files_are_served(web: httpx.AsyncClient) -> None:
    for path in (
        "/tools/icons.py",
        "/tests/hlc.test.js",
        "/README.md",
        "/vendor/preact/LICENSE",
        "/js/../pyproject.toml",
        "/js/nothing.js",
    ):
        response = await web.get(path)
        assert response.status_code == 404, path


def _png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


async def test_manifest_makes_the_app_installable(web: httpx.AsyncClient) -> None:
    response = await web.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["name"]
    assert manifest["short_name"]
    assert manifest["theme_color"]
    assert manifest["background_color"]
    found = set()
    for icon in manifest["icons"]:
        image = await web.get(icon["src"])
        assert image.headers["content-type"] == "image/png"
        width, height = _png_size(image.content)
        assert icon["sizes"] == f"{width}x{height}"
        found.add((width, icon.get("purpose", "any")))
    assert {(192, "any"), (512, "any"), (512, "maskable")} <= found


def test_any_shell_change_changes_the_version_and_the_worker(tmp_path: Path) -> None:
    app_dir = tmp_path / "pwa"
    shutil.copytree(bundled_pwa_dir(), app_dir)
    before = load_shell(app_dir)
    assert load_shell(app_dir).service_worker.body == before.service_worker.body
    (app_dir / "tests" / "extra.js").parent.mkdir(exist_ok=True)
    (app_dir / "tests" / "extra.js").write_text("// not part of the shell\n")
    assert load_shell(app_dir).version == before.version
    with (app_dir / "js" / "units.js").open("a") as handle:
        handle.write("\n")
    after = load_shell(app_dir)
    assert after.version != before.version
    assert after.service_worker.body != before.service_worker.body
    assert gzip.decompress(after.index.gzipped or b"") == after.index.body


async def test_the_served_app_directory_is_configurable(tmp_path: Path) -> None:
    app_dir = tmp_path / "pwa"
    shutil.copytree(bundled_pwa_dir(), app_dir)
    (app_dir / "base.css").write_text("body { color: red; }\n")
    async for client in _client_for(tmp_path, pwa_dir=str(app_dir)):
        assert (await client.get("/base.css")).text == "body { color: red; }\n"


@pytest.mark.parametrize(
    "extra",
    ['<script>alert("x")</script>', '<script type="importmap">{}</script>'],
)
def test_index_may_hold_no_other_inline_script(tmp_path: Path, extra: str) -> None:
    app_dir = tmp_path / "pwa"
    shutil.copytree(bundled_pwa_dir(), app_dir)
    index = app_dir / "index.html"
    index.write_text(index.read_text().replace("</body>", f"{extra}</body>"))
    with pytest.raises(ShellError, match="inline script"):
        load_shell(app_dir)


def test_vendored_libraries_carry_version_and_licence() -> None:
    vendor = ROOT / "pwa" / "vendor"
    libraries = [path for path in vendor.iterdir() if path.is_dir()]
    assert {path.name for path in libraries} >= {"preact", "htm", "idb"}
    for library in libraries:
        assert (library / "LICENSE").read_text().strip()
        version = (library / "VERSION").read_text()
        assert version.startswith(f"{library.name} ")
        assert "integrity: sha512-" in version
