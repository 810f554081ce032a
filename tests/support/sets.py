"""Pushing realistic histories of sets over HTTP."""

from __future__ import annotations

from typing import Any

import msgspec

from backend.domain.strength import SetEntry
from tests.support.api import User, new_id


def set_ops(user: User, sets: list[SetEntry], wall_ms: int, exercise: str) -> list[Any]:
    """One new set record per entry, every field set, stamped at ``wall_ms``."""
    ops = []
    for s in sets:
        record = new_id(wall_ms)
        fields = msgspec.to_builtins(msgspec.structs.replace(s, exercise=exercise))
        ops += [user.op("set", record, f, v, wall_ms) for f, v in fields.items()]
    return ops


async def push_all(user: User, ops: list[Any]) -> None:
    for start in range(0, len(ops), 1000):
        response = await user.push(ops[start : start + 1000])
        assert response.status_code == 200, response.text
