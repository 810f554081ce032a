"""The push dispatcher: turns due reminders into queued messages and sends queued messages.

Each step, in its own transactions:

1. **Expand**: claim due ``reminder_schedule`` rows (``FOR UPDATE SKIP LOCKED`` on
   PostgreSQL), queue one message per subscription of the account (``push_send``, unique on
   (reminder, fire_at, subscription)) and move each row to its next instant — all in one
   transaction, so a crash either did all of it or none.
2. **Deliver**: lease due messages (``lease_until_ms``, a random ``lease_token``), commit, then
   send them ``concurrency`` at a time outside any transaction. Outcomes are written as they
   arrive, several per transaction, and only while the lease is this claim's. A message whose
   outcome was not written before a crash is sent again once its lease ends; every message of
   a record carries the same ``Topic`` and notification tag, so the push service replaces an
   undelivered copy and the device shows one notification. No send starts that the lease might
   not outlast; a stopping dispatcher releases the messages it has not started.

Outcomes: 2xx ``sent``; 404/410 ``gone`` (the subscription is deleted); 429/5xx/network
``pending`` again at ``Retry-After`` (else backoff) plus up to 10 % jitter, or ``expired`` when
that is past the message's usefulness; other refusals ``refused``; a subscription made with
another VAPID key ``stale_key`` (the push service would refuse it; the browser must subscribe
again), one no longer this account's ``cancelled``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from datetime import UTC, datetime
from itertools import groupby
from typing import Protocol

from backend.db import account_settings, push_sends, push_subscriptions, reminder_schedule
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.db.push_sends import ClaimedSend, Result
from backend.db.push_subscriptions import SubscriptionRow
from backend.db.reminder_schedule import DueReminder
from backend.domain.schedule import next_due
from backend.push.guard import Subscription
from backend.push.sender import ALERT, REMINDER, Delivery, Outcome
from backend.push.vapid import VapidKey
from backend.services import push_store
from backend.services.ports import Entropy, WallClock
from backend.services.push_store import Message
from backend.services.reminder_content import AccountReminders

log = logging.getLogger("sidewise.dispatch")
DELIVERIES: dict[str, Delivery] = {"reminder": REMINDER, "alert": ALERT}
REMINDER_TTL_MS = REMINDER.ttl * 1000
RECORD_LINGER_S = 0.02


class PushPort(Protocol):
    """What the dispatcher needs of ``backend.push.sender.PushSender``."""

    key: VapidKey

    async def send(
        self,
        subscription: Subscription,
        payload: bytes,
        *,
        delivery: Delivery,
        topic: str | None = None,
        attempt: int = 0,
    ) -> Outcome: ...


class Dispatcher:
    def __init__(
        self,
        db: Database,
        sender: PushPort,
        wall: WallClock,
        entropy: Entropy,
        *,
        lease_s: float = 60.0,
        send_budget_s: float = 25.0,  # the longest one send may take (connect + read timeout)
        batch: int = 64,
        concurrency: int = 8,
        poll_s: float = 1.0,
    ) -> None:
        self.db = db
        self.sender = sender
        self.wall = wall
        self.entropy = entropy
        self.lease_ms = int(lease_s * 1000)
        self.send_budget_ms = int(send_budget_s * 1000)
        self.batch = batch
        self.concurrency = concurrency
        self.poll_s = poll_s
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Run in the background of this event loop (the web server on SQLite)."""
        self._stop.clear()
        self._task = asyncio.create_task(self.run(self._stop))

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until ``stop`` is set; the current step finishes or releases its claim."""
        while not stop.is_set():
            try:
                busy = await self.step(stop)
            except Exception:
                log.exception("dispatch step failed; claimed messages return when leases end")
                busy = False
            if not busy:
                with contextlib.suppress(TimeoutError):
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
                    # that races its timeout, and stop() then waits for this task forever.
                    async with asyncio.timeout(self.poll_s):
                        await stop.wait()

    async def drain(self) -> None:
        """Dispatch everything due now (tests and benchmarks drive the clock)."""
        while await self.step(asyncio.Event()):
            pass

    async def step(self, stop: asyncio.Event) -> bool:
        async with self.db.read() as conn:
            if not await push_sends.has_due_work(conn, self.wall.now_ms()):
                return False
        expanded = await self.expand()
        delivered = await self.deliver(stop)
        return bool(expanded or delivered)

    async def expand(self) -> int:
        """Queue the messages of due reminders and move them on; returns reminders claimed."""
        now = self.wall.now_ms()
        moves: list[tuple[int, str]] = []
        drops: list[str] = []
        async with self.db.write() as conn:
            due = await reminder_schedule.claim_due(conn, now, self.batch)
            for account_id, group in groupby(sorted(due, key=_owner), _owner):
                reminders = list(group)
                await self._queue(conn, account_id, reminders, now)
                quiet = (await account_settings.quiet_of(conn, account_id)).quiet
                for reminder in reminders:
                    # From now on when the dispatchers fell behind: missed days are not replayed.
                    after = datetime.fromtimestamp(max(reminder.fire_at_ms, now) / 1000, UTC)
                    upcoming = next_due(reminder.timing.schedule, after, quiet)
                    if upcoming is None:
                        drops.append(reminder.reminder_id)
                    else:
                        moves.append((int(upcoming.timestamp() * 1000), reminder.reminder_id))
            await reminder_schedule.advance(conn, moves, drops)
        return len(due)

    async def _queue(
        self, conn: Connection, account_id: int, reminders: list[DueReminder], now: int
    ) -> None:
        subscriptions = await push_subscriptions.subscriptions_of(conn, account_id, now)
        if not subscriptions:
            return
        content = AccountReminders(conn, account_id)
        messages = []
        for reminder in reminders:
            fire_at, expires = reminder.fire_at_ms, reminder.fire_at_ms + REMINDER_TTL_MS
            if now >= expires:
                continue  # due while no dispatcher ran, and no longer worth sending
            note = await content.message(reminder.timing, fire_at)
            if note is not None:
                record = reminder.reminder_id
                messages.append(Message(record, fire_at, "reminder", note, now, expires))
        await push_store.queue(conn, account_id, messages, subscriptions, now)

    async def deliver(self, stop: asyncio.Event) -> int:
        """Lease, send and record one batch of due messages; returns the number attempted."""
        now = self.wall.now_ms()
        token = self.entropy.token_bytes(8).hex()
        async with self.db.write() as conn:
            claimed = await push_sends.claim(conn, now, now + self.lease_ms, token, self.batch)
            subscriptions = await push_subscriptions.subscriptions_by_id(
                conn, [send.subscription_id for send in claimed]
            )
        if not claimed:
            return 0
        last_start = now + self.lease_ms - self.send_budget_ms
        queue = deque(claimed)
        unsent: list[ClaimedSend] = []
        recorder = _Recorder(self.db, token, self.wall, self.concurrency)

        async def work() -> None:
            while queue:
                send = queue.popleft()
                if stop.is_set() or self.wall.now_ms() > last_start:
                    unsent.append(send)
                else:
                    recorder.add(await self._attempt(send, subscriptions.get(send.subscription_id)))

        try:
            await asyncio.gather(*(work() for _ in range(self.concurrency)))
        finally:
            await recorder.close()
        if unsent:
            async with self.db.write() as conn:
                await push_sends.release(conn, unsent, token)
        stale = sum(1 for r in recorder.results if r.state == "stale_key")
        if stale:
            log.warning("%d messages not sent: their subscriptions use an older VAPID key", stale)
        return len(claimed) - len(unsent)

    async def _attempt(self, send: ClaimedSend, sub: SubscriptionRow | None) -> Result:
        now = self.wall.now_ms()
        if sub is None or sub.account_id != send.account_id:
            return Result(send, "cancelled", "unsubscribed", None, now, False)
        if sub.key_id != self.sender.key.key_id:
            return Result(send, "stale_key", "key_changed", None, now, False)
        if now >= send.expires_at_ms:
            return Result(send, "expired", "expired", None, now, False)
        outcome = await self.sender.send(
            Subscription(sub.endpoint, sub.p256dh, sub.auth),
            send.payload.encode(),
            delivery=DELIVERIES[send.kind],
            topic=send.topic,
            attempt=send.attempts,
        )
        if outcome.result != "retry":
            return Result(send, outcome.result, outcome.reason, outcome.status, now, True)
        wait_ms = (outcome.retry_after or 0.0) * 1000
        jitter = int.from_bytes(self.entropy.token_bytes(2), "big") / 65_536 * 0.1 * wait_ms
        at = self.wall.now_ms() + int(wait_ms + jitter)
        state = "expired" if at >= send.expires_at_ms else "pending"
        return Result(send, state, outcome.reason, outcome.status, at, True)


def _owner(reminder: DueReminder) -> int:
    return reminder.account_id


class _Recorder:
    """Writes outcomes while sends go on: whatever arrived since the last write, in one
    transaction, so a crash leaves few sent-but-unrecorded messages to send again."""

    def __init__(self, db: Database, token: str, wall: WallClock, group: int) -> None:
        self.db = db
        self.token = token
        self.wall = wall
        self.group = group  # outcomes worth a transaction without waiting
        self.results: list[Result] = []
        self._waiting: list[Result] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task = asyncio.create_task(self._run())

    def add(self, result: Result) -> None:
        self.results.append(result)
        self._waiting.append(result)
        self._wake.set()

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        await self._task

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            if not self._closing and len(self._waiting) < self.group:
                # A commit costs more than a send: let the sends in flight join this one.
                await asyncio.sleep(RECORD_LINGER_S)
            self._wake.clear()
            batch, self._waiting = self._waiting, []
            if batch:
                async with self.db.write() as conn:
                    await push_sends.record(conn, batch, self.token, self.wall.now_ms())
            if self._closing and not self._waiting:
                return
