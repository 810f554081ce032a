"""Keyset pulls over the merged state: ``(seq, record_id, field)`` per account, gap-free.

Each push takes the account's counter row lock before it bumps ``seq`` and holds it to commit,
so a reader never sees seq N+1 committed while N is still open. A global autoincrement would
skip rows committed out of order.
"""

from __future__ import annotations

import base64
from typing import Annotated

import msgspec

from backend.db import pull_pages
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.db.pull_pages import PageRow
from backend.domain.errors import InvalidInput
from backend.services.devices import DeviceRegistry
from backend.services.server_clock import ServerClock
from sync.wire import Change, PullRequest, PullResponse

MAX_LIMIT = 1000


class _Cursor(msgspec.Struct, array_like=True, forbid_unknown_fields=True):
    # Bounded like the columns they are compared with: a forged cursor must not reach SQL.
    epoch: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{16}$")]
    seq: Annotated[int, msgspec.Meta(ge=0, le=2**63 - 1)]
    record_id: Annotated[str, msgspec.Meta(pattern="^([0-9a-f-]{36})?$")]
    field: Annotated[str, msgspec.Meta(pattern="^[a-z0-9_]{0,64}$")]


_cursor_decoder = msgspec.json.Decoder(_Cursor)


def encode_cursor(cursor: _Cursor) -> str:
    return base64.urlsafe_b64encode(msgspec.json.encode(cursor)).decode().rstrip("=")


def _decode_cursor(text_: str) -> _Cursor:
    try:
        raw = base64.urlsafe_b64decode(text_ + "=" * (-len(text_) % 4))
        return _cursor_decoder.decode(raw)
    except (ValueError, msgspec.DecodeError, msgspec.ValidationError):
        raise InvalidInput("cursor is not one this server issued", code="invalid_cursor") from None


class SyncPull:
    def __init__(self, db: Database, clock: ServerClock, devices: DeviceRegistry) -> None:
        self.db = db
        self.clock = clock
        self.devices = devices

    async def pull(self, account_id: int, request: PullRequest) -> PullResponse:
        if not 1 <= request.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit must be 1 to {MAX_LIMIT}", code="invalid_limit")
        if request.cursor is not None and len(request.cursor) > 512:
            raise InvalidInput("cursor is not one this server issued", code="invalid_cursor")
        cursor = _decode_cursor(request.cursor) if request.cursor else None
        await self.devices.require(account_id, request.device_id)

        def resets(seq: int, epoch: str) -> bool:
            # A cursor from another history (restored or replaced database) starts over.
            return cursor is not None and (cursor.epoch != epoch or cursor.seq > seq)

        async def read(conn: Connection) -> tuple[int, str, list[PageRow]]:
            """The counter and at most a page in one snapshot: a small unit of reads."""
            start = (0, "", "")
            after = start if cursor is None else (cursor.seq, cursor.record_id, cursor.field)
            seq, epoch, page = await pull_pages.counter_and_page(
                conn, account_id, after, request.limit + 1
            )
            if resets(seq, epoch):  # rare: read from the start of this history instead
                page = await pull_pages.page_after(conn, account_id, start, request.limit + 1)
            return seq, epoch, page

        seq, epoch, rows = await self.db.read_unit(read, small=True)
        reset = resets(seq, epoch)
        start = _Cursor(epoch, 0, "", "") if cursor is None or reset else cursor
        has_more = len(rows) > request.limit
        rows = rows[: request.limit]
        changes = [
            Change(record_type, record_id, field, msgspec.json.decode(value), hlc)
            for record_type, record_id, field, value, hlc, _seq in rows
        ]
        if rows:
            last = rows[-1]
            start = _Cursor(epoch, last.seq, last.record_id, last.field)
        return PullResponse(
            changes=changes,
            cursor=encode_cursor(start),
            has_more=has_more,
            server_hlc=self.clock.stamp().encode(),
            reset=reset,
        )
