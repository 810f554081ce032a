"""Per-op checks that need no database: format, whitelist, ranges, clock skew.

A failing op is rejected on its own; the rest of its batch still goes through.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from backend.domain.records import FieldError, check_client_field
from sync.canon import InvalidValue, Scalar, canon, check_value
from sync.hlc import MAX_DRIFT_MS, Hlc, HlcFormatError
from sync.ids import is_uuid7
from sync.wire import Op


@dataclass(frozen=True, slots=True)
class Rejection:
    reason: str
    detail: str


class CheckedOp(msgspec.Struct, frozen=True):
    """An op that passed every stateless check, with its parsed HLC and canonical value.

    A struct rather than a frozen dataclass: one is built per op of every push, and a frozen
    dataclass's constructor cost about 1.2 µs of the check's 4.7 µs per op.
    """

    index: int
    op: Op
    value: Scalar
    canon: str
    hlc: Hlc

    def same_content(
        self, record_type: str, record_id: str, field: str, value: str, hlc: str
    ) -> bool:
        op = self.op
        return (op.record_type, op.record_id, op.field, self.canon, op.hlc) == (
            record_type,
            record_id,
            field,
            value,
            hlc,
        )


def check_op(index: int, op: Op, device_id: str, now_ms: int) -> CheckedOp | Rejection:
    if not is_uuid7(op.op_id):
        return Rejection("invalid_op_id", "op_id must be a lower-case UUIDv7")
    if not is_uuid7(op.record_id):
        return Rejection("invalid_record_id", "record_id must be a lower-case UUIDv7")
    try:
        hlc = Hlc.parse(op.hlc)
    except HlcFormatError:
        return Rejection("invalid_hlc", "hlc must be YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-<16 hex node>")
    if hlc.node != device_id:
        return Rejection("node_mismatch", "the hlc node must be the pushing device's id")
    if hlc.wall_ms - now_ms > MAX_DRIFT_MS:
        return Rejection(
            "clock_skew",
            f"hlc is more than {MAX_DRIFT_MS // 60_000} minutes ahead of the server "
            f"(server time {now_ms} ms); register a new device and re-stamp",
        )
    try:
        value = check_value(op.value)
    except InvalidValue as exc:
        return Rejection(f"invalid_value_{exc.reason}", str(exc))
    try:
        check_client_field(op.record_type, op.field, value)
    except FieldError as exc:
        return Rejection(exc.reason, exc.detail)
    return CheckedOp(index=index, op=op, value=value, canon=canon(value), hlc=hlc)
