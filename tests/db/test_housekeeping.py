"""The hourly sweep prunes what has run its course, on both engines: expired sessions, finished
push sends older than 30 days, spent throttling rows, security events older than a year,
expired share codes. What
is still live stays, and so do pending messages however old."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from backend.services.container import Services
from backend.services.housekeeping import BATCH
from tests.support.fakes import FakeClock

NOW = 1_790_000_000_000
DAY = 86_400_000


@pytest.fixture
def wall() -> FakeClock:
    return FakeClock(NOW)


async def rows(services: Services, sql: str) -> list[tuple[object, ...]]:
    async with services.db.read() as conn:
        return [tuple(row) for row in await conn.execute(text(sql))]


async def seed(services: Services) -> None:
    async with services.db.write() as conn:
        for token, expires in (("expired", NOW - 1), ("just-expired", NOW), ("live", NOW + 1)):
            await conn.execute(
                text(
                    "INSERT INTO web_session (token_hash, account_id, created_at_ms, "
                    "expires_at_ms) VALUES (:t, 1, 0, :e)"
                ),
                {"t": token, "e": expires},
            )
        for record, state, updated in (
            ("old-sent", "sent", NOW - 31 * DAY),
            ("old-gone", "gone", NOW - 31 * DAY),
            ("old-pending", "pending", NOW - 31 * DAY),
            ("recent-sent", "sent", NOW - 29 * DAY),
        ):
            await conn.execute(
                text(
                    "INSERT INTO push_send (record_id, fire_at_ms, subscription_id, account_id, "
                    "kind, payload, topic, state, attempts, next_attempt_ms, expires_at_ms, "
                    "lease_until_ms, created_at_ms, updated_at_ms) VALUES (:r, 0, 1, 1, "
                    "'reminder', '{}', 't', :s, 1, 0, 0, 0, 0, :u)"
                ),
                {"r": record, "s": state, "u": updated},
            )
        for key, tat in (("spent", NOW - 1), ("live", NOW + 60_000)):
            await conn.execute(
                text("INSERT INTO rate_limit (key, tat_ms) VALUES (:k, :t)"), {"k": key, "t": tat}
            )
        for key, last in (("forgotten", NOW - 2 * DAY), ("recent", NOW - 60_000)):
            await conn.execute(
                text(
                    "INSERT INTO sign_in_failure (email_key, failures, last_failure_ms, "
                    "locked_until_ms) VALUES (:k, 9, :l, :l)"
                ),
                {"k": key, "l": last},
            )
        for key, expires in (("expired", NOW), ("open", NOW + 1)):
            await conn.execute(
                text(
                    "INSERT INTO share_code (code_key, account_id, created_at_ms, expires_at_ms) "
                    "VALUES (:k, 1, 0, :e)"
                ),
                {"k": key, "e": expires},
            )
        for kind, at in (("sign_in", NOW - 366 * DAY), ("password_changed", NOW - 364 * DAY)):
            await conn.execute(
                text("INSERT INTO security_event (account_id, kind, at_ms) VALUES (1, :k, :a)"),
                {"k": kind, "a": at},
            )


async def test_the_sweep_prunes_only_what_has_run_its_course(services: Services) -> None:
    await seed(services)
    pruned = dict(await services.housekeeping.prune())
    assert pruned == {
        "web_session": 2,
        "push_send": 2,
        "rate_limit": 1,
        "sign_in_failure": 1,
        "security_event": 1,
        "share_code": 1,
    }
    assert await rows(services, "SELECT token_hash FROM web_session") == [("live",)]
    assert sorted(await rows(services, "SELECT record_id FROM push_send")) == [
        ("old-pending",),
        ("recent-sent",),
    ]
    assert await rows(services, "SELECT key FROM rate_limit") == [("live",)]
    assert await rows(services, "SELECT email_key FROM sign_in_failure") == [("recent",)]
    assert await rows(services, "SELECT kind FROM security_event") == [("password_changed",)]
    assert await rows(services, "SELECT code_key FROM share_code") == [("open",)]
    assert dict(await services.housekeeping.prune()) == dict.fromkeys(pruned, 0)


async def test_more_than_one_batch_is_pruned(services: Services) -> None:
    async with services.db.write() as conn:
        for n in range(BATCH + 5):
            await conn.execute(
                text("INSERT INTO rate_limit (key, tat_ms) VALUES (:k, 0)"), {"k": f"k{n}"}
            )
    assert dict(await services.housekeeping.prune())["rate_limit"] == BATCH + 5
    assert await rows(services, "SELECT count(*) FROM rate_limit") == [(0,)]


async def test_the_hourly_sweep_runs_the_pruning(services: Services) -> None:
    await seed(services)
    loop = services.insight_loop
    loop.start()
    try:
        for _ in range(100):
            if await rows(services, "SELECT token_hash FROM web_session") == [("live",)]:
                break
            await asyncio.sleep(0.05)
        assert await rows(services, "SELECT token_hash FROM web_session") == [("live",)]
    finally:
        await loop.stop()
