"""Ids and stamps of imported records, derived from the account and the row's content.

The same row imported again gets the same record id, op ids and HLCs, so the op log answers
"duplicate" and nothing changes. Record and op ids are UUIDv7-shaped with the time part taken
from the set's instant, so imported sets stay time-ordered in every index; HLCs carry that same
instant, so any later edit on a device wins over the imported value.
"""

from __future__ import annotations

import hashlib

from backend.domain.records import EARLIEST_MS
from sync.canon import Scalar, canon
from sync.hlc import Hlc
from sync.ids import uuid7

# Exercise and other undated records are stamped at the earliest instant a record may carry.
UNDATED_MS = EARLIEST_MS


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


def derived_id(unix_ms: int, *parts: str) -> str:
    return uuid7(unix_ms, _digest(*parts)[:10])


def import_node(account_id: int) -> str:
    """The account's import replica: an HLC node id no device can hold (devices get random
    ones bound to their account; this one is a hash no registration returns)."""
    return _digest("import-node", str(account_id)).hex()[:16]


def set_id(account_id: int, key: str, performed_at: int) -> str:
    return derived_id(performed_at, "set", str(account_id), key)


def exercise_id(account_id: int, name: str) -> str:
    return derived_id(UNDATED_MS, "exercise", str(account_id), name.casefold())


def moved_id(account_id: int, old_id: str, unix_ms: int) -> str:
    """A record of a JSON export whose id another account holds gets this id instead."""
    return derived_id(unix_ms, "moved", str(account_id), old_id)


def op_id(record_id: str, field: str, value: Scalar, unix_ms: int) -> str:
    return derived_id(unix_ms, "op", record_id, field, canon(value))


def stamp(account_id: int, unix_ms: int) -> Hlc:
    return Hlc(unix_ms, 0, import_node(account_id))
