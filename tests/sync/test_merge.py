from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.canon import InvalidValue, Scalar, canon, check_value
from sync.hlc import MAX_COUNTER, MAX_DRIFT_MS, Hlc, receive, send
from sync.merge import (
    DELETED,
    FieldValue,
    Key,
    merge_all,
    merge_into,
    record_exists,
    wins,
)
from sync.wire import Op, WireValue

from .strategies import T0, hlcs, node_ids, ops, scalars, vectors

op_lists = st.lists(ops, max_size=30)


def brute_force(ops: Iterable[Op]) -> dict[Key, tuple[bytes, bytes]]:
    """The winner per key straight from the rule: the largest (HLC bytes, canon bytes)."""
    best: dict[Key, tuple[bytes, bytes]] = {}
    for op in ops:
        key = (op.record_id, op.field)
        candidate = (op.hlc.encode(), canon(check_value(op.value)).encode())
        best[key] = max(best.get(key, candidate), candidate)
    return best


def as_bytes(state: dict[Key, FieldValue]) -> dict[Key, tuple[bytes, bytes]]:
    return {key: (fv.hlc.encode(), canon(fv.value).encode()) for key, fv in state.items()}


def op(field: str, value: WireValue, hlc: Hlc, record_id: str = "r1") -> Op:
    return Op("id", "set", record_id, field, value, hlc.encode())


@given(op_lists)
def test_model_matches_brute_force(ops: list[Op]) -> None:
    assert as_bytes(merge_all(ops)) == brute_force(ops)


@given(op_lists, st.randoms(use_true_random=False))
def test_order_does_not_matter(ops: list[Op], rng: Any) -> None:
    shuffled = list(ops)
    rng.shuffle(shuffled)
    assert merge_all(shuffled) == merge_all(ops)


@given(op_lists, st.data())
def test_duplicates_change_nothing(ops: list[Op], data: st.DataObject) -> None:
    state = merge_all(ops)
    retried = data.draw(st.lists(st.sampled_from(ops), max_size=10)) if ops else []
    assert merge_all(ops + retried) == state
    for again in ops:
        value = check_value(again.value)
        assert not merge_into(dict(state), again.record_id, again.field, again.hlc, value)


@given(op_lists, st.lists(st.integers(0, 30), max_size=5))
def test_batching_does_not_matter(ops: list[Op], cuts: list[int]) -> None:
    """Each batch collapses to its winners first, then merges into one shared state."""
    bounds = [0, *sorted(cuts), len(ops)]
    state: dict[Key, FieldValue] = {}
    for lo, hi in pairwise(bounds):
        for (record_id, field), fv in merge_all(ops[lo:hi]).items():
            merge_into(state, record_id, field, fv.hlc, fv.value)
    assert state == merge_all(ops)


@given(op_lists)
def test_merge_into_reports_change(ops: list[Op]) -> None:
    def snapshot() -> dict[Key, tuple[str, str]]:
        # Canonical text, not ==: in Python 0 == False, yet they are different values.
        return {key: (fv.hlc, canon(fv.value)) for key, fv in state.items()}

    state: dict[Key, FieldValue] = {}
    for o in ops:
        before = snapshot()
        changed = merge_into(state, o.record_id, o.field, o.hlc, check_value(o.value))
        assert changed == (snapshot() != before)


@given(st.tuples(st.text(max_size=3), scalars), st.tuples(st.text(max_size=3), scalars))
def test_wins_is_a_strict_total_order(a: tuple[str, Scalar], b: tuple[str, Scalar]) -> None:
    a_wins, b_wins = wins(*a, *b), wins(*b, *a)
    same = a[0] == b[0] and canon(a[1]) == canon(b[1])
    assert not (a_wins and b_wins)
    assert (a_wins or b_wins) != same


def test_equal_hlc_ties_break_by_canon_bytes() -> None:
    h = "2025-11-21T00:00:00.000Z-0000-0123456789abcdef"
    assert wins(h, "b", h, "a")
    assert not wins(h, "a", h, "b")
    assert wins(h, "😀", h, "\ue000")  # UTF-8 order, not UTF-16
    # Across types the canonical text decides: '"' < '-' < digits < false < null < true.
    assert wins(h, -1, h, "z")
    assert wins(h, 9, h, -1)
    assert wins(h, False, h, 9)
    assert wins(h, None, h, False)
    assert wins(h, None, h, "null")
    assert wins(h, True, h, None)
    assert not wins(h, 7, h, 7)
    later = "2025-11-21T00:00:00.000Z-0001-0000000000000000"
    assert wins(later, "a", h, "z")


@given(
    st.builds(Hlc, st.integers(0, 2 * T0), st.integers(0, MAX_COUNTER - 2), node_ids),
    hlcs,
    st.integers(0, 2 * T0),
    st.integers(0, 2 * T0),
    scalars,
    scalars,
)
def test_causal_overwrite(
    first: Hlc, other: Hlc, recv_now: int, send_now: int, old: Scalar, new: Scalar
) -> None:
    """An edit made after seeing an op beats it, whatever the values and wall clocks."""
    recv_now = max(recv_now, first.wall_ms - MAX_DRIFT_MS)
    other = Hlc(other.wall_ms, min(other.counter, MAX_COUNTER - 2), other.node)
    clock = send(receive(other, first, recv_now), send_now)
    state = merge_all([op("note", old, first)])
    assert merge_into(state, "r1", "note", clock.encode(), new)
    assert state[("r1", "note")] == FieldValue(clock.encode(), new)
    assert merge_all([op("note", new, clock), op("note", old, first)]) == state


def fields(*pairs: tuple[str, Scalar]) -> dict[str, FieldValue]:
    return {name: FieldValue("h", value) for name, value in pairs}


@pytest.mark.parametrize(
    ("record", "exists"),
    [
        (fields(), False),
        (fields(("reps", 8)), True),
        (fields((DELETED, True)), False),
        (fields((DELETED, False)), True),
        (fields(("reps", 8), (DELETED, True)), False),
        (fields(("reps", 8), (DELETED, False)), True),
        (fields(("reps", 8), (DELETED, None)), True),
        (fields(("reps", 8), (DELETED, 1)), True),  # only the boolean true deletes
    ],
)
def test_record_exists(record: dict[str, FieldValue], exists: bool) -> None:
    assert record_exists(record) is exists


@given(st.permutations(range(4)))
def test_delete_and_restore_in_any_order(order: list[int]) -> None:
    a, b = "0" * 16, "f" * 16
    h1 = send(Hlc(T0, 0, a), T0)
    h2 = send(receive(Hlc(0, 0, b), h1, T0 - 50), T0 - 50)  # restored on a slower device
    h3 = send(receive(Hlc(0, 0, a), h2, T0), T0)
    history = [op("reps", 8, Hlc(T0 - 1, 0, a)), op(DELETED, True, h1)]
    history += [op(DELETED, False, h2), op("reps", 10, h2)]
    shuffled = [history[i] for i in order]
    fields_of = {f: fv for (_, f), fv in merge_all(shuffled).items()}
    assert record_exists(fields_of)
    assert fields_of["reps"].value == 10
    state = merge_all([*shuffled, op(DELETED, True, h3)])
    assert not record_exists({f: fv for (_, f), fv in state.items()})


def test_invalid_values_are_refused() -> None:
    with pytest.raises(InvalidValue):
        merge_all([op("reps", 1.0, Hlc(T0, 0, "0" * 16))])


def test_vector_streams_replay() -> None:
    streams = vectors()["merge_streams"]
    assert len(streams) >= 500
    for stream in streams:
        ops = [Op(**o) for o in stream["ops"]]
        state = merge_all(ops)
        rows = sorted([rid, f, fv.hlc, canon(fv.value)] for (rid, f), fv in state.items())
        assert rows == stream["state"]
        assert {k: (h.encode(), c.encode()) for k, h, c in _split(rows)} == brute_force(ops)
        by_record: dict[str, dict[str, FieldValue]] = {}
        for (rid, f), fv in state.items():
            by_record.setdefault(rid, {})[f] = fv
        assert {rid: record_exists(fs) for rid, fs in by_record.items()} == stream["exists"]


def _split(rows: list[list[str]]) -> Iterable[tuple[Key, str, str]]:
    return (((rid, f), h, c) for rid, f, h, c in rows)
