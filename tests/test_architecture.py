"""The import directions of docs/architecture.md ("Layers and import rules"): each layer imports
only what its row allows, and ``backend.db`` owns every SQL statement: services hold none."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer -> module prefixes it may import besides the standard library.
ALLOWED: dict[str, tuple[str, ...]] = {
    "sync": ("sync", "msgspec"),
    "backend.domain": ("backend.domain", "msgspec"),
    # msgspec: the domain's values are msgspec structs, converted to and from rows here.
    # asyncpg: the connection that LISTENs for ended sessions and holds the leader's lock.
    "backend.db": (
        "backend.db",
        "backend.domain",
        "sqlmodel",
        "sqlalchemy",
        "alembic",
        "msgspec",
        "asyncpg",
    ),
    # Not sqlalchemy: services call backend.db, which runs the statements.
    "backend.services": (
        "backend.services",
        "backend.domain",
        "backend.db",
        "backend.push",
        "sync",
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


# Inside an allowed prefix, what a layer still may not import: services get rows from
# backend.db's modules, never the tools that build and run statements.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "backend.services": ("backend.db.driver", "backend.db.tables"),
}


# A statement in a string: its leading clause, written the way every statement here is.
SQL = re.compile(
    r"\b(SELECT\b.*\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w|"
    r"ON\s+CONFLICT|FOR\s+UPDATE|(CREATE|ALTER|DROP)\s+(TABLE|INDEX))\b",
    re.DOTALL,
)
# Methods that run statements on a connection.
RUNS_SQL = frozenset(
    {"execute", "exec_driver_sql", "stream", "scalar", "scalars", "begin_nested", "run_sync"}
)


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


def _under(imported: str, prefixes: tuple[str, ...]) -> bool:
    return any(imported == p or imported.startswith(p + ".") for p in prefixes)


def allowed(layer: str, imported: str) -> bool:
    top = imported.split(".")[0]
    if top in sys.stdlib_module_names or top == "__future__":
        return True
    return _under(imported, ALLOWED[layer]) and not _under(imported, FORBIDDEN.get(layer, ()))


def sql_in(path: Path) -> list[str]:
    """SQL string literals and statement-running calls in a module, as ``line: text``."""
    tree = ast.parse(path.read_text(), str(path))
    # Docstrings are prose: they may name a clause (``FOR UPDATE SKIP LOCKED``) they explain.
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            if match := SQL.search(node.value):
                found.append(f"{node.lineno}: {match.group(0)[:60]!r}")
        elif isinstance(node, ast.Attribute) and node.attr in RUNS_SQL:
            found.append(f"{node.lineno}: .{node.attr}")
    return found


def services() -> list[tuple[str, Path]]:
    return [(m, p) for m, p in modules() if layer_of(m) == "backend.services"]


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_module_imports_only_what_its_layer_allows(module: str, path: Path) -> None:
    layer = layer_of(module)
    bad = [name for name in imports(path) if not allowed(layer, name)]
    assert not bad, f"{module} ({layer}) must not import {bad}"


@pytest.mark.parametrize(
    ("module", "path"),
    list(services()),
    ids=[m for m, _ in services()],
)
def test_services_hold_no_sql(module: str, path: Path) -> None:
    """Statements live in backend.db, each module named for the tables it owns."""
    found = sql_in(path)
    assert not found, f"{module} holds SQL (move it to backend.db): {found}"


def test_the_rules_catch_a_forbidden_import(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("import sqlalchemy\nfrom backend.api import sync\n")
    assert [n for n in imports(source) if not allowed("backend.domain", n)] == [
        "sqlalchemy",
        "backend.api",
    ]


def test_the_rules_catch_sql_in_a_service(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text(
        "from backend.db.driver import fetch\n"
        "from sqlmodel import select\n"
        'ROWS = "SELECT id, kind FROM security_event WHERE account_id = ?"\n'
        'LATER = f"UPDATE account SET time_zone = {1}"\n'
        'async def gone(conn): await conn.exec_driver_sql("DELETE FROM device")\n'
        'HELP = "select a set from the list, then update it"  # prose, not SQL\n'
        "def explained():\n"
        '    """Claims take rows ``FOR UPDATE SKIP LOCKED``."""\n'
    )
    assert [n for n in imports(source) if not allowed("backend.services", n)] == [
        "backend.db.driver",
        "sqlmodel",
    ]
    assert [line.split(":")[0] for line in sql_in(source)] == ["3", "4", "5", "5"]
