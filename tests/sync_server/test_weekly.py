"""The weekly aggregate equals the domain's weekly volume of the stored sets after any pushes,
edits, deletes and time-zone changes, on both engines, and the all-time chart read from it is the
chart of those sets."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from backend.db.weekly import COLUMNS
from backend.domain.charts import chart_of_sets
from backend.domain.strength import SetEntry, bests_of, local_day, week_start, weeks_of
from backend.services.container import Services
from tests.sync_server.conftest import T0, new_account, new_id
from tests.sync_server.test_daily import (
    DST_END,
    EXERCISES,
    HOUR,
    edit,
    expected,
    full_set,
    push,
    record_refresh_reads,
)

DAY = 24 * HOUR


async def stored_weeks(services: Services, account_id: int) -> list[tuple[Any, ...]]:
    sql = (
        f"SELECT {', '.join(COLUMNS)} FROM set_weekly WHERE account_id = :a ORDER BY exercise, week"
    )
    async with services.db.read() as conn:
        rows = (await conn.execute(text(sql), {"a": account_id})).all()
    return [decoded(row) for row in rows]


def decoded(row: Any) -> tuple[Any, ...]:
    *head, epley, brzycki = row
    return (*head, msgspec.json.decode(epley), msgspec.json.decode(brzycki))


async def domain_weeks(
    services: Services, account_id: int, zone: ZoneInfo
) -> list[tuple[Any, ...]]:
    """Per exercise and week: the domain's weekly volume and daily bests of the stored sets."""
    figures = await expected(services, account_id, zone)
    rows = []
    for exercise in sorted({f.exercise for f in figures}):
        mine = [f for f in figures if f.exercise == exercise]
        for volume in weeks_of(mine):
            days = [f for f in mine if week_start(f.day) == volume.week_start]
            rows.append(
                (
                    account_id,
                    exercise,
                    volume.week_start.isoformat(),
                    volume.left,
                    volume.right,
                    volume.sessions,
                    list(msgspec.to_builtins(bests_of(days, "epley"))),
                    list(msgspec.to_builtins(bests_of(days, "brzycki"))),
                )
            )
    return rows


async def stored_sets(services: Services, account_id: int) -> list[SetEntry]:
    sql = (
        "SELECT exercise, side, reps, weight_g, performed_at_ms FROM logged_set "
        "WHERE account_id = :a AND exercise IS NOT NULL AND side IS NOT NULL "
        "AND reps IS NOT NULL AND weight_g IS NOT NULL AND performed_at_ms IS NOT NULL"
    )
    async with services.db.read() as conn:
        rows = (await conn.execute(text(sql), {"a": account_id})).all()
    return [
        SetEntry(exercise=e, side=s, reps=r, weight_g=w, performed_at=p) for e, s, r, w, p in rows
    ]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    batches=st.lists(
        st.lists(st.tuples(st.integers(0, 7), edit), min_size=1, max_size=8), min_size=1, max_size=5
    ),
    zones=st.lists(
        st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kathmandu", "Pacific/Kiritimati"]),
        min_size=1,
        max_size=3,
    ),
)
async def test_weekly_aggregate_and_all_time_chart_follow_every_change(
    services: Services, batches: list[list[tuple[int, tuple[str, Any]]]], zones: list[str]
) -> None:
    (device,) = await new_account(services)
    account = device.account_id
    await services.time_zones.set(account, zones[0])
    sets = [new_id() for _ in range(8)]
    # Eight sets around the DST change, some a few days apart so weeks begin and end among them.
    await push(
        device,
        [
            (sid, f, v)
            for i, sid in enumerate(sets)
            for f, v in full_set(DST_END + i * 19 * HOUR - 3 * DAY).items()
        ],
        T0,
    )
    for n, batch in enumerate(batches, start=1):
        await push(device, [(sets[i], f, v) for i, (f, v) in batch], T0 + n * 1000)
        if n % 2 == 0:  # every other batch, the account moves (the rebuild re-sums weeks)
            await services.time_zones.set(account, zones[n % len(zones)])
        current = ZoneInfo(await current_zone(services, account))
        assert await stored_weeks(services, account) == await domain_weeks(
            services, account, current
        )
        sets_now = await stored_sets(services, account)
        for exercise in EXERCISES:
            for formula in ("epley", "brzycki"):
                view = await services.charts.chart(account, exercise, formula=formula)
                assert view.chart == chart_of_sets(
                    sets_now, exercise, zone=current, formula=formula
                )


async def current_zone(services: Services, account_id: int) -> str:
    async with services.db.read() as conn:
        row = (
            await conn.execute(
                text("SELECT time_zone FROM account WHERE id = :a"), {"a": account_id}
            )
        ).one()
    return str(row[0])


async def test_a_push_re_derives_only_its_weeks_from_their_days(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The weekly rows are refreshed from the touched week's daily rows, not the history's."""
    (device,) = await new_account(services)
    await services.time_zones.set(device.account_id, "Europe/Berlin")
    # A set a day for eight weeks, the last day the one Berlin's clocks go back.
    history = [DST_END - day * DAY for day in range(56)]
    writes = [(new_id(), at) for at in history]
    await push(device, [(sid, f, v) for sid, at in writes for f, v in full_set(at).items()], T0)
    _, read = record_refresh_reads(monkeypatch)
    touched, record = DST_END + 2 * HOUR, new_id()
    await push(device, [(record, f, v) for f, v in full_set(touched).items()], T0 + 1000)

    zone = ZoneInfo("Europe/Berlin")
    monday = week_start(local_day(touched, zone))
    assert read
    assert {week_start(date.fromisoformat(str(row[1]))) for row in read} == {monday}
    assert await stored_weeks(services, device.account_id) == await domain_weeks(
        services, device.account_id, zone
    )
