"""Who dispatches: the web server on SQLite (its one writer must), ``sidewise dispatch`` on
PostgreSQL unless configured otherwise; ``sidewise dispatch`` refuses SQLite and a missing key."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from backend.cli import main
from backend.settings import Settings
from tests.conftest import make_app, make_settings
from tests.dispatch.conftest import SEVEN
from tests.support.fakes import FakeClock
from tests.support.lifters import new_lifter
from tests.support.push_receiver import PushReceiver


async def arrives(receiver: PushReceiver, within_s: float) -> bool:
    for _ in range(int(within_s / 0.05)):
        if receiver.raw_posts():
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.parametrize("in_app", ["auto", "1"])
async def test_the_web_server_dispatches_when_configured(
    settings: Settings, clock: FakeClock, receiver: PushReceiver, in_app: str, tmp_path: Path
) -> None:
    settings = make_settings(
        settings.database_url,
        tmp_path,
        vapid_private_key=settings.vapid_private_key,
        push_allow_loopback=True,
        dispatch_in_app=in_app,
    )
    app = make_app(settings, wall=clock)
    services = app.state.services
    lifter = await new_lifter(services, clock)
    await lifter.subscribe(receiver.subscribe())
    await lifter.reminder()
    async with app.lifespan():
        clock.now = SEVEN
        dispatched = await arrives(receiver, within_s=3.0)
    assert dispatched == (in_app == "1" or settings.is_sqlite)
    assert receiver.errors() == []


async def test_dispatch_refuses_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIDEWISE_DATA_DIR", str(tmp_path))
    with pytest.raises(SystemExit, match="needs PostgreSQL"):
        await asyncio.to_thread(main, ["dispatch"])


async def test_dispatch_needs_a_key(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if settings.is_sqlite:
        pytest.skip("sidewise dispatch runs on PostgreSQL")
    monkeypatch.setenv("SIDEWISE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SIDEWISE_DATABASE_URL", settings.database_url)
    with pytest.raises(SystemExit, match="sidewise vapid"):
        await asyncio.to_thread(main, ["dispatch"])
