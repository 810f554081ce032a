"""Run the real ``sidewise serve`` as a child process, and make throwaway databases for it.

The server gets its own session (process group), so ``kill()`` SIGKILLs uvicorn itself and
anything it started, never just a wrapper. It binds 127.0.0.1 on a port chosen free, and keeps
that port across restarts so clients can simply retry the same URL.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import asyncpg
import httpx
from sqlalchemy.engine import make_url

HOST = "127.0.0.1"
# Benchmarks and most tests sign up many people from this one address; the throttling tests
# start their servers with ``throttled=True`` and so get the production defaults.
UNTHROTTLED = {
    "SIDEWISE_LIMIT_SIGN_IN": "999999/9999h",
    "SIDEWISE_LIMIT_SIGN_UP": "999999/9999h",
    "SIDEWISE_LIMIT_EMAIL": "999999/9999h",
    "SIDEWISE_LIMIT_REGISTER": "999999/9999h",
    "SIDEWISE_LIMIT_REGISTER_ACCOUNT": "999999/9999h",
    "SIDEWISE_LIMIT_SHARE_CODE": "999999/9999h",
}
DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def sidewise_command() -> list[str]:
    """The installed console script next to this interpreter, else the same entry point."""
    script = Path(sys.executable).with_name("sidewise")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from backend.cli import main; main()"]


class ServerProcess:
    """One ``sidewise serve`` at a time on a fixed port, over one database."""

    def __init__(
        self,
        data_dir: Path,
        database_url: str = "",
        *,
        port: int | None = None,
        throttled: bool = False,
        workers: int = 1,
    ) -> None:
        self.data_dir = data_dir
        self.database_url = database_url
        self.port = port or free_port()
        self.throttled = throttled
        self.workers = workers  # more than 1 on PostgreSQL only
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.kills = 0
        self._log: IO[bytes] | None = None
        data_dir.mkdir(parents=True, exist_ok=True)

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def sqlite_path(self) -> Path:
        """The database file when ``database_url`` is empty (SQLite in the data directory)."""
        return self.data_dir / "sidewise.db"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIDEWISE_")}
        env.update(
            SIDEWISE_DATA_DIR=str(self.data_dir),
            SIDEWISE_DATABASE_URL=self.database_url,
            # Clients send "Host: 127.0.0.1:<port>"; the allowed-hosts check compares it whole.
            SIDEWISE_ALLOWED_HOSTS=f"{HOST},{HOST}:{self.port}",
            SIDEWISE_SECRET_KEY="bench-secret-key",
            SIDEWISE_HOST=HOST,
            SIDEWISE_PORT=str(self.port),
            SIDEWISE_LOG_LEVEL="warning",
            SIDEWISE_WORKERS=str(self.workers),
        )
        if not self.throttled:
            env.update(UNTHROTTLED)
        return env

    def migrate(self) -> None:
        subprocess.run(
            [*sidewise_command(), "migrate"],
            env=self.env(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self, timeout_s: float = 30.0) -> float:
        """Start the server and wait until ``/healthz`` answers 200; return the seconds taken."""
        if self.proc is not None:
            raise RuntimeError("server already running")
        began = time.monotonic()
        if self._log is None:
            self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [*sidewise_command(), "serve"],
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.starts += 1
        deadline = began + timeout_s
        with httpx.Client(base_url=self.base_url, timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"server exited with {self.proc.returncode}; {self.tail()}")
                with suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200:
                        return time.monotonic() - began
                time.sleep(0.02)
        self.kill()
        raise TimeoutError(f"server not healthy after {timeout_s} s; {self.tail()}")

    def kill(self) -> None:
        """SIGKILL the server's whole process group (uvicorn is its leader) and reap it."""
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None
        self.kills += 1

    def stop(self) -> None:
        """A clean shutdown (SIGTERM, then SIGKILL after 10 s)."""
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def close(self) -> None:
        self.stop()
        if self._log is not None:
            self._log.close()
            self._log = None

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "no server log"
        return "server log: " + "\n".join(text.splitlines()[-lines:])

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def asyncpg_dsn(url: str) -> str:
    """A SQLAlchemy ``postgresql+asyncpg://`` URL as a plain libpq DSN for asyncpg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(base_url: str, sql: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(base_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def throwaway_postgres(base_url: str, prefix: str = "sidewise_bench") -> Iterator[str]:
    """Create an empty database next to the one ``base_url`` names; drop it afterwards.

    Blocking (it runs its own event loop): call it outside a running loop.
    """
    name = f"{prefix}_{secrets.token_hex(4)}"
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_admin(base_url, f'CREATE DATABASE "{name}"'))
    try:
        yield url
    finally:
        asyncio.run(_admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def analyze_postgres(url: str) -> None:
    """Refresh the planner's statistics, as autovacuum does on a server that has run a while."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def postgres_base_url() -> str:
    return (
        os.environ.get("SIDEWISE_BENCH_POSTGRES_URL")
        or os.environ.get("SIDEWISE_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES_URL
    )
