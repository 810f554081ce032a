"""Two `sidewise serve` processes on one throwaway PostgreSQL database, and a browser's cookies
carried from one to the other: what the tests of "at once, on every process" need."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bench.devices import new_client
from bench.server import ServerProcess, throwaway_postgres
from tests.support.databases import POSTGRES_URL


@contextmanager
def two_servers(root: Path, prefix: str) -> Iterator[tuple[str, str, str]]:
    """The two processes' base URLs and the database's URL."""
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    with throwaway_postgres(POSTGRES_URL, prefix) as url:
        first = ServerProcess(root / "a", url)
        second = ServerProcess(root / "b", url)
        first.migrate()
        try:
            first.start()
            second.start()
            yield first.base_url, second.base_url, url
        finally:
            first.close()
            second.close()


def elsewhere(base_url: str, signed_in: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same browser's cookies (session and CSRF) against the other process."""
    client = new_client(base_url)
    client.cookies.update(signed_in.cookies)
    return client
