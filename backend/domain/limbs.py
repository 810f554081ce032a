"""Which limb is involved: the user's ``limb_status`` records matched to an exercise's body part.

A limb marked injured or recovering is the involved side of every exercise of its kind (arm or
leg): its LSI becomes involved ÷ uninvolved and its plan switches to the other limb.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Literal

import msgspec

from backend.domain.strength import Limb

Status = Literal["injured", "recovering", "healthy"]
DEFAULT_SESSIONS_PER_WEEK = 3


class LimbStatus(msgspec.Struct, frozen=True, kw_only=True):
    """One ``limb_status`` record: ``limb`` is ``left_arm`` … ``right_leg``."""

    limb: str
    status: Status
    since: date
    sessions_per_week: int = DEFAULT_SESSIONS_PER_WEEK


class Involvement(msgspec.Struct, frozen=True, kw_only=True):
    side: Limb
    kind: str  # arm | leg
    status: Status  # injured | recovering
    since: date
    sessions_per_week: int


def current(statuses: Iterable[LimbStatus]) -> dict[str, LimbStatus]:
    """The standing status of each limb: the record with the latest ``since`` (ties: worst)."""
    rank = {"healthy": 0, "recovering": 1, "injured": 2}
    latest: dict[str, LimbStatus] = {}
    for s in statuses:
        held = latest.get(s.limb)
        if held is None or (s.since, rank[s.status]) > (held.since, rank[held.status]):
            latest[s.limb] = s
    return latest


def involvement(statuses: Iterable[LimbStatus], kind: str) -> Involvement | None:
    """The involved side for exercises of ``kind``; None when both limbs are healthy.

    If both sides are marked, the one marked most recently is the involved side: an LSI needs
    an uninvolved reference.
    """
    marked = [
        s
        for s in current(statuses).values()
        if s.status != "healthy" and s.limb.endswith(f"_{kind}")
    ]
    if not marked:
        return None
    s = max(marked, key=lambda m: (m.since, m.limb))
    side: Limb = "left" if s.limb.startswith("left") else "right"
    return Involvement(
        side=side,
        kind=kind,
        status=s.status,
        since=s.since,
        sessions_per_week=s.sessions_per_week,
    )
