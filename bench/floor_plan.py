"""What the floor (``bench.floor``) writes, worked out before its transaction: a push's rows
(``Plan``), its daily figures, and the SQL both engines' floors share with the server's rules
(the merge ``WHERE``, the set upsert, which sets count)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from backend.db.daily_rows import row_of
from backend.db.weekly import COLUMNS as WEEK_COLUMNS
from backend.domain.strength import SetEntry, daily_figures
from backend.domain.zone_days import zone_days
from sync.canon import canon
from sync.merge import merge_key
from sync.wire import Op

# Written out here, not imported from the server's projector: the floor is an independent
# statement of the same rows, so a wrong mapping on either side shows up as rows that differ.
SET_FIELDS = {
    "exercise": "exercise",
    "side": "side",
    "reps": "reps",
    "weight_g": "weight_g",
    "rpe_x10": "rpe_x10",
    "eccentric_ms": "eccentric_ms",
    "performed_at": "performed_at_ms",
    "note": "note",
}
SET_COLUMNS = ["set_id", "account_id", *SET_FIELDS.values(), "seq"]
MERGE = (
    "ON CONFLICT (record_id, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc, "
    "seq = excluded.seq WHERE field_state.account_id = excluded.account_id AND ("
    "excluded.hlc > field_state.hlc OR "
    "(excluded.hlc = field_state.hlc AND excluded.value > field_state.value))"
)
SET_UPSERT = "ON CONFLICT (set_id) DO UPDATE SET " + ", ".join(
    f"{c} = excluded.{c}" for c in SET_COLUMNS[2:]
)
COMPLETE = (
    "exercise IS NOT NULL AND side IS NOT NULL AND reps IS NOT NULL AND weight_g IS NOT NULL "
    "AND performed_at_ms IS NOT NULL AND NOT EXISTS (SELECT 1 FROM field_state w WHERE "
    "w.record_id = logged_set.set_id AND w.field = 'warmup' AND w.value = 'true')"
)
DAILY_COLUMNS = (
    "account_id, exercise, day, side, sets, volume, epley_e1rm_g, epley_weight_g, epley_reps, "
    "brzycki_e1rm_g, brzycki_weight_g, brzycki_reps"
)
# What ``rows`` compares, per table: every column but the device and the arrival time.
COMPARED = {
    "op_log": "op_id, account_id, record_type, record_id, field, value, hlc, seq",
    "field_state": "record_id, field, account_id, record_type, value, hlc, seq",
    "logged_set": ", ".join(SET_COLUMNS),
    "set_daily": DAILY_COLUMNS,
    "set_weekly": ", ".join(WEEK_COLUMNS),
}
WEEK_INSERT = f"INSERT INTO set_weekly ({', '.join(WEEK_COLUMNS)}) VALUES ({', '.join('?' * 8)})"
OPS_SQL = (
    "INSERT INTO op_log (op_id, account_id, device_id, record_type, record_id, field, value, hlc, "
    "seq, received_at_ms) VALUES ({}) ON CONFLICT (op_id) DO NOTHING"
)


class Plan:
    """The rows one push writes, worked out before the transaction opens.

    ``stored`` holds the columns of sets the account already has, as the floor last wrote
    them (``merged`` of earlier plans): the floor's ops are its accounts' only writes, each
    stamped after the last, so an op always wins over what is stored and an edit's
    ``logged_set`` row is the stored set with the edited fields.
    """

    def __init__(
        self,
        account_id: int,
        device_id: str,
        ops: Sequence[Op],
        now_ms: int,
        stored: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.account_id = account_id
        self.ops = [
            (
                op.op_id,
                account_id,
                device_id,
                op.record_type,
                op.record_id,
                op.field,
                canon(op.value),
                op.hlc,
                now_ms,
            )
            for op in ops
        ]
        self.records = sorted({(op.record_id, account_id, op.record_type) for op in ops})
        winners: dict[tuple[str, str], tuple[str, str, int, str, str, str]] = {}
        for row in self.ops:
            key, current = (row[4], row[5]), winners.get((row[4], row[5]))
            if current is None or merge_key(row[7], row[6]) > merge_key(current[5], current[4]):
                winners[key] = (row[4], row[5], account_id, row[3], row[6], row[7])
        self.fields = list(winners.values())
        stored = stored or {}
        # set id -> its columns after this push, and the columns before it of those stored
        self.merged: dict[str, dict[str, Any]] = {}
        self.before: dict[str, Mapping[str, Any]] = {}
        for record_id, field, _account, record_type, value, _hlc in self.fields:
            if record_type != "set" or field not in SET_FIELDS:
                continue
            if record_id not in self.merged:
                self.merged[record_id] = dict(stored.get(record_id, {}))
                if record_id in stored:
                    self.before[record_id] = stored[record_id]
            self.merged[record_id][SET_FIELDS[field]] = msgspec.json.decode(value)
        self.sets = [
            (set_id, account_id, *(values.get(c) for c in SET_FIELDS.values()))
            for set_id, values in self.merged.items()
        ]

    def days(self, zone: ZoneInfo) -> tuple[list[tuple[str, Any]], list[tuple[str, int, int]]]:
        """The (exercise, day) keys the touched sets left and joined, and the instant windows
        holding their sets."""
        days = zone_days(zone)
        placed = [*self.before.values(), *self.merged.values()]
        keys = sorted(
            {
                (row["exercise"], days.day(row["performed_at_ms"]))
                for row in placed
                if row.get("exercise") and row.get("performed_at_ms") is not None
            }
        )
        return keys, [(exercise, *days.bounds(day)) for exercise, day in keys]


def figures(
    account_id: int, zone: ZoneInfo, keys: list[tuple[str, Any]], sets: list[Any]
) -> list[tuple[Any, ...]]:
    wanted = set(keys)
    entries = [SetEntry(exercise=e, side=s, reps=r, weight_g=w, performed_at=at)
               for e, s, r, w, at in sets]  # fmt: skip
    return [
        row_of(account_id, f) for f in daily_figures(entries, zone) if (f.exercise, f.day) in wanted
    ]
