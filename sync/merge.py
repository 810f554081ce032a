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


def merge_key(hlc: str, canon_value: str) -> tuple[str, str]:
    """The merge rule as a sort key: the greater key wins.

    Encoded HLCs are ASCII, so their str order is byte order; code-point order of valid
    canonical text equals its UTF-8 byte order. The server's SQL upsert states the same rule.
    """
    return (hlc, canon_value)


def wins_canon(op_hlc: str, op_canon: str, cur_hlc: str, cur_canon: str) -> bool:
    """Whether an op replaces the current value of its field, both as canonical text."""
    return merge_key(op_hlc, op_canon) > merge_key(cur_hlc, cur_canon)


def wins(op_hlc: str, op_value: Scalar, cur_hlc: str, cur_value: Scalar) -> bool:
    """Whether an op replaces the current value of its field."""
    return wins_canon(op_hlc, canon(op_value), cur_hlc, canon(cur_value))


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
