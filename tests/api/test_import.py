"""Importing Strong, Hevy and FitNotes exports: every format and variant from fixtures written
from the published headers, sides from hints and choices, warm-ups, twice equals once, and bad
files refused without a change."""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator

import pytest
from litestar import Litestar
from sqlalchemy import text

from tests.conftest import open_client
from tests.support.api import User, sign_up, snapshot
from tests.support.imports import (
    commit,
    fields_of,
    fixture,
    import_file,
    plan_for,
    preview,
    sets_of,
)

EMAIL = "importer@example.com"


@pytest.fixture
async def user(app: Litestar) -> AsyncIterator[User]:
    async with open_client(app) as client:
        yield await sign_up(client, EMAIL)


# file -> (format, sets, skipped by reason, warm-ups)
EXPECTED = {
    "strong.csv": ("strong", 8, {"rest_timer": 1, "no_reps": 2}, 1),
    "strong_legacy.csv": ("strong_legacy", 4, {"rest_timer": 1, "no_reps": 1}, 1),
    "strong_legacy_duration.csv": ("strong_legacy", 2, {}, 0),
    "hevy_kg.csv": ("hevy", 4, {"no_reps": 1}, 1),
    "hevy_lbs.csv": ("hevy", 3, {}, 0),
    "fitnotes_kgs.csv": ("fitnotes", 3, {"no_reps": 1}, 0),
    "fitnotes_lbs.csv": ("fitnotes", 2, {}, 0),
    "fitnotes_comment.csv": ("fitnotes", 3, {}, 0),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_every_set_row_is_imported_exactly_once(app: Litestar, user: User, name: str) -> None:
    fmt, sets, skipped, warmups = EXPECTED[name]
    response = await preview(user, fixture(name))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["format"], body["sets"], body["skipped_by_reason"], body["warmups"]) == (
        fmt, sets, skipped, warmups
    )  # fmt: skip
    assert await sets_of(app, EMAIL) == []  # a preview changes nothing
    done = await import_file(user, fixture(name))
    rows = await sets_of(app, EMAIL)
    assert len(rows) == sets == done["sets"]
    again = await import_file(user, fixture(name))
    assert again["ops_applied"] == 0
    assert again["ops_duplicate"] > 0
    assert len(await sets_of(app, EMAIL)) == sets


async def test_strong_values_sides_and_warmups(app: Litestar, user: User) -> None:
    await import_file(user, fixture("strong.csv"), side="alternate", unit="lb")
    records = await fields_of(app, EMAIL)
    press = sorted(
        (r for r in records.values() if r.get("exercise") == "single-leg-press"),
        key=lambda r: r["performed_at"],
    )
    # W, 1 (note "left"), 2 (note "right"), 3 (no hint: alternating by place, 4th -> right)
    assert [(r["side"], r["reps"], r["weight_g"]) for r in press] == [
        ("left", 10, 18144),
        ("left", 8, 36287),
        ("right", 8, 31751),
        ("right", 7, 36287),
    ]
    assert [r.get("warmup", False) for r in press] == [True, False, False, False]
    assert [r.get("rpe_x10") for r in press] == [None, 80, 85, None]
    squats = {r["side"] for r in records.values() if r.get("exercise") == "bulgarian-split-squat"}
    assert squats == {"left", "right"}  # from "(Left)" / "(Right)" in the exercise name
    curl = [r for r in records.values() if r.get("name") == "Bicep Curl (Dumbbell)"]
    assert len(curl) == 1
    assert curl[0]["_type"] == "exercise"
    notes = {
        r.get("note")
        for r in records.values()
        if r.get("exercise")
        == next(iter({k for k, v in records.items() if v.get("name") == "Bicep Curl (Dumbbell)"}))
    }
    assert 'He said "go, go; go"' in notes
    # The warm-up is kept but counts neither toward the day's best nor the volume.
    async with app.state.services.db.read() as conn:
        daily = (
            await conn.execute(
                text("SELECT side, sets, volume FROM set_daily WHERE exercise = :e ORDER BY side"),
                {"e": "single-leg-press"},
            )
        ).all()
    assert [tuple(row) for row in daily] == [
        ("left", 1, 36287 * 8),
        ("right", 2, 31751 * 8 + 36287 * 7),
    ]


async def test_sides_chosen_per_exercise(app: Litestar, user: User) -> None:
    body = (await preview(user, fixture("fitnotes_kgs.csv"))).json()
    for side in ("left", "right", "both"):
        plan = plan_for(body, side)
        status, events = await commit(user, fixture("fitnotes_kgs.csv"), plan)
        assert status == 200
        assert events[-1]["type"] == "done"
        if side == "left":
            assert {r["side"] for r in await sets_of(app, EMAIL)} == {"left"}
    # Importing again with another choice adds nothing: the same rows are the same sets.
    assert len(await sets_of(app, EMAIL)) == 3


async def test_a_plan_must_cover_every_exercise(app: Litestar, user: User) -> None:
    before = await snapshot(app)
    status, events = await commit(user, fixture("strong.csv"), {"exercises": []})
    assert status == 422
    assert events[0]["code"] == "plan_incomplete"
    bad = plan_for((await preview(user, fixture("strong.csv"))).json())
    bad["exercises"][0]["target"] = "no-such-exercise"
    status, events = await commit(user, fixture("strong.csv"), bad)
    assert status == 422
    assert events[0]["code"] == "invalid_plan"
    assert await snapshot(app) == before


async def test_impossible_values_are_reported_by_line(app: Litestar, user: User) -> None:
    body = (await preview(user, fixture("strong_impossible.csv"))).json()
    assert body["sets"] == 1
    assert [(s["line"], s["reason"]) for s in body["skipped"]] == [
        (3, "negative_weight"),
        (4, "reps_out_of_range"),
        (5, "date_out_of_range"),
        (6, "rpe_out_of_range"),
        (7, "bad_number"),
        (8, "columns"),
    ]
    await import_file(user, fixture("strong_impossible.csv"))
    assert [(r["reps"], r["weight_g"]) for r in await sets_of(app, EMAIL)] == [(8, 80000)]


async def test_utf16_and_latin1_are_read_correctly(app: Litestar, user: User) -> None:
    text_ = (
        fixture("fitnotes_kgs.csv")
        .decode()
        .replace("Single Leg Calf Raise", "Wadenheben einbeinig (Übung)")
    )
    for data, encoding in (
        (codecs.BOM_UTF16_LE + text_.encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF16_BE + text_.encode("utf-16-be"), "UTF-16"),
        (text_.encode("cp1252"), "Windows-1252 (Latin-1)"),
    ):
        body = (await preview(user, data)).json()
        assert body["encoding"] == encoding
        assert [e["name"] for e in body["exercises"]] == ["Wadenheben einbeinig (Übung)"]
        assert body["sets"] == 3


BAD_FILES = {
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), 422, "not_csv"),
    "utf16_without_bom": ("Date,Exercise\n".encode("utf-16-le"), 422, "unknown_encoding"),
    "undefined_bytes": (b"Date,Exercise\n\x81\x8d", 422, "unknown_encoding"),
    "unknown_header": (b"when,what,how much\n2024-01-01,squat,100\n", 422, "unknown_format"),
    "empty": (b"  \n", 422, "empty_file"),
    "huge_field": (
        fixture("fitnotes_kgs.csv") + b'2024-02-01,"' + b"x" * 200_000 + b'",Legs,1,1,,,\n',
        422,
        "field_too_large",
    ),
    "bad_quoting": (
        fixture("fitnotes_kgs.csv") + b'2024-02-01,"Calf"x,Legs,1,1,,,\n',
        422,
        "not_csv",
    ),
    "too_large": (fixture("fitnotes_kgs.csv") + b"x" * (21 * 1024 * 1024), 413, "body_too_large"),
    "bad_json": (b'{"format": "sidewise", "version": 1}', 422, "not_sidewise_json"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
async def test_bad_files_are_refused_and_change_nothing(
    app: Litestar, user: User, name: str
) -> None:
    data, status, code = BAD_FILES[name]
    before = await snapshot(app)
    response = await preview(user, data)
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    got, events = await commit(user, data, {"exercises": []})
    assert (got, events[0]["code"]) == (status, code)
    assert await snapshot(app) == before


async def test_import_needs_a_session_and_a_file(app: Litestar, user: User) -> None:
    async with open_client(app) as stranger:
        await stranger.get("/api/me")
        csrf = {"x-csrftoken": stranger.cookies.get("csrftoken") or ""}
        response = await stranger.post(
            "/api/import/preview", files={"file": ("a.csv", fixture("strong.csv"))}, headers=csrf
        )
        assert response.status_code == 401
        assert (await stranger.get("/api/export/sets.csv")).status_code == 401
    response = await user.client.post("/api/import/preview", data={"unit": "kg"}, headers=user.csrf)
    assert response.status_code == 415  # a form without a file is not multipart
    response = await user.client.post(
        "/api/import/preview",
        data={"unit": "kg"},
        files={"other": ("a.csv", b"x")},
        headers=user.csrf,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "no_file"
    response = await user.client.post(
        "/api/import/preview",
        files={"file": ("a.csv", b"x")},
        data={"unit": "stone"},
        headers=user.csrf,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_unit"
