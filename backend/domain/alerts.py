"""Alerts as records: turning the alerts that stand now into edits of the stored ``alert`` records.

One open record per (kind, exercise, side). A standing alert with no open record becomes a new
record; an open record whose alert no longer stands is cleared (kept, with ``cleared_at``, so
history shows it); an open record whose numbers moved is updated in place and keeps the user's
acknowledgement.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from backend.domain.symmetry import Alert

Scalar = int | str | bool | None
Key = tuple[str, str, str]  # (kind, exercise, side)
# The fields re-written while an alert stands (the rest are fixed at creation).
_LIVE = ("value_x10", "window", "message")


class AlertRecord(msgspec.Struct, frozen=True, kw_only=True):
    """A stored alert, as far as reconciling needs it."""

    record_id: str
    kind: str
    exercise: str
    side: str
    value_x10: int
    window: str
    message: str
    created_at: int
    cleared_at: int | None


class Changes(msgspec.Struct, frozen=True, kw_only=True):
    new: tuple[dict[str, Scalar], ...]  # every field of each new alert record
    edits: tuple[tuple[str, str, Scalar], ...]  # (record_id, field, value)


def live_fields(alert: Alert) -> dict[str, Scalar]:
    return {
        "value_x10": alert.value_x10,
        "window": f"{alert.window_start.isoformat()}/{alert.window_end.isoformat()}",
        "message": alert.message,
    }


def reconcile(standing: Iterable[Alert], records: Iterable[AlertRecord], now_ms: int) -> Changes:
    """The edits that make the stored alerts say what ``standing`` says."""
    open_by_key: dict[Key, AlertRecord] = {}
    edits: list[tuple[str, str, Scalar]] = []
    for record in sorted(records, key=lambda r: (r.created_at, r.record_id)):
        if record.cleared_at is not None:
            continue
        key = (record.kind, record.exercise, record.side)
        older = open_by_key.get(key)
        if older is not None:  # two devices' worth of history merged: keep the newest open
            edits.append((older.record_id, "cleared_at", now_ms))
        open_by_key[key] = record

    new: list[dict[str, Scalar]] = []
    standing_keys: set[Key] = set()
    for alert in standing:
        key = (alert.kind, alert.exercise, alert.side)
        standing_keys.add(key)
        live = live_fields(alert)
        current = open_by_key.get(key)
        if current is None:
            new.append(
                {
                    "kind": alert.kind,
                    "exercise": alert.exercise,
                    "side": alert.side,
                    **live,
                    "created_at": now_ms,
                    "cleared_at": None,
                    "acknowledged": False,
                }
            )
            continue
        stored = {
            "value_x10": current.value_x10,
            "window": current.window,
            "message": current.message,
        }
        edits += [(current.record_id, f, live[f]) for f in _LIVE if stored[f] != live[f]]
    edits += [
        (record.record_id, "cleared_at", now_ms)
        for key, record in open_by_key.items()
        if key not in standing_keys
    ]
    return Changes(new=tuple(new), edits=tuple(edits))
