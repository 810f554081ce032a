"""No push can drive the server's clock into an error, for its own account or anyone else's.

The server clock follows every op it stores. An op may be up to the drift limit ahead and carry
any counter, so its successor may exhaust the counter; the clock then carries into the next
millisecond instead of failing (sync/hlc.py). These tests replay that over HTTP, then throw
random interleavings of valid and hostile pushes from several accounts at every endpoint.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from sqlalchemy import text

from sync.hlc import MAX_COUNTER, MAX_DRIFT_MS, Hlc
from sync.merge import merge_all
from sync.wire import Op
from tests.support.api import User, new_id
from tests.support.model import model_state

NewUser = Callable[[str], Awaitable[User]]
EXERCISE = "single-leg-press"
_emails = itertools.count()


def now_ms() -> int:
    return int(time.time() * 1000)


def stamped(user: User, record_id: str, fld: str, value: Any, wall_ms: int, counter: int) -> Any:
    return {
        "op_id": new_id(now_ms()),
        "record_type": "set",
        "record_id": record_id,
        "field": fld,
        "value": value,
        "hlc": Hlc(wall_ms, counter, user.device_id).encode(),
    }


async def answers_normally(user: User) -> None:
    """Every endpoint a signed-in device uses answers without error."""
    record = new_id(now_ms())
    response = await user.push([user.op("set", record, "reps", 8, now_ms())])
    assert response.status_code == 200, response.text
    assert (await user.pull()).status_code == 200
    assert (await user.client.get("/api/me")).status_code == 200
    assert (await user.client.get(f"/api/charts/{EXERCISE}")).status_code == 200


async def test_a_full_counter_ahead_of_the_server_does_not_stop_sync(new_user: NewUser) -> None:
    """One valid op 15 s ahead with counter FFFE: the server's next stamp would overflow."""
    a, b = await new_user("a@example.com"), await new_user("b@example.com")
    ahead = stamped(a, new_id(now_ms()), "reps", 8, now_ms() + 15_000, MAX_COUNTER - 1)

    response = await a.push([ahead])

    assert response.status_code == 200, response.text
    assert [r["status"] for r in response.json()["results"]] == ["applied"]
    server_hlc = Hlc.parse(response.json()["server_hlc"])
    assert server_hlc > Hlc.parse(ahead["hlc"])
    for user in (a, b, a):
        await answers_normally(user)


# --- the property --------------------------------------------------------------------------------

ACCOUNTS = 3
POOL = 3  # record ids per account and example
# Wall offsets from now: behind, now, ahead, at the drift limit; counters low, high and full.
OFFSETS = (-5_000, 0, 15_000, MAX_DRIFT_MS)
COUNTERS = (0, 1, MAX_COUNTER - 1, MAX_COUNTER)
VALUES = {
    "reps": st.integers(0, 30),
    "weight_g": st.sampled_from([0, 20_000, 22_500]),
    "side": st.sampled_from(["left", "right"]),
    "exercise": st.just(EXERCISE),
    "note": st.sampled_from(["", "a", "b"]),
}
valid_ops = st.tuples(
    st.just("valid"),
    st.integers(0, POOL - 1),
    st.sampled_from(sorted(VALUES)).flatmap(lambda f: st.tuples(st.just(f), VALUES[f])),
    st.sampled_from(OFFSETS),
    st.sampled_from(COUNTERS),
)
hostile_ops = st.tuples(
    st.sampled_from(["foreign_record", "clock_skew", "op_id_conflict", "node_mismatch"]),
    st.integers(0, POOL - 1),
    st.just(("reps", 9)),
    st.sampled_from(OFFSETS),
    st.sampled_from(COUNTERS),
)
pushes = st.tuples(
    st.just("push"),
    st.integers(0, ACCOUNTS - 1),
    st.lists(st.one_of(valid_ops, valid_ops, hostile_ops), min_size=1, max_size=5),
    st.lists(st.integers(0, 10_000), max_size=2),  # earlier acknowledged ops to resend
)
reads = st.tuples(
    st.sampled_from(["pull", "me", "charts", "devices"]),
    st.integers(0, ACCOUNTS - 1),
    st.just([]),
    st.just([]),
)
plans = st.lists(st.one_of(pushes, pushes, reads), min_size=1, max_size=12)


@dataclass
class Account:
    user: User
    account_id: int
    pool: list[str]
    acknowledged: dict[str, Any] = field(default_factory=dict)  # op id -> op


def hostile(kind: str, me: Account, other: Account, spec: Any) -> Any:
    """An op refused for ``kind``, or None when the history offers nothing to abuse yet."""
    _, record, (fld, value), offset, counter = spec
    now = now_ms()
    if kind == "foreign_record":  # a record the other account has claimed
        claimed = sorted({op["record_id"] for op in other.acknowledged.values()})
        if not claimed:
            return None
        return stamped(me.user, claimed[record % len(claimed)], fld, value, now + offset, counter)
    if kind == "clock_skew":  # well past the limit, whatever the time the server reads
        return stamped(me.user, me.pool[record], fld, value, now + MAX_DRIFT_MS + 60_000, counter)
    if kind == "op_id_conflict":  # an acknowledged op id (own or other's), other content
        earlier = [*me.acknowledged.values(), *other.acknowledged.values()]
        if not earlier:
            return None
        reused = earlier[record % len(earlier)]
        return stamped(me.user, me.pool[record], fld, value, now + offset, counter) | {
            "op_id": reused["op_id"],
            "value": reused["value"] + 1 if fld == "reps" and reused["field"] == fld else value,
        }
    op = stamped(me.user, me.pool[record], fld, value, now + offset, counter)
    return op | {"hlc": Hlc(now + offset, counter, other.user.device_id).encode()}


async def account_rows(app: Litestar, table: str, account: Account) -> list[Any]:
    columns = "op_id, record_id" if table == "op_log" else "record_id, field, hlc, value"
    async with app.state.services.db.read() as conn:
        rows = await conn.execute(
            text(f"SELECT {columns} FROM {table} WHERE account_id = :a"),
            {"a": account.account_id},
        )
        return [row for row in rows if row.record_id in account.pool]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=plans)
async def test_valid_and_hostile_pushes_never_make_any_endpoint_fail(
    app: Litestar, new_user: NewUser, plan: list[Any]
) -> None:
    accounts = []
    for _ in range(ACCOUNTS):
        user = await new_user(f"clock{next(_emails)}@example.com")
        me = (await user.client.get("/api/me")).json()
        pool = [new_id(now_ms()) for _ in range(POOL)]
        accounts.append(Account(user, me["id"], pool))

    for action, who, specs, resend in plan:
        me, other = accounts[who], accounts[(who + 1) % ACCOUNTS]
        user = me.user
        if action == "push":
            expected: dict[str, str | None] = {}  # op id -> refusal reason, None if accepted
            batch = []
            for spec in specs:
                kind, record, (fld, value), offset, counter = spec
                if kind == "valid":
                    op = stamped(user, me.pool[record], fld, value, now_ms() + offset, counter)
                else:
                    op = hostile(kind, me, other, spec)
                if op is None or op["op_id"] in expected:
                    continue
                expected[op["op_id"]] = None if kind == "valid" else kind
                batch.append(op)
            earlier = list(me.acknowledged.values())
            for pick in resend if earlier else []:
                op = earlier[pick % len(earlier)]
                if op["op_id"] not in expected:
                    expected[op["op_id"]] = "duplicate"
                    batch.append(op)
            if not batch:
                continue
            response = await user.push(batch)
            assert response.status_code in (200, 422), response.text
            reply = response.json()
            assert Hlc.parse(reply["server_hlc"]).wall_ms <= now_ms() + MAX_DRIFT_MS + 1
            for op, result in zip(batch, reply["results"], strict=True):
                assert result["op_id"] == op["op_id"]
                want = expected[op["op_id"]]
                if want is None:
                    assert result["status"] in ("applied", "superseded"), (op, result)
                    me.acknowledged[op["op_id"]] = op
                elif want == "duplicate":
                    assert result["status"] == "duplicate", (op, result)
                else:
                    assert (result["status"], result["reason"]) == ("rejected", want), (op, result)
        elif action == "pull":
            await user.pull_all()
        elif action == "me":
            assert (await user.client.get("/api/me")).status_code == 200
        elif action == "charts":
            response = await user.client.get(f"/api/charts/{EXERCISE}")
            assert response.status_code == 200, response.text
        else:
            response = await user.post("/api/devices")
            assert response.status_code == 201, response.text

    for account in accounts:
        await answers_normally(account.user)
        logged = [row.op_id for row in await account_rows(app, "op_log", account)]
        assert sorted(logged) == sorted(account.acknowledged)  # each acknowledged op once
        model = merge_all(Op(**op) for op in account.acknowledged.values())
        state = {
            (row.record_id, row.field): (row.hlc, row.value)
            for row in await account_rows(app, "field_state", account)
        }
        assert state == model_state(model)
