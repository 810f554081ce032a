"""Export: any history round-trips through the CSV with every side and quantity intact; the
JSON document imports into a fresh account as identical records; importing twice equals once."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from sqlalchemy import text

from backend.domain.catalogue import CATALOGUE_IDS
from backend.domain.records import EARLIEST_MS, LATEST_MS
from backend.services.exporter import LocalTimes
from tests.conftest import open_client
from tests.support.api import PASSWORD, User, new_id, sign_up
from tests.support.imports import fields_of, import_file
from tests.support.sets import push_all

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NOW = int(time.time() * 1000)
texts = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029"),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: __import__("unicodedata").normalize("NFC", s).strip())
    .filter(bool)
)
set_fields = st.fixed_dictionaries(
    {
        "exercise": st.sampled_from(sorted(CATALOGUE_IDS)[:4]),
        "side": st.sampled_from(["left", "right", "both"]),
        "reps": st.integers(0, 1000),
        "weight_g": st.integers(0, 1_000_000),
        "performed_at": st.integers(EARLIEST_MS, min(LATEST_MS, NOW)),
    },
    optional={
        "rpe_x10": st.none() | st.integers(10, 100),
        "eccentric_ms": st.none() | st.integers(0, 60_000),
        "note": st.none() | texts | st.just('a "quoted", semi;colon\tnote'.replace("\t", " ")),
        "warmup": st.booleans(),
    },
)


async def push_records(user: User, records: list[tuple[str, dict[str, Any]]]) -> dict[str, str]:
    ops, ids = [], {}
    for record_type, fields in records:
        record_id = new_id(NOW)
        ids[record_id] = record_type
        ops += [user.op(record_type, record_id, f, v, NOW) for f, v in fields.items()]
    await push_all(user, ops)
    return ids


def _ms_of(text: str) -> int:
    return int(Decimal(text) * 1000) if text else 0


@EXAMPLES
@given(sets=st.lists(set_fields, max_size=25))
async def test_any_history_round_trips_through_csv(
    app: Litestar, sets: list[dict[str, Any]]
) -> None:
    async with open_client(app) as client:
        user = await sign_up(client, f"{new_id(NOW)}@example.com")
        ids = await push_records(user, [("set", s) for s in sets])
        response = await client.get("/api/export/sets.csv")
        assert response.status_code == 200
        assert response.headers["content-disposition"].startswith("attachment;")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert "side" in (
            rows[0].keys() if rows else csv.DictReader(io.StringIO(response.text)).fieldnames or []
        )
        got = {
            row["set_id"]: {
                "exercise": row["exercise_id"],
                "side": row["side"],
                "reps": int(row["reps"]),
                "weight_g": _ms_of(row["weight_kg"]),
                "rpe_x10": int(Decimal(row["rpe"]) * 10) if row["rpe"] else None,
                "eccentric_ms": _ms_of(row["eccentric_s"]) if row["eccentric_s"] else None,
                "note": row["note"] or None,
                "warmup": row["warmup"] == "yes",
                "second": row["date"] + " " + row["time"],
            }
            for row in rows
        }
        assert set(got) == set(ids)
        for record_id, fields in zip(ids, sets, strict=True):
            want = {
                "exercise": fields["exercise"],
                "side": fields["side"],
                "reps": fields["reps"],
                "weight_g": fields["weight_g"],
                "rpe_x10": fields.get("rpe_x10"),
                "eccentric_ms": fields.get("eccentric_ms"),
                "note": fields.get("note"),
                "warmup": fields.get("warmup", False),
            }
            row = got[record_id]
            second = row.pop("second")
            assert row == want
            assert second == time.strftime(
                "%Y-%m-%d %H:%M:%S", time.gmtime(fields["performed_at"] // 1000)
            )


async def test_export_json_imports_into_a_fresh_account_as_identical_records(app: Litestar) -> None:
    async with open_client(app) as first, open_client(app) as second:
        source = await sign_up(first, "source@example.com")
        exercise = new_id(NOW)
        ops = [source.op("exercise", exercise, f, v, NOW) for f, v in
               {"name": "Cable kickback", "limb": "leg", "unilateral": True}.items()]  # fmt: skip
        await push_all(source, ops)
        records = [
            ("set", {"exercise": exercise, "side": "left", "reps": 8, "weight_g": 20000,
                     "performed_at": NOW - 86_400_000, "warmup": True, "note": "ünïcødé, \"q\""}),
            ("set", {"exercise": "single-leg-press", "side": "right", "reps": 5,
                     "weight_g": 100500, "performed_at": NOW - 3_600_000, "rpe_x10": 85}),
            ("limb_status", {"limb": "left_leg", "status": "injured", "since": "2026-01-03"}),
            ("reminder", {"weekdays": 5, "local_time": "07:30", "tz": "Europe/Berlin",
                          "limb": "right_leg", "exercises": f"single-leg-press,{exercise}",
                          "enabled": True}),
        ]  # fmt: skip
        await push_records(source, records)
        deleted = new_id(NOW)
        await push_all(source, [source.op("set", deleted, "reps", 3, NOW),
                                source.op("set", deleted, "_deleted", True, NOW + 1)])  # fmt: skip
        document = (await first.get("/api/export/records.json")).content
        parsed = json.loads(document)
        assert parsed["format"] == "sidewise"
        assert len(parsed["records"]) == 5
        want = await fields_of(app, "source@example.com")
        assert deleted not in want

        # Into a second account while the first still holds the ids: ids move, references too.
        target = await sign_up(second, "target@example.com")
        done = await import_file(target, document)
        assert done["records"] == 5
        got = await fields_of(app, "target@example.com")
        assert _by_content(got) == _by_content(want)
        again = await import_file(target, document)
        assert again["ops_applied"] == 0
        assert await fields_of(app, "target@example.com") == got

        # The account deleted, a fresh one gets the very same records, ids included.
        response = await first.request(
            "DELETE", "/api/me", json={"password": PASSWORD}, headers=source.csrf
        )
        assert response.status_code == 204, response.text
        async with open_client(app) as third:
            fresh = await sign_up(third, "fresh@example.com")
            await import_file(fresh, document)
            assert await fields_of(app, "fresh@example.com") == want


def _by_content(records: dict[str, dict[str, Any]]) -> list[str]:
    """Records with ids replaced by the content they name (ids differ between accounts)."""
    names = {rid: f.get("name", rid) for rid, f in records.items()}

    def rename(fields: dict[str, Any]) -> str:
        out = dict(fields)
        if "exercise" in out:
            out["exercise"] = names.get(out["exercise"], out["exercise"])
        if "exercises" in out:
            out["exercises"] = ",".join(names.get(p, p) for p in out["exercises"].split(","))
        return json.dumps(out, sort_keys=True)

    return sorted(rename(fields) for fields in records.values())


strong_rows = st.lists(
    st.tuples(
        st.integers(0, 3),  # workout day
        st.sampled_from(["Single Leg Press (Machine)", "Row (Left)", "Curl"]),
        st.sampled_from(["W", "1", "2", "3", "D"]),
        st.decimals(0, 300, places=2),
        st.integers(0, 30),
        st.sampled_from(["", "left", "R", 'say "hi", ok']),
    ),
    max_size=30,
)


@EXAMPLES
@given(rows=strong_rows, side=st.sampled_from(["left", "right", "both", "alternate"]))
async def test_importing_twice_equals_importing_once(
    app: Litestar, rows: list[Any], side: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
                     "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE"])  # fmt: skip
    for day, name, order, weight, reps, note in rows:
        writer.writerow([f"2024-05-0{day + 1} 18:00:00", "W", "1h", name, order, weight, reps,
                         "", "", note, "", ""])  # fmt: skip
    data = buffer.getvalue().encode()
    async with open_client(app) as client:
        user = await sign_up(client, f"{new_id(NOW)}@example.com")
        await import_file(user, data, side=side)
        once = await fields_of(app, user.email)
        logged = await op_count(app, user.email)
        assert sum(f["_type"] == "set" for f in once.values()) == sum(r[4] > 0 for r in rows)
        done = await import_file(user, data, side=side)
        assert done["ops_applied"] == 0
        assert await fields_of(app, user.email) == once
        assert await op_count(app, user.email) == logged  # not even the op log grows


async def op_count(app: Litestar, email: str) -> int:
    sql = "SELECT count(*) FROM op_log o JOIN account a ON a.id = o.account_id WHERE a.email = :e"
    async with app.state.services.db.read() as conn:
        return int((await conn.execute(text(sql), {"e": email})).scalar_one())


# Offset changes on half and quarter hours (UTC): Lord Howe's and St John's DST starts.
STEPS = [1_728_142_200_000, 1_710_048_600_000]


@settings(max_examples=300, deadline=None)
@given(
    at=st.integers(EARLIEST_MS, LATEST_MS)
    | st.sampled_from(STEPS).flatmap(lambda t: st.integers(t - 3_600_000, t + 3_600_000)),
    zone=st.sampled_from(
        [
            "Europe/Berlin",
            "America/St_Johns",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "UTC",
        ]
    ),
)
def test_export_local_times_equal_zoneinfo(at: int, zone: str) -> None:
    local = datetime.fromtimestamp(at // 1000, ZoneInfo(zone)).isoformat()
    assert LocalTimes(ZoneInfo(zone)).parts(at) == (local[:10], local[11:19], local[19:])
