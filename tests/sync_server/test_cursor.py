"""A pull cursor can end on any synced field: a page boundary must never wedge a device."""

from __future__ import annotations

import pytest

from backend.domain.records import DELETED, RECORD_FIELDS
from backend.services.sync_pull import _Cursor, _decode_cursor, encode_cursor

FIELDS = sorted({DELETED} | {f for fields in RECORD_FIELDS.values() for f in fields})


@pytest.mark.parametrize("field", FIELDS)
def test_cursor_round_trips_on_every_field(field: str) -> None:
    cursor = _Cursor("0123456789abcdef", 42, "0190f6b2-0000-7000-8000-000000000000", field)
    assert _decode_cursor(encode_cursor(cursor)) == cursor
