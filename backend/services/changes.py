"""``apply_changes``: the one way ops reach the op log, from a device's push, the server's own
alerts and imports alike (docs/architecture.md, "Sync" and "The write path").

In the caller's transaction: take the account's turn, answer retries as duplicates, claim new
record ids, bump the sequence, log the ops, merge by the sync contract's rule (``sync.merge``),
upsert the winners and run the projector of each changed record type (``projectors``). Every
statement is a ``backend.db`` call, so on SQLite the whole unit runs on the writer's thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from backend.db import sync_store
from backend.db.connection import Connection
from backend.db.sync_store import FieldRow, OpLogRow, OpRow
from backend.domain.records import SERVER_RECORDS
from backend.services.projectors import PROJECTORS, Projection
from backend.services.sync_checks import CheckedOp
from sync.merge import merge_key
from sync.wire import OpResult, OpStatus

# Record types whose changes can raise or clear an imbalance alert.
JUDGED = frozenset({"set", "limb_status", "exercise"})


@dataclass
class ChangeBatch:
    """Working state of one batch: results by op index and the ops still in play."""

    results: list[OpResult | None]
    candidates: list[CheckedOp] = field(default_factory=list)
    # Later copies of an op within the batch: (copy, first); a copy shares its first's fate.
    copies: list[tuple[CheckedOp, CheckedOp]] = field(default_factory=list)

    @classmethod
    def of(cls, ops: Sequence[CheckedOp]) -> ChangeBatch:
        """A batch of ops already checked and indexed 0..n-1."""
        return cls(results=[None] * len(ops), candidates=list(ops))

    def settle(self, checked: CheckedOp, status: OpStatus, reason: str | None = None) -> None:
        self.results[checked.index] = OpResult(checked.op.op_id, status, reason)

    def status(self, checked: CheckedOp) -> OpStatus | None:
        result = self.results[checked.index]
        return None if result is None else result.status

    def settled(self) -> list[OpResult]:
        return [result for result in self.results if result is not None]


@dataclass(frozen=True, slots=True)
class Applied:
    seq: int | None  # the batch's sequence number; None when it wrote nothing
    judged: bool  # it changed a record type alerts are judged on


def field_rows(account_id: int, seq: int, winners: Sequence[CheckedOp]) -> list[FieldRow]:
    return [
        (c.op.record_id, c.op.field, account_id, c.op.record_type, c.canon, c.op.hlc, seq)
        for c in winners
    ]


async def apply_changes(
    conn: Connection,
    account_id: int,
    node: str,
    batch: ChangeBatch,
    now_ms: int,
    *,
    by_server: bool = False,
) -> Applied:
    """Apply the batch's candidates as written by replica ``node``; settles every candidate."""
    # Batches of one account take turns from here to commit, so a retry racing its original
    # is judged after it. A batch of nothing but duplicates and refusals ends before writing
    # anything: no sequence bump, no row, no fsync.
    await sync_store.lock_account(conn, account_id)
    state = await sync_store.load_push_state(
        conn,
        account_id,
        [c.op.op_id for c in batch.candidates],
        list({c.op.record_id for c in batch.candidates}),
    )
    _drop_known_ops(account_id, batch, state.ops)
    fresh = _drop_foreign_records(account_id, batch, state.owners, by_server)
    if not batch.candidates:
        return Applied(None, False)
    # Claimed and logged before merging: a record or op id another account took meanwhile is
    # refused, not merged.
    seq, lost, unlogged = await sync_store.claim_and_log(
        conn, account_id, fresh, _log_rows(account_id, node, now_ms, batch.candidates)
    )
    if lost:
        # Judged against the lost ids' owners alone; as the server's, no other op is refused.
        _drop_foreign_records(account_id, batch, await sync_store.owners(conn, sorted(lost)), True)
    if unlogged:
        for checked in batch.candidates:
            if checked.op.op_id in unlogged:
                batch.settle(checked, "rejected", "op_id_conflict")
        batch.candidates = [c for c in batch.candidates if c.op.op_id not in unlogged]

    fields = state.fields
    changed: dict[tuple[str, str], CheckedOp] = {}
    # Greatest merge key first: the first op seen per key is the batch's winner if it beats
    # the stored value; the rest are superseded.
    for checked in sorted(
        batch.candidates, key=lambda c: merge_key(c.op.hlc, c.canon), reverse=True
    ):
        op = checked.op
        key = (op.record_id, op.field)
        current = fields.setdefault(op.record_id, {}).get(op.field)
        if key not in changed and (
            current is None or merge_key(op.hlc, checked.canon) > merge_key(*current)
        ):
            changed[key] = checked
            fields[op.record_id][op.field] = (op.hlc, checked.canon)
            batch.settle(checked, "applied")
        else:
            batch.settle(checked, "superseded")

    await sync_store.upsert_fields(conn, field_rows(account_id, seq, list(changed.values())))
    by_type: dict[str, set[str]] = {}
    for checked in changed.values():
        by_type.setdefault(checked.op.record_type, set()).add(checked.op.record_id)
    for record_type, record_ids in sorted(by_type.items()):
        project = PROJECTORS.get(record_type)
        if project is not None:
            mine = {rid: fields[rid] for rid in sorted(record_ids)}
            await project(conn, Projection(account_id, seq, now_ms, mine, state.zone, state.placed))
    return Applied(seq, not JUDGED.isdisjoint(by_type))


def _log_rows(account_id: int, node: str, now_ms: int, ops: Sequence[CheckedOp]) -> list[OpLogRow]:
    rows: list[OpLogRow] = []
    for c in ops:
        op = c.op
        kind, record, name = op.record_type, op.record_id, op.field
        rows.append((op.op_id, account_id, node, kind, record, name, c.canon, op.hlc, now_ms))
    return rows


def _drop_known_ops(account_id: int, batch: ChangeBatch, known: dict[str, OpRow]) -> None:
    """A retry is acknowledged again as a duplicate; its id reused for other content is not."""
    if not known:
        return
    remaining = []
    for checked in batch.candidates:
        row = known.get(checked.op.op_id)
        if row is None:
            remaining.append(checked)
        elif row.account_id == account_id and checked.same_content(
            row.record_type, row.record_id, row.field, row.value, row.hlc
        ):
            batch.settle(checked, "duplicate")
        else:
            batch.settle(checked, "rejected", "op_id_conflict")
    batch.candidates = remaining


def _drop_foreign_records(
    account_id: int, batch: ChangeBatch, owners: dict[str, tuple[int, str]], by_server: bool
) -> dict[str, str]:
    """Refuse ops on ids owned by another account or of another type, and on new ids of the
    types only the server writes (unless it is the server's batch); return the new ids to
    claim (id -> type)."""
    fresh: dict[str, str] = {}
    remaining = []
    for checked in batch.candidates:
        op = checked.op
        known = owners.get(op.record_id)
        if known is None:
            if not by_server and op.record_type in SERVER_RECORDS:
                batch.settle(checked, "rejected", "unknown_record")
            elif fresh.setdefault(op.record_id, op.record_type) != op.record_type:
                # The batch's first op on a new id decides its type.
                batch.settle(checked, "rejected", "record_type_mismatch")
            else:
                remaining.append(checked)
            continue
        owner, record_type = known
        if owner != account_id:
            batch.settle(checked, "rejected", "foreign_record")
        elif record_type != op.record_type:
            batch.settle(checked, "rejected", "record_type_mismatch")
        else:
            remaining.append(checked)
    batch.candidates = remaining
    return fresh
