"""``serve`` and ``dispatch`` start only on a database at the migration head; ``migrate`` says
what it did. The real commands run as child processes, on an empty SQLite file and on a fresh
PostgreSQL database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from backend.db.migrate import upgrade
from backend.db.schema import head_revision
from bench.server import HOST, free_port, sidewise_command, throwaway_postgres
from tests.support.databases import POSTGRES_URL

REFUSAL_S = 30.0  # importing the app and reading one table; a server still up by then started


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database nobody migrated: an empty SQLite file, or a new PostgreSQL one."""
    if request.param == "sqlite":
        path = tmp_path / "sidewise.db"
        path.touch()
        yield f"sqlite+aiosqlite:///{path}"
        return
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    with throwaway_postgres(POSTGRES_URL, "sidewise_gate") as url:
        yield url


def env_for(url: str, data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIDEWISE_")}
    return env | {
        "SIDEWISE_DATABASE_URL": url,
        "SIDEWISE_DATA_DIR": str(data_dir),
        "SIDEWISE_SECRET_KEY": "gate-test-secret",
        "SIDEWISE_ALLOWED_HOSTS": f"{HOST},{HOST}:{port}",
        "SIDEWISE_PORT": str(port),
        "SIDEWISE_LOG_LEVEL": "warning",
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*sidewise_command(), *args], env=env, capture_output=True, text=True, timeout=120
    )


def refused(env: dict[str, str], *args: str) -> tuple[int, str]:
    """Run a long-running command that must exit on its own: its exit code and stderr."""
    proc = subprocess.Popen(
        [*sidewise_command(), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _out, err = proc.communicate(timeout=REFUSAL_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.communicate()
        pytest.fail(f"`sidewise {' '.join(args)}` was still running after {REFUSAL_S} s")
    return proc.returncode, err


def served_health(env: dict[str, str], port: int) -> dict[str, str]:
    """Start `sidewise serve`, wait for /healthz to answer 200, stop it; the JSON it gave."""
    server = subprocess.Popen(
        [*sidewise_command(), "serve"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 40
    try:
        with httpx.Client(base_url=f"http://{HOST}:{port}", timeout=2.0) as client:
            while time.monotonic() < deadline and server.poll() is None:
                try:
                    response = client.get("/healthz")
                except httpx.HTTPError:
                    time.sleep(0.1)
                    continue
                assert response.status_code == 200, response.text
                return dict(response.json())
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    raise AssertionError(f"the server never answered /healthz (exit code {server.returncode})")


def test_serve_refuses_an_unmigrated_database_until_migrated(
    empty_database: str, tmp_path: Path
) -> None:
    port = free_port()
    env = env_for(empty_database, tmp_path, port)

    code, err = refused(env, "serve")
    assert code != 0
    assert "has no schema" in err, err
    assert "`sidewise migrate`" in err, err

    migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    health = served_health(env, port)
    assert health == {"status": "ok", "database": health["database"], "schema": head_revision()}


def test_dispatch_refuses_an_unmigrated_postgres_database(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    with throwaway_postgres(POSTGRES_URL, "sidewise_gate") as url:
        env = env_for(url, tmp_path, free_port())
        assert run(env, "vapid").returncode == 0  # the key is not what is missing
        code, err = refused(env, "dispatch")
    assert code != 0
    assert "has no schema" in err, err
    assert "`sidewise migrate`" in err, err


def test_migrate_says_what_it_did(empty_database: str, tmp_path: Path) -> None:
    env = env_for(empty_database, tmp_path, free_port())
    head = head_revision()

    created = run(env, "migrate")
    assert created.returncode == 0, created.stderr
    assert f"created the database schema at revision {head}" in created.stdout

    again = run(env, "migrate")
    assert again.returncode == 0, again.stderr
    assert f"already at revision {head}" in again.stdout


def test_migrate_names_the_revisions_it_upgraded(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0001")
    result = run(env_for(url, tmp_path, free_port()), "migrate")
    assert result.returncode == 0, result.stderr
    assert f"from revision 0001 to {head_revision()}" in result.stdout


def test_a_newer_schema_is_served_and_left_unchanged(tmp_path: Path) -> None:
    """A rollback: the previous release serves the database a later release migrated (its
    migrations only add), and its `migrate` leaves the schema alone."""
    path = tmp_path / "newer.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    port = free_port()
    env = env_for(url, tmp_path, port)

    migrated = run(env, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert "revision f00d, newer than this release's" in migrated.stdout
    assert "left unchanged" in migrated.stdout
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("f00d",)]
    assert served_health(env, port)["schema"] == "f00d"
