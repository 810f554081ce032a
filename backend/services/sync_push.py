"""Apply one pushed batch in one transaction and answer per op (docs/architecture.md, "Sync")."""

from __future__ import annotations

from collections.abc import Callable

from backend.db.engine import Database
from backend.domain.errors import InvalidInput, TooLarge
from backend.services.changes import ChangeBatch, apply_changes
from backend.services.devices import DeviceRegistry
from backend.services.server_clock import ServerClock
from backend.services.sync_checks import CheckedOp, Rejection, check_op
from sync.wire import SCHEMA_VERSION, OpResult, PushRequest, PushResponse


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
            now = self.clock.now_ms()
            applied = await self.db.write_unit(
                lambda conn: apply_changes(conn, account_id, request.device_id, batch, now),
                weight=len(checked),
                turn_of=account_id,
            )
            # From the commit to the reply only steps that cannot fail: the clock follows the
            # ops this batch acknowledged (never one it refused), the rest is building the reply.
            acknowledged = [c.hlc for c in checked if batch.status(c) != "rejected"]
            if acknowledged:
                self.clock.observe(max(acknowledged))
            if applied.judged:
                self.after_commit(account_id)
        for copy, first in batch.copies:
            settled = batch.results[first.index]
            assert settled is not None
            rejected = settled.status == "rejected"
            batch.settle(copy, "rejected" if rejected else "duplicate", settled.reason)
        return PushResponse(
            results=batch.settled(),
            server_hlc=self.clock.stamp().encode(),
            server_time_ms=self.clock.now_ms(),
        )

    def _check(self, request: PushRequest) -> ChangeBatch:
        now = self.clock.now_ms()
        batch = ChangeBatch(results=[None] * len(request.ops))
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
