"""Services on a test database with a fake clock, a real sender and the in-test push service.

Time starts on Monday 5 January 2026 at 06:50 in Berlin (05:50 UTC), ten minutes before the
reminders most tests set for 07:00.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from backend.app import build_dispatcher
from backend.push.vapid import VapidKey
from backend.services.container import Services
from backend.services.dispatch import Dispatcher
from backend.settings import Settings
from tests.conftest import make_settings
from tests.support.fakes import FakeClock, SeededEntropy
from tests.support.lifters import Lifter, new_lifter
from tests.support.push_receiver import PushReceiver

SUBJECT = "mailto:ops@sidewise.test"
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def utc_ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


START = utc_ms(2026, 1, 5, 5, 50)  # Monday, 06:50 in Berlin
SEVEN = utc_ms(2026, 1, 5, 6, 0)  # 07:00 in Berlin


@pytest.fixture(scope="session")
def vapid_key() -> VapidKey:
    return VapidKey.generate()


@pytest.fixture
def settings(database_url: str, tmp_path: Path, vapid_key: VapidKey) -> Settings:
    return make_settings(
        database_url,
        tmp_path,
        vapid_private_key=vapid_key.private_raw(),
        vapid_subject=SUBJECT,
        push_allow_loopback=True,
        push_timeout_seconds=2,
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def wall(clock: FakeClock) -> FakeClock:
    return clock


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


@pytest.fixture
async def dispatcher(
    settings: Settings, services: Services, clock: FakeClock
) -> AsyncIterator[Dispatcher]:
    key = services.subscriptions.key
    assert key is not None
    built, sender = build_dispatcher(settings, services.db, key, clock, SeededEntropy(5))
    yield built
    sender.close()


@pytest.fixture
async def lifter(services: Services, clock: FakeClock) -> Lifter:
    return await new_lifter(services, clock)


async def rows(services: Services, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with services.db.read() as conn:
        result = await conn.execute(text(sql), params)
        return [dict(row._mapping) for row in result]
