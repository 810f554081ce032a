"""Imbalance alerts end to end over HTTP: raised by the server after a push, pulled by another
device, acknowledged by a client edit, cleared when the history recovers; never duplicated, never
forged by a client."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from litestar import Litestar

from backend.db import group_commit
from backend.domain.symmetry import ASYMMETRY, LSI_UNINJURED
from backend.services.container import Services
from tests.conftest import open_client
from tests.domain.histories import at, injured_arm, sets_of, steady
from tests.support.api import PASSWORD, User, new_id, sign_up
from tests.support.fakes import FakeClock
from tests.support.sets import push_all, set_ops

ROW = "single-arm-db-row"
FRIDAY_WEEK_4 = at(25, 60)  # an hour after the fourth week's last session


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY_WEEK_4)


@pytest.fixture
def wall(clock: FakeClock) -> FakeClock:
    return clock


@pytest.fixture
async def user(app: Litestar) -> AsyncIterator[User]:
    async with open_client(app) as client:
        yield await sign_up(client, "lifter@example.com")


def services_of(app: Litestar) -> Services:
    return app.state.services  # type: ignore[no-any-return]


def alerts_in(changes: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for change in changes:
        if change["record_type"] == "alert":
            records.setdefault(change["record_id"], {})[change["field"]] = change["value"]
    return records


async def evaluated(app: Litestar, action: Callable[[], Awaitable[Any]]) -> None:
    """Run ``action`` with the background evaluation loop running, and wait for it to settle."""
    loop = services_of(app).insight_loop
    loop.start()
    try:
        await action()
        await loop.drain()
    finally:
        await loop.stop()


async def second_device(user: User) -> User:
    response = await user.post("/api/devices")
    return User(user.client, user.email, response.json()["device_id"])


async def test_alert_reaches_another_device_and_acknowledging_sticks(
    app: Litestar, user: User, clock: FakeClock
) -> None:
    await evaluated(app, lambda: push_all(user, set_ops(user, steady(50, 38), clock.now, ROW)))
    tablet = await second_device(user)
    alerts = alerts_in(await tablet.pull_all())
    by_kind = {a["kind"]: (rid, a) for rid, a in alerts.items()}
    assert sorted(by_kind) == ["lsi", "volume"]
    lsi_id, lsi = by_kind["lsi"]
    assert lsi | {"message": ""} == {
        "kind": "lsi",
        "exercise": ROW,
        "side": "right",
        "value_x10": 760,
        "window": "2026-01-03/2026-01-30",
        "message": "",
        "created_at": FRIDAY_WEEK_4,
        "cleared_at": None,
        "acknowledged": False,
    }
    assert lsi["message"].startswith(f"{LSI_UNINJURED}: 76.0 % on 2026-01-30")
    assert by_kind["volume"][1]["message"].startswith(ASYMMETRY)

    clock.now += 60_000  # a minute later the user taps Acknowledge on the tablet
    ack = tablet.op("alert", lsi_id, "acknowledged", True, clock.now)
    response = await tablet.push([ack])
    assert response.json()["results"][0]["status"] == "applied"
    # Re-judging the same history later that day rewrites nothing, so the acknowledgement holds.
    clock.now += 3_600_000
    assert await services_of(app).insight.evaluate(await account_id(user)) == 0
    assert alerts_in(await user.pull_all())[lsi_id]["acknowledged"] is True

    # Two balanced sessions later the LSI alert clears; the volume of the lopsided week stands.
    clock.now = at(30, 60)
    balanced = sets_of(ROW, 28, "left", 50_000, 8) + sets_of(ROW, 28, "right", 50_000, 8)
    balanced += sets_of(ROW, 30, "left", 50_000, 8) + sets_of(ROW, 30, "right", 50_000, 8)
    await evaluated(app, lambda: push_all(user, set_ops(user, balanced, clock.now, ROW)))
    after = alerts_in(await tablet.pull_all())
    assert after[lsi_id]["cleared_at"] == clock.now
    assert after[by_kind["volume"][0]]["cleared_at"] is None
    assert len(after) == 2

    # Weeks without the exercise: nothing stands in the window, so the volume alert clears too.
    me = await account_id(user)
    clock.now = at(60)
    await services_of(app).insight.evaluate(me)
    # A month on, the tablet's sign-in has lapsed: sign in again, then pull.
    login = await tablet.post("/api/auth/login", {"email": user.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    assert all(a["cleared_at"] is not None for a in alerts_in(await tablet.pull_all()).values())


async def account_id(user: User) -> int:
    return int((await user.client.get("/api/me")).json()["id"])


async def test_concurrent_evaluations_create_each_alert_once(
    app: Litestar, user: User, clock: FakeClock
) -> None:
    await push_all(user, set_ops(user, steady(50, 38), clock.now, ROW))
    insight = services_of(app).insight
    me = await account_id(user)
    written = await asyncio.gather(*(insight.evaluate(me) for _ in range(4)))
    assert sorted(written) == [0, 0, 0, 18]  # 2 alerts × 9 fields, by whichever ran first
    assert len(alerts_in(await user.pull_all())) == 2


async def test_pushes_notify_and_notifications_coalesce(
    app: Litestar, user: User, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    services = services_of(app)
    judged: list[int] = []
    monkeypatch.setattr(services.push, "after_commit", judged.append)
    await push_all(user, set_ops(user, steady(50, 38, weeks=1), clock.now, ROW))
    note = user.op("set", new_id(clock.now), "note", "felt easy", clock.now)
    await push_all(user, [note])
    me = await account_id(user)
    assert judged == [me, me]

    calls: list[int] = []

    async def counted(accounts: list[int]) -> list[int]:
        calls.extend(accounts)
        return [0] * len(accounts)

    monkeypatch.setattr(services.insight, "evaluate_all", counted)
    loop = services.insight_loop
    loop.start()
    try:
        for _ in range(5):
            loop.notify(me)
        await loop.drain()
    finally:
        await loop.stop()
    assert calls == [me]


async def test_a_batch_shares_one_commit_on_sqlite_and_a_failure_stays_its_own(
    app: Litestar,
    user: User,
    clock: FakeClock,
    new_user: Callable[[str], Awaitable[User]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """On SQLite the evaluations of a batch run in one group commit, even on an idle writer; on
    PostgreSQL each in its own transaction. One that fails is rolled back alone and logged."""
    users = [user, await new_user("second@example.com"), await new_user("third@example.com")]
    for lifter in users:
        await push_all(lifter, set_ops(lifter, steady(50, 38), clock.now, ROW))
    ids = [await account_id(lifter) for lifter in users]
    insight = services_of(app).insight
    standing = insight.standing

    async def breaks_for_the_second(conn: Any, account: int, now: int) -> Any:
        if account == ids[1]:
            raise RuntimeError("evaluation broke")
        return await standing(conn, account, now)

    groups: list[int] = []
    units_in_one_transaction = group_commit._units_in_one_transaction

    def counted(raw: Any, jobs: list[Any]) -> Any:
        groups.append(len(jobs))
        return units_in_one_transaction(raw, jobs)

    monkeypatch.setattr(insight, "standing", breaks_for_the_second)
    monkeypatch.setattr(group_commit, "_units_in_one_transaction", counted)
    with caplog.at_level(logging.ERROR, logger="sidewise.insight"):
        await evaluated(app, lambda: asyncio.sleep(0))

    assert groups == ([3] if services_of(app).db.is_sqlite else [])
    assert f"alert evaluation failed for account {ids[1]}" in caplog.text
    for lifter, judged in zip(users, (True, False, True), strict=True):
        assert bool(alerts_in(await lifter.pull_all())) is judged


async def test_clients_cannot_forge_or_rewrite_alerts(
    app: Litestar, user: User, clock: FakeClock, new_user: Callable[[str], Awaitable[User]]
) -> None:
    await push_all(user, set_ops(user, steady(50, 38), clock.now, ROW))
    await services_of(app).insight.evaluate(await account_id(user))
    alert_id = next(iter(alerts_in(await user.pull_all())))

    def reasons(response: Any) -> list[str]:
        return [r["reason"] for r in response.json()["results"]]

    forged = user.op("alert", new_id(clock.now), "acknowledged", True, clock.now)
    assert reasons(await user.push([forged])) == ["unknown_record"]
    rewrite = user.op("alert", alert_id, "message", "all fine", clock.now)
    assert reasons(await user.push([rewrite])) == ["server_field"]
    undelete = user.op("alert", alert_id, "_deleted", True, clock.now)
    assert reasons(await user.push([undelete])) == ["server_field"]
    other = await new_user("other@example.com")
    foreign = other.op("alert", alert_id, "acknowledged", True, clock.now)
    assert reasons(await other.push([foreign])) == ["foreign_record"]
    assert all(a["acknowledged"] is False for a in alerts_in(await user.pull_all()).values())


async def test_an_injured_limb_is_held_against_its_best_before_the_injury(
    app: Litestar, user: User, clock: FakeClock
) -> None:
    """The pre-injury best lies before the alert window; the server reads it all the same."""
    clock.now = at(30, 60)
    wrist = new_id(clock.now)
    status = {"limb": "left_arm", "status": "injured", "since": "2026-01-05"}
    await push_all(
        user, [user.op("limb_status", wrist, f, v, clock.now) for f, v in status.items()]
    )
    # A balanced second exercise of the other limb kind shares nothing with the injury.
    history = set_ops(user, injured_arm((28, 30), 13), clock.now, ROW)
    history += set_ops(user, steady(50, 50), clock.now, "single-leg-press")
    await push_all(user, history)
    await services_of(app).insight.evaluate(await account_id(user))
    alerts = alerts_in(await user.pull_all())
    assert sorted((a["kind"], a["exercise"], a["side"]) for a in alerts.values()) == [
        ("baseline", ROW, "left"),
        ("lsi", ROW, "left"),
    ]
