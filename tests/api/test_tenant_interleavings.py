"""Tenant isolation under interleaving (docs/architecture.md, "Sync").

A Hypothesis test interleaves A's and B's pushes over shared record ids and compares each user's
pulled state with the pure merge model of exactly the ops that user had accepted.
"""

from __future__ import annotations

import os
import time
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.ids import uuid7
from sync.merge import DELETED, merge_all
from sync.wire import Op
from tests.support.api import snapshot
from tests.support.tenants import SYNC_TABLES, Tenants, record_ids

POOL = 3  # record ids per example, shared by A and B so that they collide
edits = st.one_of(
    st.tuples(st.just("reps"), st.integers(0, 1000)),
    st.tuples(st.just("side"), st.sampled_from(["left", "right", "both"])),
    st.tuples(st.just("note"), st.sampled_from(["", "a", "b", "é", "😀"])),
    st.tuples(st.just(DELETED), st.booleans()),
)
# (record index, (field, value), wall offset in ms): offsets make a user's HLCs go back and forth.
op_specs = st.tuples(st.integers(0, POOL - 1), edits, st.integers(0, 3))
steps = st.lists(
    st.tuples(
        st.sampled_from("ab"),
        st.lists(op_specs, min_size=1, max_size=4),
        st.lists(st.integers(0, 1000), max_size=2),  # picks of earlier ops to retry
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
async def test_interleaved_pushes_each_user_sees_exactly_the_model_of_own_accepted_ops(
    tenants: Tenants, plan: list[Any]
) -> None:
    users = {"a": tenants.a, "b": tenants.b}
    accounts = {"a": tenants.a_id, "b": tenants.b_id}
    now = int(time.time() * 1000)
    pool = [uuid7(now, os.urandom(10)) for _ in range(POOL)]  # unique per example
    owner: dict[str, str] = {}
    sent: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    accepted: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}

    for who, specs, retry_picks in plan:
        user = users[who]
        ops = [user.op("set", pool[i], field, value, now + dt) for i, (field, value), dt in specs]
        retries = [sent[who][pick % len(sent[who])] for pick in retry_picks if sent[who]]
        retries = [op for op in retries if op["op_id"] not in {o["op_id"] for o in ops}]
        batch = ops + list({op["op_id"]: op for op in retries}.values())
        sent[who] += ops
        for op in batch:
            owner.setdefault(op["record_id"], who)

        response = await user.push(batch)

        assert response.status_code in (200, 422), response.text
        results = response.json()["results"]
        assert [r["op_id"] for r in results] == [op["op_id"] for op in batch]
        for op, result in zip(batch, results, strict=True):
            if owner[op["record_id"]] == who:
                assert result["status"] != "rejected", (op, result)
                accepted[who].append(op)
            else:
                assert (result["status"], result.get("reason")) == ("rejected", "foreign_record")

    for who, user in users.items():
        pulled = [c for c in await user.pull_all() if c["record_id"] in pool]
        assert {r for r, w in owner.items() if w == who} >= record_ids(pulled)
        model = merge_all(Op(**op) for op in accepted[who])
        assert {(c["record_id"], c["field"]): (c["hlc"], c["value"]) for c in pulled} == {
            key: (fv.hlc, fv.value) for key, fv in model.items()
        }
    state = await snapshot(tenants.app, SYNC_TABLES)
    for table, rows in state.items():
        for row in rows:
            record_id = row.get("record_id", row.get("set_id"))
            if record_id in owner:
                assert row["account_id"] == accounts[owner[record_id]], (table, row)
