"""Judge one account's imbalance alerts and write them as the server's own ``alert`` records.

The server is one more replica: its ops carry its HLC node id, go through the op log and the
field-state merge like a device's, and reach every device by pull. One transaction per account,
holding the account's sequence row, so concurrent evaluations never create an alert twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import partial

from backend.db import insight_store, sync_store
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.domain.alerts import reconcile
from backend.domain.limbs import involvement
from backend.domain.records import check_field
from backend.domain.strength import DayFigures, Limb, local_day
from backend.domain.symmetry import Alert, Injury, evaluate_days
from backend.services import alert_push, daily
from backend.services.changes import ChangeBatch, apply_changes
from backend.services.ports import Entropy
from backend.services.server_clock import ServerClock
from backend.services.sync_checks import CheckedOp
from sync.canon import Scalar, canon
from sync.ids import uuid7
from sync.wire import Op


class Insight:
    def __init__(
        self, db: Database, clock: ServerClock, entropy: Entropy, window_days: int
    ) -> None:
        self.db = db
        self.clock = clock
        self.entropy = entropy
        self.window_days = window_days

    async def evaluate(self, account_id: int) -> int:
        """Bring the account's alert records up to date; returns the number of ops written.

        Idempotent: judging an unchanged history on the same day writes nothing. A unit of
        work like a push: on SQLite it runs on the writer's thread and shares a push's commit.
        """
        written: int = await self.db.write_unit(
            lambda conn: self._judge(conn, account_id), turn_of=account_id
        )
        return written

    async def evaluate_all(self, account_ids: Sequence[int]) -> list[int | Exception]:
        """``evaluate`` for each account, in its place its number of ops written or the reason it
        failed (that account's unit alone is rolled back); on SQLite they share commits."""
        return await self.db.write_units(
            [
                (partial(self._judge, account_id=account_id), account_id)
                for account_id in account_ids
            ]
        )

    async def _judge(self, conn: Connection, account_id: int) -> int:
        # The account's turn first, as a push takes it, then its counter row.
        await sync_store.lock_account(conn, account_id)
        seq = await insight_store.lock_counter(conn, account_id)
        now = self.clock.now_ms()
        # An open alert on an exercise not trained within the window stands no more: the
        # reconciliation clears every open alert missing from what stands.
        changes = reconcile(
            await self.standing(conn, account_id, now),
            await insight_store.alert_records(conn, account_id),
            now,
        )
        writes: list[tuple[str, str, Scalar]] = list(changes.edits)
        created = []
        for fields in changes.new:
            record_id = uuid7(now, self.entropy.token_bytes(10))
            writes += [(record_id, field, value) for field, value in fields.items()]
            created.append((record_id, fields))
        if writes:
            seq = await self._write(conn, account_id, now, writes) or seq
            await alert_push.enqueue(conn, account_id, created, now)
        await insight_store.mark_evaluated(conn, account_id, seq, now)
        return len(writes)

    async def standing(self, conn: Connection, account_id: int, now_ms: int) -> list[Alert]:
        """The alerts the account's history supports today, over every recently trained exercise.

        A fixed number of reads whatever the number of exercises: the window's figures of all
        of them at once, and the pre-injury figures once per injured side.
        """
        zone = await daily.account_zone(conn, account_id)
        today = local_day(now_ms, zone)
        first = today - timedelta(days=self.window_days - 1)
        recent: dict[str, list[DayFigures]] = {}
        for f in await insight_store.figures_since(conn, account_id, first):
            recent.setdefault(f.exercise, [])
            if f.day <= today:
                recent[f.exercise].append(f)
        kinds = await insight_store.exercise_kinds(conn, account_id, list(recent))
        statuses = await insight_store.limb_statuses(conn, account_id)
        injuries = {e: involvement(statuses, kinds.get(e, "other")) for e in recent}
        # Exercises sharing an injured side and its start read their earlier figures together.
        earlier: dict[str, list[DayFigures]] = {}
        by_injury: dict[tuple[Limb, date], list[str]] = {}
        for exercise, involved in injuries.items():
            if involved is not None:
                key = (involved.side, min(first, involved.since))
                by_injury.setdefault(key, []).append(exercise)
        for (side, before), exercises in sorted(by_injury.items()):
            for f in await insight_store.side_figures_before(
                conn, account_id, exercises, side, before
            ):
                earlier.setdefault(f.exercise, []).append(f)
        standing: list[Alert] = []
        for exercise, figures in recent.items():
            involved = injuries[exercise]
            injury = None if involved is None else Injury(side=involved.side, since=involved.since)
            standing += evaluate_days(
                figures + earlier.get(exercise, []),
                exercise,
                today=today,
                injury=injury,
                window_days=self.window_days,
            )
        return standing

    async def _write(
        self, conn: Connection, account_id: int, now_ms: int, writes: list[tuple[str, str, Scalar]]
    ) -> int | None:
        """Write the alert fields as the server replica's ops; the sequence they took."""
        ops = []
        for index, (record_id, field, value) in enumerate(writes):
            check_field("alert", field, value)  # the server holds itself to the same whitelist
            hlc = self.clock.stamp()
            op = Op(uuid7(now_ms, self.entropy.token_bytes(10)), "alert", record_id, field, value,
                    hlc.encode())  # fmt: skip
            ops.append(CheckedOp(index=index, op=op, value=value, canon=canon(value), hlc=hlc))
        applied = await apply_changes(
            conn, account_id, self.clock.node, ChangeBatch.of(ops), now_ms, by_server=True
        )
        return applied.seq
