"""Two real `sidewise serve` processes over one PostgreSQL database, each verifying sessions
from its own cache: a session ended through one is refused by the other on its very next
request, and a process whose listening connection is cut trusts no cached session until it
listens again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from bench.devices import PASSWORD, csrf, log_in, sign_up
from bench.server import asyncpg_dsn
from tests.support.two_servers import elsewhere, two_servers

pytestmark = pytest.mark.slow

LISTENERS = (
    "SELECT pid FROM pg_stat_activity WHERE starts_with(application_name, 'sidewise-sessions ')"
)


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    with two_servers(tmp_path_factory.mktemp("sessions"), "sidewise_sessions") as running:
        yield running


async def me(client: httpx.AsyncClient) -> int:
    return (await client.get("/api/me")).status_code


async def listeners(conn: asyncpg.Connection) -> set[int]:
    return {row["pid"] for row in await conn.fetch(LISTENERS)}


def test_an_ending_on_one_process_is_honoured_by_the_other_at_once(
    servers: tuple[str, str, str],
) -> None:
    first_url, second_url, database_url = servers

    async def run() -> None:
        phone = await sign_up(first_url, "ada@example.com")
        tablet = await log_in(first_url, "ada@example.com")
        laptop = await log_in(first_url, "ada@example.com")
        remote = {
            name: elsewhere(second_url, client)
            for name, client in (("phone", phone), ("tablet", tablet), ("laptop", laptop))
        }
        db = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            for client in remote.values():
                for _ in range(3):  # cached on the second process after the first
                    assert await me(client) == 200

            # Signing out one browser on the first process: refused on the second at once.
            assert (await laptop.post("/api/auth/logout", headers=csrf(laptop))).status_code == 204
            assert await me(remote["laptop"]) == 401
            assert await me(remote["tablet"]) == 200

            # A password change there ends every other session here.
            body = {"current_password": PASSWORD, "new_password": "a much better passphrase"}
            changed = await phone.post("/api/me/password", json=body, headers=csrf(phone))
            assert changed.status_code == 204, changed.text
            assert await me(remote["tablet"]) == 401
            assert await me(remote["phone"]) == 200

            # Signing out everywhere there ends this one here too.
            remote["phone"].cookies.update(phone.cookies)  # the CSRF token rotated
            ended = await remote["phone"].post(
                "/api/auth/logout-everywhere", headers=csrf(remote["phone"])
            )
            assert ended.status_code == 204
            phone.cookies.update({"csrftoken": remote["phone"].cookies["csrftoken"]})
            assert await me(phone) == 401

            # Cut the second process's listening connection: it may miss announcements, so
            # it must not trust what it cached, even a session ended behind its back.
            again = await sign_up(first_url, "bob@example.com")
            seen = elsewhere(second_url, again)
            assert await me(seen) == 200
            before = await listeners(db)
            assert len(before) == 2
            await db.execute(f"SELECT pg_terminate_backend(pid) FROM ({LISTENERS}) AS l")
            await db.execute("DELETE FROM web_session")  # heard by nobody
            await asyncio.sleep(0.1)
            assert await me(seen) == 401
            async with asyncio.timeout(20):
                while len(await listeners(db)) < 2:  # noqa: ASYNC110 (polling the server)
                    await asyncio.sleep(0.05)

            # Listening again, it trusts its cache again and hears endings again.
            back = await log_in(first_url, "bob@example.com")
            seen = elsewhere(second_url, back)
            assert await me(seen) == 200
            assert (await back.post("/api/auth/logout", headers=csrf(back))).status_code == 204
            assert await me(seen) == 401
        finally:
            await db.close()
            for client in (phone, tablet, laptop, *remote.values()):
                await client.aclose()

    asyncio.run(run())
