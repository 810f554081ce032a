"""Last-writer-wins per field: the merge rule every replica applies, and its pure model.

Ties on HLC are broken by canonical value text so that every replica picks the same winner
whatever order the ops arrive in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

import msgspec

from sync.canon import Scalar, canon, check_value
from sync.wire import Op

DELETED = "_deleted"

Key: TypeAlias = tuple[str, str]  # (record_id, field)


class FieldValue(msgspec.Struct, frozen=True):
    hlc: str  # encoded HLC
    value: Scalar


def wins(op_hlc: str, op_value: Scalar, cur_hlc: str, cur_value: Scalar) -> bool:
    """Whether an op replaces the current value of its field."""
    if op_hlc != cur_hlc:
        # Encoded HLCs are ASCII, so str order is byte order.
        return op_hlc > cur_hlc
    # Code-point order of valid canonical text equals its UTF-8 byte order.
    return canon(op_value) > canon(cur_value)


def merge_into(
    state: dict[Key, FieldValue], record_id: str, field: str, hlc: str, value: Scalar
) -> bool:
    """Apply one op to ``state``; True iff the state changed."""
    key = (record_id, field)
    cur = state.get(key)
    if cur is not None and not wins(hlc, value, cur.hlc, cur.value):
        return False
    state[key] = FieldValue(hlc, value)
    return True


def merge_all(ops: Iterable[Op]) -> dict[Key, FieldValue]:
    """The state a replica reaches from ``ops``; raises ``InvalidValue`` for an invalid value."""
    state: dict[Key, FieldValue] = {}
    for op in ops:
        merge_into(state, op.record_id, op.field, op.hlc, check_value(op.value))
    return state


def record_exists(fields: Mapping[str, FieldValue]) -> bool:
    """A record exists once it has any field, until ``_deleted`` is true (restore sets false)."""
    deleted = fields.get(DELETED)
    return bool(fields) and (deleted is None or deleted.value is not True)
