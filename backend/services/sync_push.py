"""Apply one pushed batch in one transaction and answer per op (docs/architecture.md, "Sync")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.engine import Database
from backend.domain.errors import InvalidInput, TooLarge
from backend.services import daily, reminder_schedule, sync_store
from backend.services.devices import DeviceRegistry
from backend.services.server_clock import ServerClock
from backend.services.set_projection import project_sets
from backend.services.sync_checks import CheckedOp, Rejection, check_op
from sync.wire import SCHEMA_VERSION, OpResult, OpStatus, PushRequest, PushResponse


@dataclass
class _Batch:
    """Working state of one push: results by op index and the ops still in play."""

    results: list[OpResult | None]
    candidates: list[CheckedOp] = field(default_factory=list)
    # Later copies of an op within the batch: (copy, first); a copy shares its first's fate.
    copies: list[tuple[CheckedOp, CheckedOp]] = field(default_factory=list)

    def settle(self, checked: CheckedOp, status: OpStatus, reason: str | None = None) -> None:
        self.results[checked.index] = OpResult(checked.op.op_id, status, reason)

    def status(self, checked: CheckedOp) -> OpStatus | None:
        result = self.results[checked.index]
        return None if result is None else result.status


# Record types whose changes can raise or clear an imbalance alert.
JUDGED = frozenset({"set", "limb_status", "exercise"})


class SyncPush:
    def __init__(
        self,
        db: Database,
        clock: ServerClock,
        devices: DeviceRegistry,
        max_ops: int,
        after_commit: Callable[[int], None] = lambda _account_id: None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.devices = devices
        self.max_ops = max_ops
        # Told, once the batch is committed, that an account's judged history changed.
        self.after_commit = after_commit

    async def push(self, account_id: int, request: PushRequest) -> PushResponse:
        if request.schema != SCHEMA_VERSION:
            raise InvalidInput(
                f"schema {request.schema} is not supported; this server speaks {SCHEMA_VERSION}",
                code="unsupported_schema",
            )
        if len(request.ops) > self.max_ops:
            raise TooLarge(f"a push carries at most {self.max_ops} ops", code="too_many_ops")
        await self.devices.require(account_id, request.device_id)

        batch = self._check(request)
        if batch.candidates:
            checked = list(batch.candidates)
            judged = await self.db.write_shared(
                lambda conn: self._apply(conn, account_id, request.device_id, batch)
            )
            # From the commit to the reply only steps that cannot fail: the clock follows the
            # ops this batch acknowledged (never one it refused), the rest is building the reply.
            acknowledged = [c.hlc for c in checked if batch.status(c) != "rejected"]
            if acknowledged:
                self.clock.observe(max(acknowledged))
            if judged:
                self.after_commit(account_id)
        for copy, first in batch.copies:
            settled = batch.results[first.index]
            assert settled is not None
            rejected = settled.status == "rejected"
            batch.settle(copy, "rejected" if rejected else "duplicate", settled.reason)
        return PushResponse(
            results=[result for result in batch.results if result is not None],
            server_hlc=self.clock.stamp().encode(),
            server_time_ms=self.clock.now_ms(),
        )

    def _check(self, request: PushRequest) -> _Batch:
        now = self.clock.now_ms()
        batch = _Batch(results=[None] * len(request.ops))
        first: dict[str, CheckedOp] = {}
        for index, op in enumerate(request.ops):
            checked = check_op(index, op, request.device_id, now)
            if isinstance(checked, Rejection):
                batch.results[index] = OpResult(op.op_id, "rejected", checked.reason)
                continue
            earlier = first.get(op.op_id)
            if earlier is None:
                first[op.op_id] = checked
                batch.candidates.append(checked)
            elif earlier.same_content(
                op.record_type, op.record_id, op.field, checked.canon, op.hlc
            ):
                batch.copies.append((checked, earlier))
            else:
                batch.settle(checked, "rejected", "op_id_conflict")
        return batch

    async def apply_server_ops(
        self, conn: AsyncConnection, account_id: int, node: str, ops: list[CheckedOp]
    ) -> list[OpResult]:
        """Apply ops the server wrote for an account (imports) in the caller's transaction, as
        one more replica: the same op log, merge and projections as a device's push. The ops
        are checked by the caller and indexed 0..n-1; the caller calls ``after_commit``."""
        batch = _Batch(results=[None] * len(ops), candidates=list(ops))
        await self._apply(conn, account_id, node, batch, by_server=True)
        return [result for result in batch.results if result is not None]

    async def _apply(
        self,
        conn: AsyncConnection,
        account_id: int,
        device_id: str,
        batch: _Batch,
        *,
        by_server: bool = False,
    ) -> bool:
        """Apply the batch; True when it changed a record type alerts are judged on."""
        # Pushes of one account take turns from here to commit, so a retry racing its original
        # is judged after it. A batch of nothing but duplicates and refusals ends before writing
        # anything: no sequence bump, no row, no fsync.
        await sync_store.lock_account(conn, account_id)
        await self._drop_known_ops(conn, account_id, batch)
        await self._drop_foreign_records(conn, account_id, batch, by_server)
        if not batch.candidates:
            return False
        # The counter row lock, held to commit, makes commit order = seq order.
        seq = await sync_store.bump_seq(conn, account_id)

        records = {checked.op.record_id for checked in batch.candidates}
        state = await sync_store.load_fields(conn, account_id, records)
        changed: dict[tuple[str, str], CheckedOp] = {}
        # Newest first by the merge rule ((hlc, canonical value) as str tuples order like their
        # UTF-8 bytes): the first op seen per key is the batch's winner, the rest are superseded.
        for checked in sorted(batch.candidates, key=lambda c: (c.op.hlc, c.canon), reverse=True):
            op = checked.op
            key = (op.record_id, op.field)
            current = state.setdefault(op.record_id, {}).get(op.field)
            if key not in changed and (current is None or (op.hlc, checked.canon) > current):
                changed[key] = checked
                state[op.record_id][op.field] = (op.hlc, checked.canon)
                batch.settle(checked, "applied")
            else:
                batch.settle(checked, "superseded")

        now = self.clock.now_ms()
        await sync_store.insert_ops(conn, account_id, device_id, seq, now, batch.candidates)
        await sync_store.upsert_fields(conn, account_id, seq, list(changed.values()))
        reminders = {c.op.record_id for c in changed.values() if c.op.record_type == "reminder"}
        if reminders:
            mine = {rid: state[rid] for rid in reminders}
            await reminder_schedule.refresh(conn, account_id, mine, now)
        touched_sets = {
            checked.op.record_id for checked in changed.values() if checked.op.record_type == "set"
        }
        judged = any(checked.op.record_type in JUDGED for checked in changed.values())
        if not touched_sets:
            return judged
        upserts, deletes = project_sets({rid: state[rid] for rid in touched_sets})
        zone = await daily.account_zone(conn, account_id)
        days = await daily.days_of_sets(conn, account_id, touched_sets, zone)
        await sync_store.write_sets(conn, account_id, seq, upserts, deletes)
        await daily.refresh(conn, account_id, zone, days | daily.days_of_rows(upserts, zone))
        return judged

    async def _drop_known_ops(self, conn: AsyncConnection, account_id: int, batch: _Batch) -> None:
        """A retry is acknowledged again as a duplicate; its id reused for other content is not."""
        known = await sync_store.load_ops(conn, [c.op.op_id for c in batch.candidates])
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

    async def _drop_foreign_records(
        self, conn: AsyncConnection, account_id: int, batch: _Batch, by_server: bool
    ) -> None:
        """Claim new record ids for this account; refuse ids owned by another or of another type."""
        wanted = {c.op.record_id: c.op.record_type for c in batch.candidates}
        owners = await sync_store.claim_records(conn, account_id, wanted, by_server=by_server)
        remaining = []
        for checked in batch.candidates:
            known = owners.get(checked.op.record_id)
            if known is None:
                batch.settle(checked, "rejected", "unknown_record")
                continue
            owner, record_type = known
            if owner != account_id:
                batch.settle(checked, "rejected", "foreign_record")
            elif record_type != checked.op.record_type:
                batch.settle(checked, "rejected", "record_type_mismatch")
            else:
                remaining.append(checked)
        batch.candidates = remaining
