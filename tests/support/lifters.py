"""An account with one device that writes records through the sync push, as the app does, and
registers push subscriptions; used by the dispatch tests, the dispatch fault test and the
dispatch benchmark to set up reminders through the same code paths as real clients."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from backend.services.accounts import SignedIn
from backend.services.container import Services
from backend.services.push_subscriptions import NewSubscription, Registered
from sync.hlc import Hlc
from sync.ids import uuid7
from sync.wire import Op, PushRequest
from tests.support.api import PASSWORD
from tests.support.fakes import FakeClock
from tests.support.push_receiver import BrowserSubscription

BERLIN = "Europe/Berlin"
EVERY_DAY = 0b111_1111
LIMBS = ("left_leg", "right_leg", "left_arm", "right_arm")
_emails = itertools.count()


@dataclass
class Lifter:
    """An account with one device, writing records through the sync push like the app does."""

    services: Services
    clock: FakeClock
    account: SignedIn
    device_id: str
    counter: int = 0

    @property
    def account_id(self) -> int:
        return self.account.account_id

    async def write(self, record_type: str, record_id: str, **fields: Any) -> str:
        await self.push([self.op(record_type, record_id, name, v) for name, v in fields.items()])
        return record_id

    def op(self, record_type: str, record_id: str, name: str, value: Any) -> Op:
        self.counter += 1
        hlc = Hlc(self.clock.now, self.counter, self.device_id).encode()
        return Op(uuid7(self.clock.now, os.urandom(10)), record_type, record_id, name, value, hlc)

    async def push(self, ops: list[Op]) -> None:
        request = PushRequest(device_id=self.device_id, schema=1, ops=ops)
        response = await self.services.push.push(self.account_id, request)
        assert {r.status for r in response.results} == {"applied"}, response.results

    def new_id(self) -> str:
        return uuid7(self.clock.now, os.urandom(10))

    async def reminder(self, **fields: Any) -> str:
        record = {
            "weekdays": EVERY_DAY,
            "local_time": "07:00",
            "tz": BERLIN,
            "limb": "left_leg",
            "exercises": "single-leg-press",
            "enabled": True,
        }
        return await self.write("reminder", self.new_id(), **(record | fields))

    async def set(self, exercise: str, side: str, performed_at: int) -> str:
        return await self.write(
            "set",
            self.new_id(),
            exercise=exercise,
            side=side,
            reps=8,
            weight_g=40_000,
            performed_at=performed_at,
        )

    async def subscribe(self, sub: BrowserSubscription) -> Registered:
        keys = sub.as_json()["keys"]
        new = NewSubscription(sub.endpoint, keys["p256dh"], keys["auth"], None, self.device_id)
        return await self.services.subscriptions.subscribe(self.account, new)


async def new_lifter(services: Services, clock: FakeClock) -> Lifter:
    session = await services.accounts.sign_up(f"lifter{next(_emails)}@example.com", PASSWORD)
    account = SignedIn(session.account.account_id, session.account.email, clock.now)
    device = await services.devices.register(account.account_id)
    return Lifter(services, clock, account, device)


async def due_reminders(
    services: Services,
    clock: FakeClock,
    subscribe: Callable[[], BrowserSubscription],
    *,
    accounts: int,
    per_account: int,
    due_at_ms: int,
) -> set[tuple[str, str]]:
    """``accounts`` accounts, each with one subscription from ``subscribe()`` and
    ``per_account`` reminders all due at ``due_at_ms`` (a whole UTC minute), written through
    the sync push. Returns the (subscription id, reminder id) pairs a dispatcher owes."""
    due = datetime.fromtimestamp(due_at_ms / 1000, UTC)
    assert due.second == due.microsecond == 0
    clock.now = due_at_ms - 1_000
    owed = set()
    for _ in range(accounts):
        lifter = await new_lifter(services, clock)
        sub = subscribe()
        await lifter.subscribe(sub)
        ops = []
        for n in range(per_account):
            limb = LIMBS[n % len(LIMBS)]
            fields = {
                "weekdays": EVERY_DAY,
                "local_time": due.strftime("%H:%M"),
                "tz": "UTC",
                "limb": limb,
                "exercises": "single-leg-press" if limb.endswith("leg") else "single-arm-db-row",
                "enabled": True,
            }
            record = lifter.new_id()
            ops += [lifter.op("reminder", record, name, value) for name, value in fields.items()]
            owed.add((sub.id, record))
        await lifter.push(ops)
    return owed
