"""Turn a set record's merged fields into its row in the query-friendly ``logged_set`` table."""

from __future__ import annotations

from typing import Any

import msgspec

from sync.merge import DELETED

# record field -> logged_set column
COLUMNS = {
    "exercise": "exercise",
    "side": "side",
    "reps": "reps",
    "weight_g": "weight_g",
    "rpe_x10": "rpe_x10",
    "eccentric_ms": "eccentric_ms",
    "performed_at": "performed_at_ms",
    "note": "note",
}


def project_sets(
    sets: dict[str, dict[str, tuple[str, str]]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """Split set records (field -> (hlc, canonical value)) into rows to upsert and ids to drop.

    A record exists iff it has a field and ``_deleted`` is not true (the sync contract).
    """
    upserts: list[dict[str, Any]] = []
    deletes: list[str] = []
    for set_id, fields in sets.items():
        deleted = DELETED in fields and msgspec.json.decode(fields[DELETED][1]) is True
        if not fields or deleted:
            deletes.append(set_id)
            continue
        row: dict[str, Any] = dict.fromkeys(COLUMNS.values())
        row["set_id"] = set_id
        for name, column in COLUMNS.items():
            if name in fields:
                row[column] = msgspec.json.decode(fields[name][1])
        upserts.append(row)
    return upserts, deletes
