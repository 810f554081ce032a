"""Import another logger's CSV export, or Sidewise's own JSON, in two steps.

``preview`` reads the file and says what would be imported, changing nothing. ``commit`` reads
the same file again with the user's choices per exercise and writes the sets through the sync
path as the account's import replica (``import_ids``), in chunks of one transaction each, so
progress can be shown and an import cut short is finished by importing the file again. No state
is kept between the two steps: the file itself is the state.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

import msgspec

from backend.db import sync_store
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.domain.errors import InvalidInput, TooLarge
from backend.domain.imports import document, formats, plan
from backend.domain.imports.document import DocumentRecord
from backend.domain.imports.formats import ParsedSet
from backend.domain.imports.plan import ExerciseChoice, SkippedRow
from backend.domain.imports.plan import Preview as Preview
from backend.domain.imports.text import decode
from backend.domain.imports.values import Unit
from backend.domain.records import is_record_id
from backend.domain.strength import local_day
from backend.services import daily, import_ids, import_ops
from backend.services.changes import ChangeBatch, apply_changes
from backend.services.sync_checks import CheckedOp
from backend.services.sync_push import SyncPush

MAX_FILE_BYTES = 20 * 1024 * 1024
CHUNK_OPS = 8000  # ops written per transaction (a few thousand sets)


class Plan(msgspec.Struct, forbid_unknown_fields=True):
    """The user's choices: one per imported exercise (a JSON export needs none)."""

    exercises: list[ExerciseChoice] = msgspec.field(default_factory=list)


class Progress(msgspec.Struct, tag="progress"):
    done: int
    total: int


class Finished(msgspec.Struct, tag="done"):
    sets: int  # set records in the file now in the account
    records: int  # every record written or already there
    ops_applied: int
    ops_duplicate: int
    skipped: int


class Failed(msgspec.Struct, tag="error"):
    code: str
    detail: str


Event = Progress | Finished | Failed


@dataclass
class _Read:
    preview: Preview
    parsed: list[ParsedSet] = field(default_factory=list)
    records: list[DocumentRecord] = field(default_factory=list)


def _unit(unit: str | None) -> Unit | None:
    if unit is None or unit == "kg":
        return "kg" if unit else None
    if unit == "lb":
        return "lb"
    raise InvalidInput("unit must be kg or lb", code="invalid_unit")


def _read(data: bytes, unit_text: str | None) -> _Read:
    unit = _unit(unit_text)
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(
            f"files up to {MAX_FILE_BYTES // 2**20} MB are imported", code="file_too_large"
        )
    text, encoding = decode(data)
    if document.looks_like_document(text):
        return _read_document(text, encoding)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    fmt = formats.detect(first_line)
    used = fmt.unit or unit or "kg"
    # Strong's current form has no unit at all (the user says); others name it per file or row.
    asked = fmt.name == "strong"
    shown = used if fmt.unit is not None or asked else None
    preview, parsed = plan.preview(
        fmt.name, fmt.label, encoding, (shown, asked), formats.rows(text, fmt, used)
    )
    return _Read(preview, parsed=parsed)


def _read_document(text: str, encoding: str) -> _Read:
    records, bad = document.read(text)
    sets = [r for r in records if r.type == "set"]
    times = sorted(t for r in sets if isinstance(t := r.fields.get("performed_at"), int))
    preview = Preview(
        format="sidewise",
        format_label="Sidewise (JSON)",
        encoding=encoding,
        unit=None,
        unit_asked=False,
        rows=len(records) + len(bad),
        sets=len(sets),
        warmups=sum(r.fields.get("warmup") is True for r in sets),
        first_day=None,
        last_day=None,
        exercises=[],
        skipped=[SkippedRow(n, reason, f"record {n}: {detail}") for n, reason, detail in bad[:200]],
        skipped_total=len(bad),
        skipped_by_reason={reason: sum(b[1] == reason for b in bad) for _n, reason, _d in bad},
    )
    if times:
        preview.first_day, preview.last_day = str(times[0]), str(times[-1])
    return _Read(preview, records=records)


class Importer:
    def __init__(self, db: Database, sync: SyncPush) -> None:
        self.db = db
        self.sync = sync

    async def preview(self, account_id: int, data: bytes, unit: str | None) -> Preview:
        read = _read(data, unit)
        async with self.db.read() as conn:
            zone = await daily.account_zone(conn, account_id)
            if read.parsed:
                placed = plan.place(read.preview.format, read.parsed, zone)
                days = sorted({local_day(p.performed_at, zone) for p in placed})
                read.preview.first_day, read.preview.last_day = str(days[0]), str(days[-1])
                wanted = [import_ids.set_id(account_id, p.key, p.performed_at) for p in placed]
            else:
                wanted = [r.id for r in read.records]
                if read.preview.first_day is not None:
                    first, last = read.preview.first_day, read.preview.last_day
                    read.preview.first_day = str(local_day(int(first), zone))
                    read.preview.last_day = str(local_day(int(last or first), zone))
            read.preview.already_imported = await sync_store.owned_count(conn, account_id, wanted)
        return read.preview

    async def commit(
        self, account_id: int, data: bytes, unit: str | None, choices: list[ExerciseChoice]
    ) -> AsyncIterator[Event]:
        """Check everything first (a refusal raises and writes nothing), then write in chunks,
        yielding progress; the caller reports the events as they come."""
        read = _read(data, unit)
        async with self.db.read() as conn:
            zone = await daily.account_zone(conn, account_id)
            if read.parsed:
                chosen = plan.check_choices((e.name for e in read.preview.exercises), choices)
                await _check_targets(conn, account_id, chosen.values())
            else:
                moved = await _document_ids(conn, account_id, read.records)
        if not read.parsed:
            return self._write(
                account_id,
                [partial(import_ops.record_ops, account_id, r, moved) for r in read.records],
                read.preview,
            )
        placed = plan.place(read.preview.format, read.parsed, zone)
        planned = sorted(plan.assign(placed, chosen), key=lambda p: p.placed.performed_at)
        new_ids = {}
        builders: list[Callable[[], list[CheckedOp]]] = []
        for choice in chosen.values():
            if choice.target == "new" and choice.new is not None:
                record_id = import_ids.exercise_id(account_id, choice.new.name.strip())
                new_ids[f"new:{choice.name}"] = record_id
                builders.append(partial(import_ops.exercise_ops, account_id, record_id, choice.new))
        builders += [partial(import_ops.set_ops, account_id, p, new_ids) for p in planned]
        return self._write(account_id, builders, read.preview)

    async def _write(
        self, account_id: int, builders: list[Callable[[], list[CheckedOp]]], preview: Preview
    ) -> AsyncIterator[Event]:
        """Ops are built a chunk at a time, so a 100,000-set file never holds all of them."""
        node = import_ids.import_node(account_id)
        total = len(builders)
        skipped = preview.skipped_total
        applied = duplicate = 0
        done = 0
        while done < total:
            chunk: list[CheckedOp] = []
            end = done
            while end < total and len(chunk) < CHUNK_OPS:
                try:
                    chunk += builders[end]()
                except import_ops.Unwritable:
                    skipped += 1
                end += 1
            ops = [
                CheckedOp(index=i, op=c.op, value=c.value, canon=c.canon, hlc=c.hlc)
                for i, c in enumerate(chunk)
            ]
            batch = ChangeBatch.of(ops)
            now = self.sync.clock.now_ms()
            await self.db.write_unit(
                lambda conn, batch=batch, now=now: apply_changes(  # type: ignore[misc]
                    conn, account_id, node, batch, now, by_server=True
                ),
                weight=len(ops),
            )
            results = batch.settled()
            rejected = [r for r in results if r.status == "rejected"]
            if rejected:
                yield Failed(
                    "rejected", f"{len(rejected)} values were refused: {rejected[0].reason}"
                )
                return
            applied += sum(r.status == "applied" for r in results)
            duplicate += sum(r.status == "duplicate" for r in results)
            done = end
            yield Progress(done, total)
        if applied:
            self.sync.after_commit(account_id)
        yield Finished(preview.sets, total, applied, duplicate, skipped)


async def _check_targets(
    conn: Connection, account_id: int, choices: Iterable[ExerciseChoice]
) -> None:
    """An existing custom exercise chosen as a target must be one of the account's own."""
    wanted = [c.target for c in choices if is_record_id(c.target)]
    owners = await sync_store.owners(conn, wanted)
    for target in wanted:
        if owners.get(target) != (account_id, "exercise"):
            raise InvalidInput(
                f"{target} is not one of your exercises", code="invalid_plan", target=target
            )


async def _document_ids(
    conn: Connection, account_id: int, records: list[DocumentRecord]
) -> dict[str, str]:
    """Each record keeps its id unless another account holds it (an export of one account
    imported into another while both exist): then it moves to an id derived from the old."""
    owners = await sync_store.owners(conn, [r.id for r in records])
    moved = {}
    for record in records:
        owner = owners.get(record.id)
        if owner is None or owner == (account_id, record.type):
            moved[record.id] = record.id
        else:
            moved[record.id] = import_ids.moved_id(account_id, record.id, import_ids.UNDATED_MS)
    return moved
