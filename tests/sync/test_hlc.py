from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.hlc import (
    MAX_COUNTER,
    MAX_DRIFT_MS,
    MAX_WALL_MS,
    ClockDriftError,
    CounterOverflowError,
    Hlc,
    HlcFormatError,
    is_node_id,
    receive,
    send,
)

from .strategies import T0, hlcs, node_ids, vectors

NODE = "0123456789abcdef"
OTHER = "fedcba9876543210"


def test_field_order_is_comparison_order() -> None:
    assert Hlc.__struct_fields__ == ("wall_ms", "counter", "node")


@pytest.mark.parametrize(
    ("clock", "text"),
    [
        (Hlc(0, 0, "0" * 16), "1970-01-01T00:00:00.000Z-0000-0000000000000000"),
        (Hlc(MAX_WALL_MS, MAX_COUNTER, "f" * 16), "9999-12-31T23:59:59.999Z-FFFF-ffffffffffffffff"),
        (Hlc(951_868_799_999, 0xAB, NODE), "2000-02-29T23:59:59.999Z-00AB-0123456789abcdef"),
        (Hlc(1_709_210_096_007, 10, NODE), "2024-02-29T12:34:56.007Z-000A-0123456789abcdef"),
        (Hlc(4_107_542_400_000, 1, NODE), "2100-03-01T00:00:00.000Z-0001-0123456789abcdef"),
    ],
)
def test_known_encodings(clock: Hlc, text: str) -> None:
    assert clock.encode() == text
    assert Hlc.parse(text) == clock


@given(hlcs)
def test_round_trip(clock: Hlc) -> None:
    text = clock.encode()
    assert len(text) == 46
    assert text.isascii()
    assert Hlc.parse(text) == clock


@given(hlcs)
def test_date_matches_the_c_library(clock: Hlc) -> None:
    seconds, millis = divmod(clock.wall_ms, 1000)
    expected = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"
    assert clock.encode()[:24] == expected


@given(hlcs, hlcs)
def test_byte_order_is_tuple_order(a: Hlc, b: Hlc) -> None:
    ea, eb = a.encode().encode(), b.encode().encode()
    assert (a < b) == (ea < eb)
    assert (a == b) == (ea == eb)
    assert (a < b) == ((a.wall_ms, a.counter, a.node) < (b.wall_ms, b.counter, b.node))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2024-01-01T00:00:00.000Z-0000-0123456789abcde",  # node too short
        "2024-01-01T00:00:00.000Z-0000-0123456789abcdef0",  # node too long
        "2024-01-01T00:00:00.000Z-000-0123456789abcdef",  # counter too short
        "2024-01-01T00:00:00.000Z-00000-0123456789abcdef",  # counter too long
        "2024-01-01T00:00:00.00Z-0000-0123456789abcdef",  # millis too short
        "2024-1-01T00:00:00.000Z-0000-0123456789abcdef",
        "+2024-01-01T00:00:00.000Z-0000-0123456789abcdef",
        "12024-01-01T00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-01T00:00:00.000Z-00ab-0123456789abcdef",  # lower-case counter
        "2024-01-01T00:00:00.000Z-0000-0123456789ABCDEF",  # upper-case node
        "2024-01-01T00:00:00.000Z-0000-0123456789abcdeg",
        "2024-13-01T00:00:00.000Z-0000-0123456789abcdef",
        "2024-00-01T00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-00T00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-32T00:00:00.000Z-0000-0123456789abcdef",
        "2024-02-30T00:00:00.000Z-0000-0123456789abcdef",
        "2023-02-29T00:00:00.000Z-0000-0123456789abcdef",
        "2100-02-29T00:00:00.000Z-0000-0123456789abcdef",
        "2024-04-31T00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-01T24:00:00.000Z-0000-0123456789abcdef",
        "2024-01-01T00:60:00.000Z-0000-0123456789abcdef",
        "2024-01-01T00:00:60.000Z-0000-0123456789abcdef",  # no leap seconds
        "1969-12-31T23:59:59.999Z-0000-0123456789abcdef",  # before the epoch
        "0000-01-01T00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-01t00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-01 00:00:00.000Z-0000-0123456789abcdef",
        "2024-01-01T00:00:00.000z-0000-0123456789abcdef",
        "2024-01-01T00:00:00.000+00:00-0000-0123456789abcdef",
        "2024-01-01T00:00:00,000Z-0000-0123456789abcdef",
        "2024-01-01T00:00:00.000Z_0000-0123456789abcdef",
        "2024-01-01T00:00:00.000Z-0000-0123456789abcdef\n",  # trailing newline
        "2024-01-01T00:00:00.000Z-0000-0123456789abcdef ",
        " 2024-01-01T00:00:00.000Z-0000-0123456789abcdef",
        "٢٠٢٤-01-01T00:00:00.000Z-0000-0123456789abcdef",  # non-ASCII digits
        "2024-01-01T00:00:00.000Z-0000-０123456789abcdef",  # full-width digit
    ],
)
def test_parse_is_strict(text: str) -> None:
    with pytest.raises(HlcFormatError):
        Hlc.parse(text)


@pytest.mark.parametrize(
    "clock",
    [
        Hlc(-1, 0, NODE),
        Hlc(MAX_WALL_MS + 1, 0, NODE),
        Hlc(0, -1, NODE),
        Hlc(0, MAX_COUNTER + 1, NODE),
        Hlc(0, 0, NODE.upper()),
        Hlc(0, 0, "node"),
    ],
)
def test_invalid_fields_are_refused(clock: Hlc) -> None:
    valid = Hlc(0, 0, OTHER)
    with pytest.raises(HlcFormatError):
        clock.encode()
    with pytest.raises(HlcFormatError):
        send(clock, T0)
    with pytest.raises(HlcFormatError):
        receive(clock, valid, T0)
    with pytest.raises(HlcFormatError):
        receive(valid, clock, T0)


def test_wall_time_beyond_year_9999_is_refused() -> None:
    with pytest.raises(HlcFormatError):
        send(Hlc(0, 0, NODE), MAX_WALL_MS + 1)


@given(node_ids, st.text(max_size=20))
def test_is_node_id(node: str, other: str) -> None:
    assert is_node_id(node)
    assert is_node_id(other) == (len(other) == 16 and set(other) <= set("0123456789abcdef"))


@given(
    st.builds(Hlc, st.integers(0, 2 * T0), st.integers(0, MAX_COUNTER - 100), node_ids),
    st.lists(st.integers(0, 2 * T0), max_size=60),
)
def test_send_is_strictly_monotonic(start: Hlc, nows: list[int]) -> None:
    clock = start
    for now in nows:
        after = send(clock, now)
        assert after > clock
        assert after.wall_ms == max(clock.wall_ms, now)
        assert after.node == start.node
        clock = after


def test_send_counter_rule() -> None:
    clock = Hlc(T0, 5, NODE)
    assert send(clock, T0 - 10) == Hlc(T0, 6, NODE)  # wall clock went back
    assert send(clock, T0) == Hlc(T0, 6, NODE)
    assert send(clock, T0 + 1) == Hlc(T0 + 1, 0, NODE)


@given(hlcs, hlcs, st.integers(0, MAX_WALL_MS))
def test_receive_passes_both_clocks(clock: Hlc, msg: Hlc, now: int) -> None:
    try:
        after = receive(clock, msg, now)
    except ClockDriftError:
        assert msg.wall_ms - now > MAX_DRIFT_MS
        return
    except CounterOverflowError:
        assert MAX_COUNTER in (clock.counter, msg.counter)
        assert max(clock.wall_ms, msg.wall_ms) == MAX_WALL_MS
        return
    assert after > clock
    assert (after.wall_ms, after.counter) > (msg.wall_ms, msg.counter)
    assert after.node == clock.node
    top = max(clock.wall_ms, msg.wall_ms, now)
    if after.wall_ms == top + 1:  # an exhausted counter carried into the next millisecond
        assert after.counter == 0
        assert MAX_COUNTER in (clock.counter, msg.counter)
        return
    assert after.wall_ms == top
    if after.wall_ms not in (clock.wall_ms, msg.wall_ms):
        assert after.counter == 0


@pytest.mark.parametrize(
    ("clock", "msg", "now", "expected"),
    [
        # all three walls equal: past the larger counter
        (Hlc(T0, 3, NODE), Hlc(T0, 7, OTHER), T0, Hlc(T0, 8, NODE)),
        (Hlc(T0, 7, NODE), Hlc(T0, 3, OTHER), T0 - 5, Hlc(T0, 8, NODE)),
        # local clock ahead
        (Hlc(T0 + 9, 3, NODE), Hlc(T0, 7, OTHER), T0, Hlc(T0 + 9, 4, NODE)),
        # message ahead
        (Hlc(T0, 3, NODE), Hlc(T0 + 9, 7, OTHER), T0, Hlc(T0 + 9, 8, NODE)),
        # wall clock ahead of both
        (Hlc(T0, 3, NODE), Hlc(T0 + 9, 7, OTHER), T0 + 10, Hlc(T0 + 10, 0, NODE)),
    ],
)
def test_receive_counter_rule(clock: Hlc, msg: Hlc, now: int, expected: Hlc) -> None:
    assert receive(clock, msg, now) == expected


def test_drift_refuses_and_leaves_clock_unchanged() -> None:
    clock = Hlc(T0, 4, NODE)
    edge = Hlc(T0 + MAX_DRIFT_MS, 0, OTHER)
    assert receive(clock, edge, T0) == Hlc(T0 + MAX_DRIFT_MS, 1, NODE)
    with pytest.raises(ClockDriftError) as info:
        receive(clock, Hlc(T0 + MAX_DRIFT_MS + 1, 0, OTHER), T0)
    assert (info.value.remote_wall_ms, info.value.now_ms) == (T0 + MAX_DRIFT_MS + 1, T0)
    assert clock == Hlc(T0, 4, NODE)
    with pytest.raises(ClockDriftError):
        receive(clock, Hlc(T0 + 11, 0, OTHER), T0, max_drift_ms=10)


def test_exhausted_counter_carries_into_the_next_millisecond() -> None:
    full = Hlc(T0, MAX_COUNTER, NODE)
    assert send(full, T0) == Hlc(T0 + 1, 0, NODE)
    assert send(full, T0 - 10) == Hlc(T0 + 1, 0, NODE)  # wall clock went back
    assert send(full, T0 + 1) == Hlc(T0 + 1, 0, NODE)  # the next millisecond resets it too
    assert send(full, T0 + 2) == Hlc(T0 + 2, 0, NODE)
    assert receive(Hlc(T0, 0, NODE), Hlc(T0, MAX_COUNTER, OTHER), T0) == Hlc(T0 + 1, 0, NODE)
    assert receive(Hlc(T0 - 1, 0, NODE), Hlc(T0, MAX_COUNTER, OTHER), T0) == Hlc(T0 + 1, 0, NODE)
    # A message at the drift limit with a full counter leads by at most 1 ms more.
    edge = Hlc(T0 + MAX_DRIFT_MS, MAX_COUNTER, OTHER)
    assert receive(Hlc(T0, 0, NODE), edge, T0) == Hlc(T0 + MAX_DRIFT_MS + 1, 0, NODE)


def test_clock_at_the_end_of_time_overflows() -> None:
    last = Hlc(MAX_WALL_MS, MAX_COUNTER, NODE)
    with pytest.raises(CounterOverflowError):
        send(last, MAX_WALL_MS)
    with pytest.raises(CounterOverflowError):
        receive(Hlc(0, 0, NODE), Hlc(MAX_WALL_MS, MAX_COUNTER, OTHER), MAX_WALL_MS)
    assert send(Hlc(MAX_WALL_MS, MAX_COUNTER - 1, NODE), 0) == last


@given(hlcs, st.lists(st.tuples(st.booleans(), hlcs, st.integers(-5, 5)), max_size=40))
def test_no_event_within_the_drift_limit_fails(start: Hlc, events: list[Any]) -> None:
    """Whatever the counters, a clock below the year 9999 accepts every event in bounds."""
    clock = Hlc(min(start.wall_ms, T0), start.counter, start.node)
    now = latest = T0
    for is_send, msg, tick in events:
        now = max(0, now + tick)
        latest = max(latest, now)
        if is_send:
            after = send(clock, now)
        else:
            msg = Hlc(min(msg.wall_ms, now + MAX_DRIFT_MS), msg.counter, msg.node)
            after = receive(clock, msg, now)
            assert after > msg
        assert after > clock
        clock = after
    # Bounded clock influence: past the drift limit, 1 ms per 65,536 events at most.
    assert clock.wall_ms <= latest + MAX_DRIFT_MS + 1 + len(events) // (MAX_COUNTER + 1)


def _replay(script: dict[str, Any]) -> list[object]:
    clock = Hlc.parse(script["start"])
    out: list[object] = []
    for step in script["steps"]:
        try:
            if step["kind"] == "send":
                clock = send(clock, step["now"])
            else:
                clock = receive(clock, Hlc.parse(step["msg"]), step["now"])
            out.append(clock.encode())
        except ClockDriftError:
            out.append({"error": "clock_drift"})
        except CounterOverflowError:
            out.append({"error": "counter_overflow"})
    return out


def test_vector_scripts_replay() -> None:
    data = vectors()
    assert (data["max_drift_ms"], data["max_counter"]) == (MAX_DRIFT_MS, MAX_COUNTER)
    scripts = data["hlc_scripts"]
    assert len(scripts) >= 300
    for script in scripts:
        assert len(script["steps"]) == len(script["expect"])
        assert _replay(script) == script["expect"]


def test_vector_scripts_cover_every_rule() -> None:
    seen: set[str] = set()
    for script in vectors()["hlc_scripts"]:
        clock = Hlc.parse(script["start"])
        last_now = None
        for step, expect in zip(script["steps"], script["expect"], strict=True):
            now = step["now"]
            if last_now is not None and now < last_now:
                seen.add("wall clock regression")
            last_now = now
            if isinstance(expect, dict):
                seen.add(expect["error"])
                continue
            after = Hlc.parse(expect)
            top = max(clock.wall_ms, now)
            if step["kind"] == "recv":
                top = max(top, Hlc.parse(step["msg"]).wall_ms)
            if after.wall_ms > top:
                seen.add(f"{step['kind']}: counter carry")
                clock = after
                continue
            if step["kind"] == "recv":
                msg = Hlc.parse(step["msg"])
                if msg.wall_ms - now == MAX_DRIFT_MS:
                    seen.add("drift edge accepted")
                if after.wall_ms == clock.wall_ms == msg.wall_ms:
                    seen.add("recv: equal walls")
                elif after.wall_ms == clock.wall_ms:
                    seen.add("recv: local ahead")
                elif after.wall_ms == msg.wall_ms:
                    seen.add("recv: message ahead")
                else:
                    seen.add("recv: wall clock ahead")
            elif after.wall_ms == clock.wall_ms:
                seen.add("send: same wall")
            else:
                seen.add("send: new wall")
            clock = after
    assert seen == {
        "wall clock regression",
        "clock_drift",
        "counter_overflow",
        "send: counter carry",
        "recv: counter carry",
        "drift edge accepted",
        "recv: equal walls",
        "recv: local ahead",
        "recv: message ahead",
        "recv: wall clock ahead",
        "send: same wall",
        "send: new wall",
    }
