"""Services wired to a test database with a fake wall clock, and per-example accounts."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass, field

import pytest

from backend.services.container import Services
from sync.hlc import Hlc
from sync.ids import uuid7
from sync.wire import Op, PushRequest, PushResponse
from tests.support.api import PASSWORD
from tests.support.fakes import FakeClock

T0 = 1_795_000_000_000  # 2026-11-19, the fake "now" minus ten minutes
NOW = T0 + 600_000
_emails = itertools.count()


@dataclass
class Replica:
    """A device of one account: stamps ops with its node id and pushes them."""

    services: Services
    account_id: int
    device_id: str
    log: list[Op] = field(default_factory=list)

    def op(self, record_id: str, fld: str, value: object, hlc: Hlc, record_type: str = "set") -> Op:
        op = Op(new_id(), record_type, record_id, fld, value, hlc.encode())  # type: ignore[arg-type]
        self.log.append(op)
        return op

    async def push(self, ops: list[Op]) -> PushResponse:
        request = PushRequest(device_id=self.device_id, schema=1, ops=ops)
        return await self.services.push.push(self.account_id, request)


def new_id(ms: int = T0) -> str:
    return uuid7(ms, os.urandom(10))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def wall(clock: FakeClock) -> FakeClock:
    return clock


async def new_account(services: Services, devices: int = 1) -> list[Replica]:
    session = await services.accounts.sign_up(f"user{next(_emails)}@example.com", PASSWORD)
    account_id = session.account.account_id
    return [
        Replica(services, account_id, await services.devices.register(account_id))
        for _ in range(devices)
    ]
