"""Versioned wire structs of the sync protocol; requests refuse unknown fields.

Limits on lengths and counts belong to the server, not to these shapes.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from sync.canon import Scalar

SCHEMA_VERSION = 1

OpStatus: TypeAlias = Literal["applied", "superseded", "duplicate", "rejected"]
# Wider than Scalar on purpose: a float decodes, so check_value can reject that one op instead of
# the whole batch failing to decode.
WireValue: TypeAlias = int | float | str | bool | None


class Op(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    op_id: str
    record_type: str
    record_id: str
    field: str
    value: WireValue
    hlc: str


class PushRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    device_id: str
    schema: int
    ops: list[Op]


class OpResult(msgspec.Struct, frozen=True, omit_defaults=True):
    op_id: str
    status: OpStatus
    reason: str | None = None


class PushResponse(msgspec.Struct, frozen=True):
    results: list[OpResult]
    server_hlc: str
    server_time_ms: int


class PullRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    device_id: str
    cursor: str | None = None
    limit: int = 500


class Change(msgspec.Struct, frozen=True):
    record_type: str
    record_id: str
    field: str
    value: Scalar
    hlc: str


class PullResponse(msgspec.Struct, frozen=True):
    changes: list[Change]
    cursor: str
    has_more: bool
    server_hlc: str
    reset: bool
