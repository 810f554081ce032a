"""Fixtures for the push package: one VAPID key per session, a live receiver per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from backend.push.guard import PushPolicy
from backend.push.sender import PushSender
from backend.push.vapid import VapidKey
from tests.support.push_receiver import PushReceiver

SUBJECT = "mailto:ops@sidewise.test"
LOOPBACK = PushPolicy(host_suffixes=(), allow_loopback=True)


@pytest.fixture(scope="session")
def vapid_key() -> VapidKey:
    return VapidKey.generate()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


@pytest.fixture
async def sender(vapid_key: VapidKey) -> AsyncIterator[PushSender]:
    push_sender = PushSender(vapid_key, SUBJECT, LOOPBACK, timeout=2.0)
    yield push_sender
    push_sender.close()
