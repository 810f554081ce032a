"""The web app's shell, read once at startup: every file the app loads, a content hash of them
all (the shell version), the service worker rendered with that version and its precache list,
and the CSP hash of the inline import map.

Any change to a shell file changes the version, hence the bytes of ``/sw.js``, so browsers
install the new worker and the app offers "Update available — Reload".
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

# Litestar adds "; charset=utf-8" to text types.
MEDIA_TYPES = {
    ".html": "text/html",
    ".js": "text/javascript",
    ".css": "text/css",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
# Directories of the app's sources that browsers never load.
NOT_SHELL = frozenset({"tests", "tools", "node_modules"})
# Top-level names the API owns; a shell file there would shadow or be shadowed.
RESERVED = frozenset({"api", "schema", "healthz", "v"})

INDEX = "index.html"
SERVICE_WORKER = "sw.js"
MANIFEST = "manifest.webmanifest"
# index.html names shell files as {{shell}}/path; sw.js receives its precache list at __SHELL__.
SHELL_URL_PLACEHOLDER = "{{shell}}"
SW_PLACEHOLDER = "__SHELL__"
_IMPORT_MAP = re.compile(r'<script type="importmap">(.*?)</script>', re.S)
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.S)


class ShellError(RuntimeError):
    """The app directory is missing or malformed."""


@dataclass(frozen=True)
class Asset:
    body: bytes
    media_type: str
    etag: str
    gzipped: bytes | None  # only when compression pays

    @classmethod
    def of(cls, body: bytes, media_type: str) -> Asset:
        digest = hashlib.sha256(body).hexdigest()[:20]
        squeezed = None
        if media_type != "image/png":
            candidate = gzip.compress(body, 9, mtime=0)
            squeezed = candidate if len(candidate) < len(body) else None
        # Weak: the gzip and identity bodies are the same resource for revalidation.
        return cls(body, media_type, f'W/"{digest}"', squeezed)


@dataclass(frozen=True)
class Shell:
    version: str
    index: Asset
    service_worker: Asset
    files: dict[str, Asset]  # path relative to the app directory -> asset (index and sw aside)
    script_hashes: tuple[str, ...]  # CSP sources allowing the inline import map

    @property
    def prefix(self) -> str:
        """URL prefix under which shell files are immutable (their version is in the path)."""
        return f"/v/{self.version}"

    @property
    def top_level(self) -> tuple[set[str], set[str]]:
        """(directories, files) at the top of the app directory, for routing plain paths."""
        dirs = {path.split("/", 1)[0] for path in self.files if "/" in path}
        return dirs, {path for path in self.files if "/" not in path}


def bundled_pwa_dir() -> Path:
    """The app directory: the repository's ``pwa/`` in a checkout, else the installed copy."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "pwa" / INDEX).is_file():
        return checkout / "pwa"
    return package / "pwa"


def pwa_dir(configured: str) -> Path:
    """The configured app directory (``SIDEWISE_PWA_DIR``), else the bundled one."""
    return Path(configured) if configured else bundled_pwa_dir()


def _shell_paths(root: Path) -> list[str]:
    paths = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or path.suffix not in MEDIA_TYPES:
            continue
        if rel.parts[0] in NOT_SHELL or any(part.startswith(".") for part in rel.parts):
            continue
        paths.append(rel.as_posix())
    return paths


def _media_type(path: str) -> str:
    return MEDIA_TYPES[Path(path).suffix]


def load_shell(root: Path) -> Shell:
    if not (root / INDEX).is_file() or not (root / SERVICE_WORKER).is_file():
        raise ShellError(f"no web app at {root} (needs {INDEX} and {SERVICE_WORKER})")
    raw = {path: (root / path).read_bytes() for path in _shell_paths(root)}
    clashes = {path.split("/", 1)[0] for path in raw} & RESERVED
    if clashes:
        raise ShellError(f"web app files may not live under {sorted(clashes)}")

    digest = hashlib.sha256()
    for path, body in raw.items():
        digest.update(f"{path}\0{len(body)}\0".encode())
        digest.update(body)
    version = digest.hexdigest()[:16]
    prefix = f"/v/{version}"

    index_text = raw.pop(INDEX).decode().replace(SHELL_URL_PLACEHOLDER, prefix)
    script_hashes = _inline_script_hashes(index_text)
    sw_text = raw.pop(SERVICE_WORKER).decode()
    files = {path: Asset.of(body, _media_type(path)) for path, body in raw.items()}

    precache = ["/", *sorted(f"/{p}" if p == MANIFEST else f"{prefix}/{p}" for p in files)]
    if sw_text.count(SW_PLACEHOLDER) != 1:
        raise ShellError(f"{SERVICE_WORKER} must contain {SW_PLACEHOLDER} exactly once")
    sw_body = sw_text.replace(SW_PLACEHOLDER, json.dumps({"version": version, "files": precache}))
    return Shell(
        version=version,
        index=Asset.of(index_text.encode(), MEDIA_TYPES[".html"]),
        service_worker=Asset.of(sw_body.encode(), MEDIA_TYPES[".js"]),
        files=files,
        script_hashes=script_hashes,
    )


def _inline_script_hashes(index_text: str) -> tuple[str, ...]:
    """CSP hash of the import map, the one inline script the app has (browsers load no
    external import maps); any other inline script is an error, not something to allow."""
    maps = _IMPORT_MAP.findall(index_text)
    if len(maps) != 1 or len(_INLINE_SCRIPT.findall(index_text)) != 1:
        raise ShellError(f"{INDEX} must have exactly one inline script: the import map")
    digest = base64.b64encode(hashlib.sha256(maps[0].encode()).digest()).decode()
    return (f"'sha256-{digest}'",)
