"""The daily aggregate equals the domain's figures of the stored sets after any pushes, edits that
move sets between days and exercises, deletes and time-zone changes, on both engines."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from backend.db import daily as daily_rows
from backend.db.daily_rows import READ_COLUMNS, figures_of
from backend.domain.strength import DayFigures, SetEntry, daily_figures, local_day
from backend.services import daily as services_daily
from backend.services.container import Services
from sync.hlc import Hlc
from tests.sync_server.conftest import T0, Replica, new_account, new_id

HOUR = 3_600_000
# 2026-10-25 01:00 UTC: Europe/Berlin falls back, so local days there are 25 hours long.
DST_END = 1_792_890_000_000
EXERCISES = ["single-leg-press", "single-arm-biceps-curl"]

edit = st.one_of(
    st.tuples(st.just("exercise"), st.sampled_from(EXERCISES)),
    st.tuples(st.just("side"), st.sampled_from(["left", "right", "both"])),
    st.tuples(st.just("reps"), st.sampled_from([0, 1, 5, 8, 12, 13, 40])),
    st.tuples(st.just("weight_g"), st.integers(0, 200_000)),
    st.tuples(st.just("performed_at"), st.integers(-40, 40).map(lambda h: DST_END + h * HOUR)),
    st.tuples(st.just("_deleted"), st.booleans()),
)


async def stored(services: Services, account_id: int) -> list[DayFigures]:
    sql = f"SELECT {', '.join(READ_COLUMNS)} FROM set_daily WHERE account_id = :a"
    async with services.db.read() as conn:
        rows = (await conn.execute(text(sql), {"a": account_id})).all()
    return sorted(figures_of(list(rows)), key=lambda f: (f.exercise, f.day, f.side))


async def expected(services: Services, account_id: int, zone: ZoneInfo) -> list[DayFigures]:
    sql = (
        "SELECT exercise, side, reps, weight_g, performed_at_ms FROM logged_set "
        "WHERE account_id = :a AND exercise IS NOT NULL AND side IS NOT NULL "
        "AND reps IS NOT NULL AND weight_g IS NOT NULL AND performed_at_ms IS NOT NULL"
    )
    async with services.db.read() as conn:
        rows = (await conn.execute(text(sql), {"a": account_id})).all()
    entries = [
        SetEntry(exercise=e, side=s, reps=r, weight_g=w, performed_at=p) for e, s, r, w, p in rows
    ]
    return list(daily_figures(entries, zone))


async def push(device: Replica, writes: list[tuple[str, str, Any]], wall: int) -> None:
    ops = [
        device.op(record, field, value, Hlc(wall, counter, device.device_id))
        for counter, (record, field, value) in enumerate(writes)
    ]
    response = await device.push(ops)
    assert {r.status for r in response.results} <= {"applied", "superseded"}, response.results


def full_set(performed_at: int, exercise: str = EXERCISES[0]) -> dict[str, Any]:
    return {
        "exercise": exercise,
        "side": "left",
        "reps": 8,
        "weight_g": 50_000,
        "performed_at": performed_at,
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(
        st.lists(st.tuples(st.integers(0, 5), edit), min_size=1, max_size=8), min_size=1, max_size=5
    ),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kathmandu"]),
)
async def test_aggregate_follows_every_change(
    services: Services, batches: list[list[tuple[int, tuple[str, Any]]]], zone: str
) -> None:
    (device,) = await new_account(services)
    await services.time_zones.set(device.account_id, zone)
    sets = [new_id() for _ in range(6)]
    # Six complete sets an hour apart around the DST change, then random edits of them.
    await push(
        device,
        [
            (sid, f, v)
            for i, sid in enumerate(sets)
            for f, v in full_set(DST_END + i * HOUR).items()
        ],
        T0,
    )
    for n, batch in enumerate(batches, start=1):
        await push(device, [(sets[i], f, v) for i, (f, v) in batch], T0 + n * 1000)
        assert await stored(services, device.account_id) == await expected(
            services, device.account_id, ZoneInfo(zone)
        )


async def test_time_zone_change_moves_days(services: Services) -> None:
    (device,) = await new_account(services)
    # 23:30 UTC on 2026-11-18: still the 18th in New York, already the 19th in Berlin.
    late = 1_795_044_600_000
    record = new_id()
    await push(device, [(record, f, v) for f, v in full_set(late).items()], T0)
    days = {str(f.day) for f in await stored(services, device.account_id)}
    assert days == {"2026-11-18"}
    await services.time_zones.set(device.account_id, "Europe/Berlin")
    assert {str(f.day) for f in await stored(services, device.account_id)} == {"2026-11-19"}
    await services.time_zones.set(device.account_id, "America/New_York")
    assert {str(f.day) for f in await stored(services, device.account_id)} == {"2026-11-18"}


def record_refresh_reads(monkeypatch: pytest.MonkeyPatch) -> tuple[list[Any], list[Any]]:
    """From now on, the sets and the stored days every refresh of the aggregate reads."""
    sets_read: list[Any] = []
    days_read: list[Any] = []
    sets_and_days = daily_rows.sets_and_days

    async def recording(*args: Any) -> tuple[list[Any], list[Any]]:
        sets, days = await sets_and_days(*args)
        sets_read.extend(sets)
        days_read.extend(days)
        return sets, days

    monkeypatch.setattr(daily_rows, "sets_and_days", recording)
    return sets_read, days_read


async def test_a_push_touching_one_day_reads_only_that_days_sets(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The aggregate is refreshed from the touched day's sets, not the exercise's history."""
    (device,) = await new_account(services)
    await services.time_zones.set(device.account_id, "Europe/Berlin")
    # Three sets a day for ten days, the last of them the day Berlin's clocks go back.
    first_day = DST_END - 9 * 24 * HOUR
    history = [first_day + day * 24 * HOUR + n * HOUR for day in range(10) for n in range(3)]
    ids = [new_id() for _ in history]
    writes = [
        (sid, f, v) for sid, at in zip(ids, history, strict=True) for f, v in full_set(at).items()
    ]
    await push(device, writes, T0)
    read, _ = record_refresh_reads(monkeypatch)
    touched = DST_END + 2 * HOUR
    record = new_id()
    await push(device, [(record, f, v) for f, v in full_set(touched).items()], T0 + 1000)

    zone = ZoneInfo("Europe/Berlin")
    day = local_day(touched, zone)
    assert sorted(row[4] for row in read) == sorted(
        [at for at in history if local_day(at, zone) == day] + [touched]
    )
    assert await stored(services, device.account_id) == await expected(
        services, device.account_id, zone
    )


async def test_a_time_zone_change_rebuilds_the_days_a_few_sets_at_a_time(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step of the rebuild reads a bounded number of sets; together they redo every day."""
    (device,) = await new_account(services)
    history = [DST_END + day * 24 * HOUR + n * 5 * HOUR for day in range(-6, 6) for n in range(3)]
    ids = [new_id() for _ in history]
    writes = [
        (sid, f, v) for sid, at in zip(ids, history, strict=True) for f, v in full_set(at).items()
    ]
    await push(device, writes, T0)
    steps: list[int] = []
    sets_in = daily_rows.sets_in

    async def recording(*args: Any) -> list[tuple[Any, ...]]:
        rows = await sets_in(*args)
        steps.append(len(rows))
        return rows

    monkeypatch.setattr(services_daily, "REBUILD_SETS", 4)
    monkeypatch.setattr(daily_rows, "sets_in", recording)
    await services.time_zones.set(device.account_id, "Pacific/Kiritimati")  # UTC+14
    # A step ends on the day its count reaches 4 sets (3 a day): at most 6 of them, plus the
    # sets the new zone moves in from a neighbouring day.
    assert len(steps) >= 5
    assert max(steps) <= 9
    assert sum(steps) >= len(history)
    assert await stored(services, device.account_id) == await expected(
        services, device.account_id, ZoneInfo("Pacific/Kiritimati")
    )
