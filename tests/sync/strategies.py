"""Hypothesis strategies and the shared vectors file for the sync tests."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from typing import Any

from hypothesis import strategies as st

from sync.canon import MAX_SAFE_INT, Scalar
from sync.hlc import MAX_COUNTER, MAX_WALL_MS, Hlc
from sync.merge import DELETED
from sync.vectors import VECTORS_PATH
from sync.wire import Op

T0 = 1_763_700_000_000

node_ids = st.text("0123456789abcdef", min_size=16, max_size=16)
# Edge values mixed in so that pairs often share a wall time or counter.
walls = st.one_of(
    st.sampled_from([0, 1, 999, 86_399_999, T0, MAX_WALL_MS - 1, MAX_WALL_MS]),
    st.integers(0, MAX_WALL_MS),
)
counters = st.one_of(st.sampled_from([0, 1, 0xF, 0xA, MAX_COUNTER]), st.integers(0, MAX_COUNTER))
hlcs = st.builds(Hlc, walls, counters, st.one_of(st.sampled_from(["0" * 16, "f" * 16]), node_ids))

valid_texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])).map(
    lambda s: unicodedata.normalize("NFC", s)
)
scalars: st.SearchStrategy[Scalar] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-MAX_SAFE_INT, MAX_SAFE_INT),
    st.sampled_from([0, 1, -1, MAX_SAFE_INT, -MAX_SAFE_INT]),
    st.sampled_from(["", "1", "null", "true", '"', "\\", "é", "😀", "\ue000"]),
    valid_texts,
)

# A tiny space of keys and HLCs, so that ops collide on keys and tie on HLCs.
_tie_hlcs = st.builds(
    Hlc, st.integers(T0, T0 + 2), st.integers(0, 1), st.sampled_from(["0" * 16, "f" * 16])
).map(Hlc.encode)
ops = st.builds(
    Op,
    op_id=st.integers(0, 10**6).map(str),
    record_type=st.just("set"),
    record_id=st.sampled_from(["r1", "r2"]),
    field=st.sampled_from(["reps", "note", DELETED]),
    value=st.one_of(st.booleans(), scalars),
    hlc=_tie_hlcs,
)


@cache
def vectors() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
    return data
