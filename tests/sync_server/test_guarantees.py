"""The sync guarantees of docs/architecture.md ("Sync") as properties of the real server state,
on both engines.

Each example pushes random ops from two devices of one account in random batches, in random
order, with retried batches, and compares the database with the pure model ``merge_all``.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.services.container import Services
from sync.hlc import MAX_DRIFT_MS, Hlc, receive, send
from sync.merge import DELETED, merge_all
from sync.wire import Op, PullRequest
from tests.support.fakes import FakeClock
from tests.support.model import model_sets, model_state, op_log_ids, server_sets, server_state
from tests.sync_server.conftest import NOW, T0, Replica, new_account, new_id

PROPERTY = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

notes = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=12).map(
    lambda s: unicodedata.normalize("NFC", s)
)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "reps": st.integers(0, 1000),
    "weight_g": st.sampled_from([0, 20_000, 20_001, 1_000_000]),
    "side": st.sampled_from(["left", "right", "both"]),
    "note": st.one_of(st.none(), notes),
    DELETED: st.booleans(),
}
# Few walls and counters, so that ops collide on keys and tie on HLCs.
op_specs = st.lists(
    st.tuples(
        st.integers(0, 1),  # device
        st.integers(0, 2),  # record
        st.sampled_from(sorted(FIELD_VALUES)),
        st.integers(0, 3),  # wall offset, ms
        st.integers(0, 2),  # counter
        st.data(),
    ),
    min_size=1,
    max_size=40,
)


def build_ops(replicas: list[Replica], specs: list[Any]) -> list[Op]:
    records = [new_id() for _ in range(3)]
    return [
        replicas[device].op(
            records[record],
            fld,
            data.draw(FIELD_VALUES[fld]),
            Hlc(T0 + wall, counter, replicas[device].device_id),
        )
        for device, record, fld, wall, counter, data in specs
    ]


def batches(
    ops: list[Op], replicas: list[Replica], rng: random.Random
) -> list[tuple[int, list[Op]]]:
    """Per device: shuffle, cut into random batches; then interleave the devices' batches."""
    out: list[tuple[int, list[Op]]] = []
    for device, replica in enumerate(replicas):
        mine = [op for op in ops if Hlc.parse(op.hlc).node == replica.device_id]
        rng.shuffle(mine)
        while mine:
            size = rng.randint(1, 8)
            out.append((device, mine[:size]))
            mine = mine[size:]
    rng.shuffle(out)
    return out


async def assert_matches_model(services: Services, account_id: int, ops: list[Op]) -> None:
    model = merge_all(ops)
    assert await server_state(services.db, account_id) == model_state(model)
    assert await server_sets(services.db, account_id) == model_sets(ops, model)
    assert sorted(await op_log_ids(services.db, account_id)) == sorted(op.op_id for op in ops)


@PROPERTY
@given(specs=op_specs, seed=st.integers(0, 2**32), retries=st.integers(0, 4))
async def test_state_equals_pure_model_whatever_the_batching_order_and_retries(
    services: Services, specs: list[Any], seed: int, retries: int
) -> None:
    """Strong eventual consistency, order and batching independence, idempotent retries."""
    replicas = await new_account(services, devices=2)
    ops = build_ops(replicas, specs)
    rng = random.Random(seed)
    plan = batches(ops, replicas, rng)
    acknowledged: set[str] = set()
    for _ in range(retries):  # a retry re-sends a batch whose reply was lost
        plan.insert(rng.randrange(len(plan) + 1), rng.choice(plan))
    for device, batch in plan:
        response = await replicas[device].push(batch)
        for op, result in zip(batch, response.results, strict=True):
            assert result.op_id == op.op_id
            if op.op_id in acknowledged:
                assert result.status == "duplicate"
            else:
                assert result.status in ("applied", "superseded"), result
            acknowledged.add(op.op_id)
    await assert_matches_model(services, replicas[0].account_id, ops)


@PROPERTY
@given(specs=op_specs, seed=st.integers(0, 2**32))
async def test_any_order_converges_to_the_same_state(
    services: Services, specs: list[Any], seed: int
) -> None:
    """Pushing all ops again in another order (as duplicates) and pulling keeps one state."""
    replicas = await new_account(services, devices=2)
    ops = build_ops(replicas, specs)
    for device, batch in batches(ops, replicas, random.Random(seed)):
        await replicas[device].push(batch)
    before = await server_state(services.db, replicas[0].account_id)
    for device, batch in batches(ops, replicas, random.Random(seed + 1)):
        response = await replicas[device].push(batch)
        assert {r.status for r in response.results} == {"duplicate"}
    assert await server_state(services.db, replicas[0].account_id) == before
    pulled = {}
    cursor = None
    while True:
        page = await services.pull.pull(
            replicas[1].account_id, PullRequest(replicas[1].device_id, cursor, limit=7)
        )
        pulled.update({(c.record_id, c.field): (c.hlc, c.value) for c in page.changes})
        cursor = page.cursor
        if not page.has_more:
            break
    model = merge_all(ops)
    assert pulled == {key: (fv.hlc, fv.value) for key, fv in model.items()}


async def test_causal_overwrite_wins_even_with_a_slow_wall_clock(services: Services) -> None:
    """An edit made after seeing another replica's write replaces it, whatever the clocks say."""
    phone, tablet = await new_account(services, devices=2)
    record = new_id()
    phone_clock = send(Hlc(0, 0, phone.device_id), T0 + 5_000)
    first = phone.op(record, "reps", 8, phone_clock)
    assert (await phone.push([first])).results[0].status == "applied"
    # The tablet's wall clock is 4 s behind; it has pulled the phone's op first.
    tablet_clock = receive(Hlc(0, 0, tablet.device_id), Hlc.parse(first.hlc), T0 + 1_000)
    second = tablet.op(record, "reps", 10, send(tablet_clock, T0 + 1_000))
    assert (await tablet.push([second])).results[0].status == "applied"
    state = await server_state(services.db, phone.account_id)
    assert state[(record, "reps")] == (second.hlc, "10")


async def test_a_concurrent_older_write_does_not_overwrite(services: Services) -> None:
    phone, tablet = await new_account(services, devices=2)
    record = new_id()
    newer = phone.op(record, "note", "newer", Hlc(T0 + 2, 0, phone.device_id))
    older = tablet.op(record, "note", "older", Hlc(T0 + 1, 0, tablet.device_id))
    await phone.push([newer])
    assert (await tablet.push([older])).results[0].status == "superseded"
    await assert_matches_model(services, phone.account_id, [newer, older])


@PROPERTY
@given(offsets=st.lists(st.integers(-3_600_000, 3_600_000), min_size=1, max_size=10))
async def test_clock_influence_is_bounded(
    services: Services, clock: FakeClock, offsets: list[int]
) -> None:
    """Ops more than 5 minutes ahead are refused, so no client can drag the clocks further."""
    (device,) = await new_account(services)
    record = new_id()
    ops = [
        device.op(record, "reps", i, Hlc(NOW + offset, i, device.device_id))
        for i, offset in enumerate(offsets)
    ]
    response = await device.push(ops)
    for offset, result in zip(offsets, response.results, strict=True):
        if offset > MAX_DRIFT_MS:
            assert (result.status, result.reason) == ("rejected", "clock_skew")
        else:
            assert result.status in ("applied", "superseded")
    assert Hlc.parse(response.server_hlc).wall_ms <= clock.now + MAX_DRIFT_MS
    accepted = [op for op, off in zip(ops, offsets, strict=True) if off <= MAX_DRIFT_MS]
    await assert_matches_model(services, device.account_id, accepted)


@PROPERTY
@given(specs=op_specs)
async def test_no_acknowledged_write_is_lost(services: Services, specs: list[Any]) -> None:
    """Whatever was acknowledged is in the op log, and its field holds it or something newer."""
    replicas = await new_account(services, devices=2)
    ops = build_ops(replicas, specs)
    for device, batch in batches(ops, replicas, random.Random(len(ops))):
        response = await replicas[device].push(batch)
        state = await server_state(services.db, replicas[0].account_id)
        logged = set(await op_log_ids(services.db, replicas[0].account_id))
        for op, result in zip(batch, response.results, strict=True):
            assert result.status != "rejected"
            assert op.op_id in logged
            assert state[(op.record_id, op.field)][0] >= op.hlc
