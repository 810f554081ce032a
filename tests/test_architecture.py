"""The import directions of docs/architecture.md ("Layers and import rules"): each layer imports
only what its row allows."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer -> module prefixes it may import besides the standard library.
ALLOWED: dict[str, tuple[str, ...]] = {
    "sync": ("sync", "msgspec"),
    "backend.domain": ("backend.domain", "msgspec"),
    # msgspec: the domain's values are msgspec structs, converted to and from rows here.
    "backend.db": ("backend.db", "backend.domain", "sqlmodel", "sqlalchemy", "alembic", "msgspec"),
    "backend.services": (
        "backend.services",
        "backend.domain",
        "backend.db",
        "backend.push",
        "sync",
        "sqlalchemy",
        "msgspec",
        "argon2",
    ),
    "backend.push": (
        "backend.push",
        "backend.settings",
        "pywebpush",
        "py_vapid",
        "http_ece",
        "cryptography",
        "requests",
        "urllib3",
    ),
    # The wire structs are the API's bodies, so the API may name sync.wire directly.
    "backend.api": (
        "backend.api",
        "backend.services",
        "backend.domain.errors",
        "sync.wire",
        "litestar",
        "msgspec",
    ),
    "backend.settings": (),
    "backend": (),  # the package marker, and any module not given a row here
    "backend.cli": (
        "backend.settings",
        "backend.db.migrate",
        "backend.db.schema",
        "backend.push.vapid",
        "backend.app",
        "backend.web_server",
    ),
    "backend.web_server": ("backend.settings", "uvicorn"),
    "backend.app": ("backend", "sync", "litestar", "msgspec"),
}


def layer_of(module: str) -> str:
    return max(
        (layer for layer in ALLOWED if module == layer or module.startswith(layer + ".")), key=len
    )


def modules() -> list[tuple[str, Path]]:
    found = []
    for top in ("sync", "backend"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # Alembic scripts run inside alembic, outside the app's layers
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found.append((name, path))
    return found


def imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def allowed(layer: str, imported: str) -> bool:
    top = imported.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return any(imported == p or imported.startswith(p + ".") for p in ALLOWED[layer])


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_module_imports_only_what_its_layer_allows(module: str, path: Path) -> None:
    layer = layer_of(module)
    bad = [name for name in imports(path) if not allowed(layer, name)]
    assert not bad, f"{module} ({layer}) must not import {bad}"


def test_the_rules_catch_a_forbidden_import(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("import sqlalchemy\nfrom backend.api import sync\n")
    assert [n for n in imports(source) if not allowed("backend.domain", n)] == [
        "sqlalchemy",
        "backend.api",
    ]
