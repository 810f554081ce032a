"""Export an account's data as a stream: the sets as CSV, every record as a JSON document that
``importer`` reads back. Rows come a page at a time (``backend.db.export``) and are written out
as they come, so memory stays flat however long the history is."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from backend.db import export, insight_store
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.domain.catalogue import CATALOGUE
from backend.domain.imports.document import FORMAT, VERSION
from backend.services import daily

PAGE = 2000
CSV_COLUMNS = (
    "date", "time", "utc_offset", "time_zone", "exercise", "exercise_id", "side", "reps",
    "weight_kg", "weight_lb", "rpe", "eccentric_s", "warmup", "note", "set_id",
)  # fmt: skip
GRAMS_PER_LB = 453.59237


class Exporter:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def sets_csv(self, account_id: int) -> AsyncIterator[bytes]:
        """Every set, oldest first, in the account's zone; weights exact in kg, lb to 0.01."""
        async with self.db.read() as conn:
            local = LocalTimes(await daily.account_zone(conn, account_id))
            names = await _names(conn, account_id)
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow(CSV_COLUMNS)
            async for page in export.set_pages(conn, account_id, PAGE):
                writer.writerows(_csv_row(row, local, names) for row in page)
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
            yield buffer.getvalue().encode()

    async def document(self, account_id: int, now_ms: int) -> AsyncIterator[bytes]:
        """``{"format": "sidewise", …, "records": […]}``: every existing record with its fields."""
        async with self.db.read() as conn:
            zone = await daily.account_zone(conn, account_id)
            head = {
                "format": FORMAT,
                "version": VERSION,
                "exported_at": now_ms,
                "time_zone": zone.key,
            }
            yield msgspec.json.encode(head)[:-1] + b',"records":['
            first = True
            current: tuple[str, str] | None = None
            fields: list[tuple[str, str]] = []
            out: list[bytes] = []
            async for page in export.field_pages(conn, account_id, PAGE):
                for record_id, record_type, field, value in page:
                    if current is None or current[0] != record_id:
                        if current is not None and (piece := _record(current, fields)):
                            out.append(piece if first else b"," + piece)
                            first = False
                        current, fields = (record_id, record_type), []
                    fields.append((field, value))
                yield b"".join(out)
                out = []
            if current is not None and (piece := _record(current, fields)):
                out.append(piece if first else b"," + piece)
            yield b"".join(out) + b"]}"


def _thousandths(value: int | None) -> str:
    """Exact decimal text of value ÷ 1000 (grams as kg, ms as s), trailing zeros dropped."""
    if value is None:
        return ""
    whole, part = divmod(value, 1000)
    return f"{whole}.{part:03d}".rstrip("0").rstrip(".")


def _tenths(value: int | None) -> str:
    if value is None:
        return ""
    whole, part = divmod(value, 10)
    return f"{whole}.{part}" if part else str(whole)


class LocalTimes:
    """Date, time and UTC offset of instants in one zone, without a zone lookup per row: zones
    change offset only on quarter hours, so the offset is looked up once per quarter hour
    (a bounded cache) and the rest is integer arithmetic."""

    QUARTER_S = 900

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self.offsets: dict[int, tuple[int, str]] = {}

    def parts(self, at_ms: int) -> tuple[str, str, str]:
        seconds = at_ms // 1000
        quarter = seconds // self.QUARTER_S
        offset = self.offsets.get(quarter)
        if offset is None:
            if len(self.offsets) > 10_000:
                self.offsets.clear()
            delta = datetime.fromtimestamp(quarter * self.QUARTER_S, self.zone).utcoffset()
            shift = int(delta.total_seconds()) if delta is not None else 0
            hours, minutes = divmod(abs(shift) // 60, 60)
            offset = (shift, f"{'-' if shift < 0 else '+'}{hours:02d}:{minutes:02d}")
            self.offsets[quarter] = offset
        days, second = divmod(seconds + offset[0], 86_400)
        hour, rest = divmod(second, 3600)
        minute, sec = divmod(rest, 60)
        day = _EPOCH + timedelta(days=days)
        return day.isoformat(), f"{hour:02d}:{minute:02d}:{sec:02d}", offset[1]


_EPOCH = date(1970, 1, 1)


def _csv_row(row: Sequence[Any], local: LocalTimes, names: dict[str, str]) -> tuple[Any, ...]:
    set_id, exercise, side, reps, weight_g, rpe, eccentric, at, note, warmup = row
    day, clock, offset = ("", "", "") if at is None else local.parts(at)
    return (
        day,
        clock,
        offset,
        local.zone.key,
        names.get(exercise, ""),
        exercise or "",
        side or "",
        "" if reps is None else reps,
        _thousandths(weight_g),
        "" if weight_g is None else f"{weight_g / GRAMS_PER_LB:.2f}",
        _tenths(rpe),
        _thousandths(eccentric),
        "yes" if warmup == "true" else "",
        note or "",
        set_id,
    )


def _record(record: tuple[str, str], fields: list[tuple[str, str]]) -> bytes | None:
    """A record's JSON from its canonical values (compact JSON already); None if deleted."""
    if ("_deleted", "true") in fields:
        return None
    body = ",".join(
        f"{msgspec.json.encode(name).decode()}:{value}"
        for name, value in fields
        if name != "_deleted"
    )
    head = msgspec.json.encode({"type": record[1], "id": record[0]}).decode()[:-1]
    return f'{head},"fields":{{{body}}}}}'.encode()


async def _names(conn: Connection, account_id: int) -> dict[str, str]:
    names = {exercise.id: exercise.name for exercise in CATALOGUE}
    for record_id, fields in (
        await insight_store.records_of_type(conn, account_id, "exercise")
    ).items():
        if isinstance(fields.get("name"), str):
            names[record_id] = fields["name"]
    return names
