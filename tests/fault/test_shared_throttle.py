"""Two real `sidewise serve` processes over one PostgreSQL database share every limit.

Both run with the production defaults. Requests alternate between them (as a proxy's round
robin would) and many are sent at once, so the two processes race on the same buckets: an
email locked by failures counted on one is locked on the other, and of concurrent attempts
exactly the limit's worth get through, however they are split.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from bench.devices import PASSWORD, csrf, new_client, sign_up
from bench.server import ServerProcess, asyncpg_dsn, throwaway_postgres
from tests.support.databases import POSTGRES_URL

pytestmark = pytest.mark.slow

SIGN_INS_PER_ADDRESS = 30  # SIDEWISE_LIMIT_SIGN_IN's default, 30/15m
REGISTRATIONS_PER_ACCOUNT = 20  # SIDEWISE_LIMIT_REGISTER_ACCOUNT's default, 20/1h
FREE_FAILURES = 5


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    root = tmp_path_factory.mktemp("throttle")
    with throwaway_postgres(POSTGRES_URL, "sidewise_throttle") as url:
        first = ServerProcess(root / "a", url, throttled=True)
        second = ServerProcess(root / "b", url, throttled=True)
        first.migrate()
        try:
            first.start()
            second.start()
            yield first.base_url, second.base_url, url
        finally:
            first.close()
            second.close()


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/auth/login", json={"email": email, "password": password}, headers=csrf(client)
    )


async def same_browser(base_url: str, signed_in: httpx.AsyncClient) -> httpx.AsyncClient:
    """The same cookies (session and CSRF) against the other process."""
    client = new_client(base_url)
    client.cookies.update(signed_in.cookies)
    return client


async def count_devices(url: str) -> int:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM device"))
    finally:
        await conn.close()


def test_two_processes_share_the_limits(servers: tuple[str, str, str]) -> None:
    first_url, second_url, database_url = servers

    async def run() -> None:
        owner = await sign_up(first_url, "shared@example.com")
        clients = [new_client(first_url), new_client(second_url)]
        for client in clients:
            await client.get("/api/me")  # the CSRF cookie of each
        try:
            # Failures counted on either process lock the email on both.
            for n in range(FREE_FAILURES + 1):
                response = await log_in(clients[n % 2], "shared@example.com", "wrong password")
                assert response.status_code == 401, response.text
            for client in clients:
                locked = await log_in(client, "shared@example.com", PASSWORD)
                assert locked.status_code == 429, locked.text
                assert locked.json()["code"] == "sign_in_locked"
                assert int(locked.headers["retry-after"]) >= 1

            # 40 sign-ins at once, 20 to each: the address's 30 less the 6 above get through
            # (the real clock adds one every 30 s; this takes a few).
            attempts = [
                log_in(clients[n % 2], f"nobody{n}@example.com", "wrong password")
                for n in range(40)
            ]
            answers = Counter(r.status_code for r in await asyncio.gather(*attempts))
            left = SIGN_INS_PER_ADDRESS - (FREE_FAILURES + 1)
            assert answers == {401: left, 429: 40 - left}

            # 40 device registrations at once for one account, 20 to each process: 20 pass.
            browsers = [owner, await same_browser(second_url, owner)]
            registrations = [
                browsers[n % 2].post("/api/devices", headers=csrf(owner)) for n in range(40)
            ]
            results = await asyncio.gather(*registrations)
            by_process = Counter((n % 2, r.status_code) for n, r in enumerate(results))
            passed = sum(c for (_, s), c in by_process.items() if s == 201)
            assert passed == REGISTRATIONS_PER_ACCOUNT, by_process
            assert sum(c for (_, s), c in by_process.items() if s == 429) == 40 - passed
            assert all(r.headers.get("retry-after") for r in results if r.status_code == 429)
            assert await count_devices(database_url) == REGISTRATIONS_PER_ACCOUNT
            await browsers[1].aclose()
        finally:
            for client in (*clients, owner):
                await client.aclose()

    asyncio.run(run())
