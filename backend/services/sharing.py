"""Clinician sharing: share codes, the patient's grants and access log, the clinician's reads.

Every clinician read checks its grant in the same transaction that appends the read to the
patient's access log, so a revoked grant or an erased account stops the very next request on
any worker, and nothing is shown that is not logged. Clinicians get no write to anything of the
patient's: these are the only routes that reach another account's data, and all of them read.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import msgspec

from backend.db import sharing
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.db.sharing import PatientRow
from backend.domain.charts import Chart
from backend.domain.errors import Conflict, InvalidInput, NotFound
from backend.domain.hq import Hq as Hq  # the patient route returns it
from backend.domain.sharing import (
    CODE_LENGTH,
    CODE_TTL_MS,
    SCOPE_TEXT,
    SCOPES,
    VIEW_KIND,
    Scope,
    check_name,
    code_key,
    display,
    label,
    new_code,
    parse_code,
)
from backend.domain.strength import local_day
from backend.domain.triage import ListSummary, Summary, triage_key
from backend.services import patient_summary
from backend.services.ports import Entropy, WallClock
from backend.services.throttle import Throttle

LOG_LIMIT = 200
SETS_SHOWN = 100


class Built(NamedTuple):
    """A summary rebuilt from the patient's history at sync sequence ``seq``, as stored."""

    seq: int
    day: str
    body: str  # JSON


class ShareCodeView(msgspec.Struct, frozen=True, kw_only=True):
    code: str  # XXXX-XXXX-XXXX
    expires_at_ms: int


class ScopeChoice(msgspec.Struct, frozen=True, kw_only=True):
    scope: Scope
    shows: str


class CodePreview(msgspec.Struct, frozen=True, kw_only=True):
    clinician: str  # name <email>, as the clinician will appear in the log
    expires_at_ms: int
    scopes: tuple[ScopeChoice, ...]


class GrantView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    clinician: str
    scope: Scope
    shows: str
    created_at_ms: int
    updated_at_ms: int


class AccessEntry(msgspec.Struct, frozen=True, kw_only=True):
    clinician: str
    kind: str  # granted | scope_changed | revoked | ended | viewed_list | viewed_summary | …
    detail: str | None
    at_ms: int


class PatientItem(msgspec.Struct, frozen=True, kw_only=True):
    patient_id: int
    email: str
    scope: Scope
    granted_at_ms: int
    summary: ListSummary


class LoggedSetView(msgspec.Struct, frozen=True, kw_only=True):
    exercise: str | None
    side: str | None
    reps: int | None
    weight_g: int | None
    rpe_x10: int | None
    performed_at_ms: int | None
    note: str | None


class PatientDetail(msgspec.Struct, frozen=True, kw_only=True):
    patient_id: int
    email: str
    scope: Scope
    time_zone: str
    summary: Summary
    hq: Hq
    charts: tuple[Chart, ...]
    sets: tuple[LoggedSetView, ...] | None  # only under the summary_sets scope


@lru_cache(maxsize=64)
def _today(zone: str, now: int) -> str:
    """The local day in ``zone`` (a list of 200 patients asks for a few zones at one instant)."""
    return local_day(now, ZoneInfo(zone)).isoformat()


def _scope(value: str) -> Scope:
    if value not in SCOPES:
        raise InvalidInput("scope must be summary or summary_sets", code="bad_scope")
    return value


def _grant_view(row: sharing.GrantRow) -> GrantView:
    scope = _scope(row.scope)
    return GrantView(
        id=row.id,
        clinician=row.clinician_label,
        scope=scope,
        shows=SCOPE_TEXT[scope],
        created_at_ms=row.created_at_ms,
        updated_at_ms=row.updated_at_ms,
    )


class Sharing:
    def __init__(self, db: Database, wall: WallClock, entropy: Entropy, throttle: Throttle) -> None:
        self.db = db
        self.wall = wall
        self.entropy = entropy
        self.throttle = throttle

    # The clinician's side.

    async def create_code(self, clinician_id: int, name: str | None) -> ShareCodeView:
        name = check_name(name)
        now = self.wall.now_ms()
        code = new_code(self.entropy.token_bytes(CODE_LENGTH))
        async with self.db.write() as conn:
            await sharing.insert_code(
                conn, code_key(code), clinician_id, name, now, now + CODE_TTL_MS
            )
        return ShareCodeView(code=display(code), expires_at_ms=now + CODE_TTL_MS)

    async def patients(self, clinician_id: int) -> list[PatientItem]:
        """The granted patients, those needing attention first; each listing is logged.

        Summaries that are out of date are rebuilt outside the writer (they only read), then
        the grants are read again in the transaction that logs the listing."""
        now = self.wall.now_ms()
        async with self.db.write() as conn:
            rows = await sharing.patients(conn, clinician_id)
            if all(self._current(row, now) for row in rows):
                return await self._list(conn, clinician_id, rows, {}, now)
        built: dict[int, Built] = {}
        async with self.db.read() as conn:
            for row in await sharing.patients(conn, clinician_id):
                if not self._current(row, now):
                    built[row.patient_id] = await self._build(conn, row, now)
        async with self.db.write() as conn:
            for patient_id, fresh in built.items():
                await sharing.save_summary(conn, patient_id, fresh.seq, fresh.day, fresh.body)
            rows = await sharing.patients(conn, clinician_id)
            return await self._list(conn, clinician_id, rows, built, now)

    async def _list(
        self,
        conn: Connection,
        clinician_id: int,
        rows: list[PatientRow],
        built: dict[int, Built],
        now: int,
    ) -> list[PatientItem]:
        items = []
        for row in rows:
            body = built[row.patient_id].body if row.patient_id in built else row.summary
            if body is None:  # granted a moment ago, between the two transactions
                body = (await self._build(conn, row, now)).body
            items.append(
                PatientItem(
                    patient_id=row.patient_id,
                    email=row.email,
                    scope=_scope(row.scope),
                    granted_at_ms=row.granted_at_ms,
                    summary=patient_summary.decode_listed(body),
                )
            )
        events = [
            (r.patient_id, clinician_id, r.clinician_label, "viewed_list", None, now) for r in rows
        ]
        await sharing.append_events(conn, events)
        return sorted(items, key=lambda i: triage_key(i.summary.attention, i.email))

    async def patient(self, clinician_id: int, patient_id: int) -> PatientDetail:
        """One patient's view, read outside the writer; then the grant is read again in the
        transaction that logs the read, and what is shown follows the grant as it is then."""
        now = self.wall.now_ms()
        async with self.db.read() as conn:
            row = await self._granted(conn, clinician_id, patient_id)
            detail = await self._detail(conn, row, now)
        async with self.db.write() as conn:
            row = await self._granted(conn, clinician_id, patient_id)
            if row.scope != detail.scope:  # changed in between: show what it allows now
                detail = await self._detail(conn, row, now)
            event = (patient_id, clinician_id, row.clinician_label, VIEW_KIND[detail.scope],
                     None, now)  # fmt: skip
            await sharing.append_events(conn, [event])
        return detail

    async def _granted(self, conn: Connection, clinician_id: int, patient_id: int) -> PatientRow:
        rows = await sharing.patients(conn, clinician_id, patient_id)
        if not rows:
            raise NotFound("no patient of yours has this id", code="no_grant")
        return rows[0]

    async def _detail(self, conn: Connection, row: PatientRow, now: int) -> PatientDetail:
        scope = _scope(row.scope)
        if row.summary is not None and self._current(row, now):
            summary = patient_summary.decode(row.summary)
        else:
            summary = patient_summary.decode((await self._build(conn, row, now)).body)
        today = local_day(now, ZoneInfo(row.time_zone))
        exercises = [e.exercise for e in summary.exercises]
        sets = None
        if scope == "summary_sets":
            found = await sharing.recent_sets(conn, row.patient_id, SETS_SHOWN)
            sets = tuple(LoggedSetView(**r._asdict()) for r in found)
        return PatientDetail(
            patient_id=row.patient_id,
            email=row.email,
            scope=scope,
            time_zone=row.time_zone,
            summary=summary,
            hq=await patient_summary.leg_ratio(conn, row.patient_id, today),
            charts=tuple(await patient_summary.charts(conn, row.patient_id, exercises, today)),
            sets=sets,
        )

    async def _build(self, conn: Connection, row: PatientRow, now: int) -> Built:
        zone = ZoneInfo(row.time_zone)
        today = local_day(now, zone)
        summary = await patient_summary.build(conn, row.patient_id, zone, today)
        return Built(row.seq, today.isoformat(), patient_summary.encode(summary))

    @staticmethod
    def _current(row: PatientRow, now: int) -> bool:
        return row.summary_seq == row.seq and row.summary_day == _today(row.time_zone, now)

    # The patient's side.

    async def preview(self, patient_id: int, typed: str, address: str) -> CodePreview:
        """Who will see what, before the patient grants anything."""
        await self.throttle.share_code(address, patient_id)
        key = code_key(parse_code(typed))
        async with self.db.read() as conn:
            found = await self._usable(conn, key, patient_id)
        return CodePreview(
            clinician=label(found.name, found.email),
            expires_at_ms=found.expires_at_ms,
            scopes=tuple(ScopeChoice(scope=s, shows=SCOPE_TEXT[s]) for s in SCOPES),
        )

    async def grant(self, patient_id: int, typed: str, scope: str, address: str) -> GrantView:
        chosen = _scope(scope)
        await self.throttle.share_code(address, patient_id)
        key = code_key(parse_code(typed))
        now = self.wall.now_ms()
        async with self.db.write() as conn:
            found = await self._usable(conn, key, patient_id)
            if not await sharing.use_code(conn, key, now):
                raise Conflict("this share code was used a moment ago", code="code_used")
            who = label(found.name, found.email)
            held = await sharing.grant_between(conn, patient_id, found.clinician_id)
            if held is None:
                grant_id = await sharing.insert_grant(
                    conn, patient_id, found.clinician_id, who, chosen, now
                )
                kind = "granted"
            else:
                grant_id = held.id
                await sharing.update_grant(conn, grant_id, who, chosen, now)
                kind = "scope_changed"
            event = (patient_id, found.clinician_id, who, kind, chosen, now)
            await sharing.append_events(conn, [event])
            row = await sharing.grant(conn, patient_id, grant_id)
        assert row is not None
        return _grant_view(row)

    async def _usable(self, conn: Connection, key: str, patient_id: int) -> sharing.CodeRow:
        found = await sharing.code(conn, key)
        now = self.wall.now_ms()
        if found is None:
            raise NotFound(
                "no share code matches; check it with the clinician who gave it",
                code="code_unknown",
            )
        if found.used_at_ms is not None:
            raise Conflict(
                "this share code was already used; ask the clinician for a new one",
                code="code_used",
            )
        if found.expires_at_ms <= now:
            day = datetime.fromtimestamp(found.expires_at_ms / 1000, UTC).date()
            raise InvalidInput(
                f"this share code expired on {day.isoformat()}; ask the clinician for a new one",
                code="code_expired",
            )
        if found.clinician_id == patient_id:
            raise InvalidInput("this is your own share code", code="own_code")
        return found

    async def grants(self, patient_id: int) -> list[GrantView]:
        async with self.db.read() as conn:
            return [_grant_view(row) for row in await sharing.grants(conn, patient_id)]

    async def change_scope(self, patient_id: int, grant_id: int, scope: str) -> GrantView:
        chosen = _scope(scope)
        now = self.wall.now_ms()
        async with self.db.write() as conn:
            row = await self._own_grant(conn, patient_id, grant_id)
            await sharing.update_grant(conn, grant_id, row.clinician_label, chosen, now)
            event = (
                patient_id,
                row.clinician_id,
                row.clinician_label,
                "scope_changed",
                chosen,
                now,
            )
            await sharing.append_events(conn, [event])
            changed = await sharing.grant(conn, patient_id, grant_id)
        assert changed is not None
        return _grant_view(changed)

    async def revoke(self, patient_id: int, grant_id: int) -> None:
        now = self.wall.now_ms()
        async with self.db.write() as conn:
            row = await self._own_grant(conn, patient_id, grant_id)
            await sharing.delete_grant(conn, grant_id)
            event = (patient_id, row.clinician_id, row.clinician_label, "revoked", None, now)
            await sharing.append_events(conn, [event])

    async def _own_grant(
        self, conn: Connection, patient_id: int, grant_id: int
    ) -> sharing.GrantRow:
        row = await sharing.grant(conn, patient_id, grant_id)
        if row is None:
            raise NotFound("you have no grant with this id", code="no_grant")
        return row

    async def access_log(self, patient_id: int) -> list[AccessEntry]:
        async with self.db.read() as conn:
            rows = await sharing.events(conn, patient_id, LOG_LIMIT)
        return [
            AccessEntry(clinician=r.clinician_label, kind=r.kind, detail=r.detail, at_ms=r.at_ms)
            for r in rows
        ]

    async def own_hq(self, account_id: int) -> Hq:
        async with self.db.read() as conn:
            zone = ZoneInfo(await sharing.time_zone(conn, account_id))
            today = local_day(self.wall.now_ms(), zone)
            return await patient_summary.leg_ratio(conn, account_id, today)


async def end_as_clinician(conn: Connection, clinician_id: int, now: int) -> None:
    """An erased account's grants as a clinician end, each noted in its patient's log."""
    ended = await sharing.clinician_grants(conn, clinician_id)
    await sharing.append_events(
        conn, [(patient, clinician_id, who, "ended", None, now) for patient, who in ended]
    )
    await sharing.erase_clinician(conn, clinician_id)
