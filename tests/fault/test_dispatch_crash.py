"""Three ``sidewise dispatch`` processes on PostgreSQL, one SIGKILLed mid-run: every reminder
reaches every subscription, none is missed, and none is stored twice by the push service.

2,000 reminders (250 accounts × 8, one subscription each) are written through the sync push,
all due now. Three real dispatcher processes share them (``FOR UPDATE SKIP LOCKED``); when a
third of the messages has arrived one is SIGKILLed, possibly between sending and recording.
What it leased is sent again once its lease ends (11 s here).

Exactly once over HTTP does not exist: a POST whose answer or whose recording a crash lost
must be sent again, or the message could be lost. What holds is at-least-once sending and
exactly-once storage: every copy of a message carries the same ``Topic``, and a push service
replaces an undelivered message with the same topic (RFC 8030 §5.4) — the in-test receiver
models that and also counts the raw POSTs, so the test shows both. Copies that a device had
already fetched would show as one notification too (same tag), which no receiver can observe.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import msgspec
import pytest

from backend.app import build_services
from backend.db.migrate import upgrade
from backend.domain.notification import Notification
from backend.push.sender import topic_for
from backend.push.vapid import VapidKey
from backend.services.passwords import Passwords
from bench.server import asyncpg_dsn, sidewise_command, throwaway_postgres
from tests.conftest import FAST_HASHER, make_settings
from tests.support.databases import POSTGRES_URL
from tests.support.fakes import FakeClock, SeededEntropy
from tests.support.lifters import due_reminders
from tests.support.push_receiver import PushReceiver

pytestmark = pytest.mark.slow

ACCOUNTS = 250
PER_ACCOUNT = 8
DISPATCHERS = 3
TIMEOUT_S = 3
LEASE_S = 11
BATCH = 64  # the dispatcher's claim: at most this many copies of messages are re-sent
SEND_BUDGET_S = 2 * TIMEOUT_S + 3  # no send starts later than this before its lease ends
DEADLINE_S = 45.0
SUBJECT = "mailto:ops@sidewise.test"


@pytest.fixture
def database() -> Iterator[str]:
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    with throwaway_postgres(POSTGRES_URL, prefix="sidewise_dispatch") as url:
        upgrade(url)
        yield url


def start_dispatcher(url: str, key: VapidKey, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIDEWISE_")}
    env.update(
        SIDEWISE_DATABASE_URL=url,
        SIDEWISE_DATA_DIR=str(log.parent),
        SIDEWISE_VAPID_PRIVATE_KEY=key.private_raw(),
        SIDEWISE_VAPID_SUBJECT=SUBJECT,
        SIDEWISE_PUSH_ALLOW_LOOPBACK="1",
        SIDEWISE_PUSH_TIMEOUT_SECONDS=str(TIMEOUT_S),
        SIDEWISE_DISPATCH_LEASE_SECONDS=str(LEASE_S),
        SIDEWISE_LOG_LEVEL="warning",
    )
    with log.open("ab") as out:
        return subprocess.Popen(
            [*sidewise_command(), "dispatch"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


async def states(url: str) -> Counter[str]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT state, count(*) FROM push_send GROUP BY state")
    finally:
        await conn.close()
    return Counter({row[0]: row[1] for row in rows})


async def test_sigkill_of_a_dispatcher_loses_and_duplicates_nothing(
    database: str, tmp_path: Path
) -> None:
    began = time.monotonic()
    key = VapidKey.generate()
    settings = make_settings(
        database,
        tmp_path,
        vapid_private_key=key.private_raw(),
        vapid_subject=SUBJECT,
        push_allow_loopback=True,
    )
    now_ms = int(time.time() * 1000)
    due_at = now_ms - now_ms % 60_000  # this minute: due for the real clock at once
    with PushReceiver() as receiver:
        clock = FakeClock(due_at)
        services = build_services(
            settings, wall=clock, entropy=SeededEntropy(11), passwords=Passwords(4, FAST_HASHER)
        )
        try:
            owed = await due_reminders(
                services,
                clock,
                receiver.subscribe,
                accounts=ACCOUNTS,
                per_account=PER_ACCOUNT,
                due_at_ms=due_at,
            )
        finally:
            await services.db.dispose()
        seeded_s = time.monotonic() - began
        expected = {(sub_id, topic_for(reminder)) for sub_id, reminder in owed}
        assert len(expected) == ACCOUNTS * PER_ACCOUNT == 2_000

        logs = [tmp_path / f"dispatch-{n}.log" for n in range(DISPATCHERS)]
        processes = [start_dispatcher(database, key, log) for log in logs]
        dispatch_began = time.monotonic()
        try:
            while receiver.raw_posts() < len(expected) // 3:
                assert time.monotonic() - dispatch_began < DEADLINE_S, "dispatchers stalled"
                await asyncio.sleep(0.005)
            os.killpg(processes[0].pid, signal.SIGKILL)
            processes[0].wait(timeout=10)
            killed_at, kill_time = receiver.raw_posts(), time.monotonic()

            stored: set[tuple[str, str]] = set()
            stored_s = 0.0
            while time.monotonic() - dispatch_began < DEADLINE_S:
                stored = {(m.subscription_id, m.headers.get("topic", "")) for m in receiver.inbox()}
                if stored >= expected and not stored_s:
                    stored_s = time.monotonic() - dispatch_began
                if stored_s and (await states(database))["sent"] == len(expected):
                    break
                await asyncio.sleep(0.2)
            dispatch_s = time.monotonic() - dispatch_began
        finally:
            for process in processes[1:]:
                os.killpg(process.pid, signal.SIGTERM)
            exits = [process.wait(timeout=30) for process in processes[1:]]
        logged = "\n".join(log.read_text(errors="replace")[-2000:] for log in logs)

        inbox = receiver.inbox()
        raw = receiver.raw_posts()
        posts: dict[tuple[str, str], list[float]] = {}
        for m in receiver.messages():
            posts.setdefault((m.subscription_id, m.headers.get("topic", "")), []).append(m.at)
        twice = {key: at for key, at in posts.items() if len(at) > 1}
        resent = sorted(at - kill_time for m in receiver.messages() if (at := m.at) > kill_time)
        print(
            f"\n{len(expected)} messages, {DISPATCHERS} dispatchers, one SIGKILLed after "
            f"{killed_at} POSTs ({receiver.aborted} cut off): all stored after {stored_s:.1f} s, "
            f"all recorded after {dispatch_s:.1f} s (seeding {seeded_s:.1f} s); "
            f"raw POSTs {raw}, duplicate POSTs {raw - len(expected)} "
            f"(keys sent twice: {len(twice)}), stored {len(inbox)}, "
            f"missed {len(expected - stored)}; survivors exited {exits} on SIGTERM; "
            f"last POST {resent[-1] if resent else 0:.1f} s after the kill"
        )
        assert receiver.errors() == [], logged
        assert exits == [0] * (DISPATCHERS - 1), logged
        # None missed, none stored twice.
        assert stored == expected, logged
        assert len(inbox) == len(expected)
        # A message goes out again only when its first outcome was lost: sent by the killed
        # dispatcher but not recorded (at most its one claim), or a POST that timed out on a
        # loaded machine yet arrived. Either way seconds later — after the lease ran out, or
        # after the retry's backoff — never from two dispatchers holding it at once.
        assert raw - len(expected) <= BATCH
        for first, *again in twice.values():
            assert min(again) - first >= LEASE_S - SEND_BUDGET_S
        assert (await states(database)) == {"sent": len(expected)}
        for message in inbox[:50]:
            note = msgspec.json.decode(message.plaintext or b"", type=Notification)
            assert note.title.endswith((" leg day", " arm day"))
