"""Shared vectors: one truth for the Python and JavaScript implementations of sync.

``python -m sync.vectors`` rewrites ``vectors.json`` from a fixed seed; Python computes every
expected result and both languages replay them. The file lists one vector (one op, in merge
streams) per line so that a change shows up as a readable diff.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sync.canon import MAX_SAFE_INT, InvalidValue, Scalar, canon, check_value
from sync.hlc import (
    MAX_COUNTER,
    MAX_DRIFT_MS,
    MAX_WALL_MS,
    ClockDriftError,
    CounterOverflowError,
    Hlc,
    receive,
    send,
)
from sync.ids import uuid7
from sync.merge import DELETED, FieldValue, merge_all, record_exists
from sync.wire import SCHEMA_VERSION, Op

VECTORS_PATH = Path(__file__).with_name("vectors.json")
SEED = 20251121
T0 = 1_763_700_000_000  # 2025-11-21, an ordinary present-day instant

Json = dict[str, Any]

# Instants where calendar arithmetic tends to go wrong.
_EDGE_TIMES = (
    "1970-01-01T00:00:00.000Z",
    "1999-12-31T23:59:59.999Z",
    "2000-02-29T23:59:59.999Z",
    "2024-02-28T23:59:59.999Z",
    "2100-02-28T23:59:59.999Z",
    "2038-01-19T03:14:07.999Z",
    "9999-12-31T23:59:59.000Z",
)

_DELTAS: dict[str, Callable[[random.Random], int]] = {
    "regress": lambda rng: -rng.randint(1, 120_000),
    "same": lambda rng: 0,
    "tick": lambda rng: rng.randint(1, 3),
    "jump": lambda rng: rng.randint(1_000, 600_000),
}

_SKEWS: dict[str, Callable[[random.Random], int]] = {
    "behind": lambda rng: -rng.randint(1, 600_000),
    "now": lambda rng: 0,
    "ahead": lambda rng: rng.randint(1, MAX_DRIFT_MS - 1),
    "edge": lambda rng: MAX_DRIFT_MS,
    "past_edge": lambda rng: MAX_DRIFT_MS + 1,
    "far": lambda rng: rng.randint(MAX_DRIFT_MS + 2, 10**10),
}


def _clamp(wall_ms: int) -> int:
    return min(max(wall_ms, 0), MAX_WALL_MS)


def _hlc_script(
    rng: random.Random, nodes: list[str], start: Hlc, deltas: list[str], p_send: float
) -> Json:
    clock = start
    now = _clamp(start.wall_ms + _DELTAS[rng.choice(deltas)](rng))
    steps: list[Json] = []
    expect: list[object] = []
    for _ in range(rng.randint(3, 14)):
        now = _clamp(now + _DELTAS[rng.choice(deltas)](rng))
        try:
            if rng.random() < p_send:
                steps.append({"kind": "send", "now": now})
                clock = send(clock, now)
            else:
                skew = rng.choice([*_SKEWS, "equal"])
                wall = clock.wall_ms if skew == "equal" else _clamp(now + _SKEWS[skew](rng))
                counter = rng.choice([0, 0, 1, rng.randint(2, 9), clock.counter, MAX_COUNTER])
                msg = Hlc(wall, counter, rng.choice(nodes))
                steps.append({"kind": "recv", "now": now, "msg": msg.encode()})
                clock = receive(clock, msg, now)
            expect.append(clock.encode())
        except ClockDriftError:
            expect.append({"error": "clock_drift"})
        except CounterOverflowError:
            expect.append({"error": "counter_overflow"})
    return {"start": start.encode(), "steps": steps, "expect": expect}


def _hlc_scripts(rng: random.Random) -> list[Json]:
    nodes = [rng.randbytes(8).hex() for _ in range(16)]
    scripts = []
    for i in range(360):
        family = i % 6
        node = rng.choice(nodes)
        if family == 3:  # counters near the top, wall clock stalled or going back: carries,
            # and at the last representable instant an overflow
            offset = rng.randint(0, 10**6)
            wall = MAX_WALL_MS if i % 4 == 3 else T0 + offset
            start = Hlc(wall, rng.randint(0xFFF0, MAX_COUNTER), node)
            scripts.append(_hlc_script(rng, nodes, start, ["regress", "same", "same"], 0.7))
            continue
        if family == 4:  # calendar edges
            wall = Hlc.parse(f"{rng.choice(_EDGE_TIMES)}-0000-{node}").wall_ms
        else:
            wall = T0 + rng.randint(-(10**10), 10**10)
        start = Hlc(wall, rng.choice([0, 0, 1, rng.randint(2, 100)]), node)
        p_send = 0.1 if family == 5 else 0.5
        scripts.append(_hlc_script(rng, nodes, start, list(_DELTAS), p_send))
    return scripts


# Raw JSON texts, so that JavaScript can also check what its parser would lose (ints beyond
# 2**53, 1.0 vs 1, lone surrogate escapes).
_CANON_JSON = (
    "0",
    "-0",
    "1",
    "-1",
    "100",
    "9007199254740991",
    "-9007199254740991",
    "9007199254740992",
    "-9007199254740992",
    "9007199254740993",
    "18446744073709551616",
    "123456789012345678901234567890",
    "1.0",
    "1e3",
    "1E3",
    "20.5",
    "-0.0",
    "0.0",
    "1e-7",
    "1E400",
    "true",
    "false",
    "null",
    '""',
    '"a"',
    '"\\""',
    '"\\\\"',
    '"a\\"b\\\\c"',
    '"\\/"',
    '"😀"',
    '"\\ud83d\\ude00"',
    '"𝄞"',
    '"\\ue000"',
    '"\\ufffd"',
    '"\\uffff"',
    '"é"',
    '"\\u00e9"',
    '"e\\u0301"',
    '"Å"',
    '"\\u212b"',
    '"A\\u030a"',
    '"한"',
    '"\\u1112\\u1161\\u11ab"',
    '"\\ud55c\\uad6d\\uc5b4"',
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\u001f"',
    '"\\t"',
    '"\\n"',
    '"\\r"',
    '"\\b"',
    '"\\u007f"',
    '"\\u0080"',
    '"\\u0085"',
    '"\\u009f"',
    '"\\u00a0"',
    '"\\u2028"',
    '"\\u2029"',
    '"\\u200b"',
    '"\\ufeff"',
    '"\\ud800"',
    '"\\udfff"',
    '"a\\ud83d"',
    '"\\ude00b"',
    '"\\ud800\\u0000"',
    '"e\\u0301\\n"',
    '"left"',
    '"Single-leg press"',
    '"3 × 8, slow eccentric"',
    "[]",
    "{}",
    "[1]",
)
# Characters for random strings: ASCII, escapes, precomposed and combining marks, Hangul
# syllables and jamo, astral characters, controls.
_CHARS = 'aZ0 "\\/é\u0301\u0327\u0300Å\u212b한\u1112\u1161\u11ab😀𝄞\ue000\ufffd\u2028\x00\n\x7f\x85'


def _canon_entry(raw: str) -> Json:
    try:
        return {"json": raw, "canon": canon(check_value(json.loads(raw)))}
    except InvalidValue as exc:
        return {"json": raw, "error": exc.reason}


def _canon_vectors(rng: random.Random) -> list[Json]:
    raws = list(_CANON_JSON)
    for i in range(120):
        text = "".join(rng.choice(_CHARS) for _ in range(rng.randint(1, 6)))
        raws.append(json.dumps(text, ensure_ascii=i % 2 == 0))
    return [_canon_entry(raw) for raw in raws]


_FIELDS = ("reps", "weight_g", "side", "note", DELETED)
_TYPES = ("set", "exercise", "reminder")
_STRINGS = (
    "",
    "left",
    "right",
    "Left",
    'say "hi"',
    "back\\slash",
    '\\"',
    "é",
    "Å",
    "한국",
    "😀",
    "𝄞",
    "\ue000",
    "\ufffd",
    "null",
    "1",
    "true",
    "a\u2028b",
)
_INTS = (0, 1, -1, 8, 20_000, 1 << 31, MAX_SAFE_INT, -MAX_SAFE_INT)


def _value(rng: random.Random, field: str) -> Scalar:
    if field == DELETED:
        return rng.random() < 0.6
    pool: tuple[Scalar, ...] = rng.choice((_STRINGS, _INTS, (True, False, None)))
    return rng.choice(pool)


def _stamps(rng: random.Random, count: int) -> list[Hlc]:
    """HLCs from a few devices that tick and sometimes hear from each other."""
    devices = [Hlc(T0 + rng.randint(0, 5_000), 0, rng.randbytes(8).hex()) for _ in range(3)]
    now = T0
    stamps: list[Hlc] = []
    for _ in range(count):
        now += rng.choice((0, 0, 1, 2, 1_000, -1_000))
        i = rng.randrange(len(devices))
        if stamps and rng.random() < 0.3:
            devices[i] = receive(devices[i], rng.choice(stamps), now)
        devices[i] = send(devices[i], now)
        stamps.append(devices[i])
    return stamps


def _chain(rng: random.Random, count: int) -> list[Hlc]:
    """Causally ordered HLCs: each device saw the previous stamp before making its own."""
    devices = [rng.randbytes(8).hex() for _ in range(2)]
    now = T0 + rng.randint(0, 5_000)
    stamps = [Hlc(now, 0, devices[0])]
    for i in range(1, count):
        now += rng.choice((-1_000, 0, 1, 1_000))
        stamps.append(send(receive(Hlc(0, 0, devices[i % 2]), stamps[-1], now), now))
    return stamps


def _colliding_stamps(rng: random.Random, count: int) -> list[Hlc]:
    """HLCs from a tiny space so that equal stamps, and ties broken by value, are common."""
    nodes = [rng.randbytes(8).hex() for _ in range(2)]
    return [Hlc(T0 + rng.randrange(3), rng.randrange(2), rng.choice(nodes)) for _ in range(count)]


def _op(rng: random.Random, record: tuple[str, str], field: str, hlc: Hlc, value: Scalar) -> Json:
    return {
        "op_id": uuid7(hlc.wall_ms, rng.randbytes(10)),
        "record_type": record[1],
        "record_id": record[0],
        "field": field,
        "value": value,
        "hlc": hlc.encode(),
    }


def _merge_stream(rng: random.Random, index: int) -> Json:
    records = [
        (uuid7(T0 - rng.randrange(10**9), rng.randbytes(10)), rng.choice(_TYPES))
        for _ in range(rng.randint(1, 3))
    ]
    count = 60 if index % 50 == 0 else rng.randint(1, 16)
    make_stamps = _colliding_stamps if index % 2 else _stamps
    ops = []
    for hlc in make_stamps(rng, count):
        field = rng.choice(_FIELDS)
        ops.append(_op(rng, rng.choice(records), field, hlc, _value(rng, field)))
    if index % 3 == 0:  # delete, then a later restore, then maybe a later delete
        record = rng.choice(records)
        for i, hlc in enumerate(_chain(rng, rng.randint(2, 3))):
            ops.append(_op(rng, record, DELETED, hlc, i % 2 == 0))
    for _ in range(rng.randint(0, 2)):  # same key and HLC, maybe another value: a tie
        tie = rng.choice(ops)
        record, field = (tie["record_id"], tie["record_type"]), tie["field"]
        ops.append(_op(rng, record, field, Hlc.parse(tie["hlc"]), _value(rng, field)))
    ops.extend(rng.choice(ops) for _ in range(rng.randint(0, 3)))  # retried ops
    rng.shuffle(ops)
    state = merge_all(Op(**op) for op in ops)
    by_record: dict[str, dict[str, FieldValue]] = {}
    for (record_id, field), fv in state.items():
        by_record.setdefault(record_id, {})[field] = fv
    return {
        "ops": ops,
        "state": sorted([rid, f, fv.hlc, canon(fv.value)] for (rid, f), fv in state.items()),
        "exists": {rid: record_exists(fields) for rid, fields in by_record.items()},
    }


# Pairs whose order differs between UTF-16 code units (JavaScript's string <) and UTF-8 bytes:
# an implementation comparing the wrong way picks the other winner.
_UTF16_TRAPS = (("\ue000", "😀"), ("\ufffd", "𝄞"), ("a\uffee", "a🙂"), ("\uf8ff!", "\U0001f600"))


def _tie_stream(rng: random.Random, pair: tuple[str, str], flip: bool) -> Json:
    """Two values for one key under one HLC: the tie-break alone decides."""
    record = (uuid7(T0, rng.randbytes(10)), "set")
    hlc = Hlc(T0, 0, rng.randbytes(8).hex())
    values = reversed(pair) if flip else pair
    ops = [_op(rng, record, "note", hlc, value) for value in values]
    state = merge_all(Op(**op) for op in ops)
    return {
        "ops": ops,
        "state": sorted([rid, f, fv.hlc, canon(fv.value)] for (rid, f), fv in state.items()),
        "exists": {record[0]: True},
    }


def build(seed: int = SEED) -> Json:
    rng = random.Random(seed)
    return {
        "schema": SCHEMA_VERSION,
        "max_drift_ms": MAX_DRIFT_MS,
        "max_counter": MAX_COUNTER,
        "hlc_scripts": _hlc_scripts(rng),
        "canon": _canon_vectors(rng),
        "merge_streams": [_merge_stream(rng, i) for i in range(520)]
        + [_tie_stream(rng, pair, flip) for pair in _UTF16_TRAPS for flip in (False, True)],
    }


def _dump(value: object) -> str:
    return json.dumps(value, sort_keys=True)


def _line(item: Json) -> str:
    if "ops" not in item:
        return _dump(item)
    ops = ",\n ".join(_dump(op) for op in item["ops"])
    # Keys written in sorted order, like every other object in the file.
    exists, state = _dump(item["exists"]), _dump(item["state"])
    return f'{{"exists": {exists}, "ops": [\n {ops}],\n "state": {state}}}'


def render(seed: int = SEED) -> str:
    data = build(seed)
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list):
            items = ",\n".join(_line(item) for item in value)
            parts.append(f"{_dump(key)}: [\n{items}\n]")
        else:
            parts.append(f"{_dump(key)}: {_dump(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    VECTORS_PATH.write_text(render(), encoding="utf-8")
