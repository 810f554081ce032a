"""Bad input gets a clear 4xx problem response and changes nothing (DESIGN.md §7).

Every row sends raw bytes, so the JSON encoder of the test client cannot tidy anything up, and
compares a snapshot of the stored state before and after: one bad request per row makes "nothing
changed" exact. The last test throws every body of the table at every POST endpoint: never a 5xx.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text

from sync.hlc import Hlc
from tests.support.api import PASSWORD, User, new_id, snapshot

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"
LOGIN = "/api/auth/login"
SIGNUP = "/api/auth/signup"
POST_ENDPOINTS = (PUSH, PULL, "/api/devices", LOGIN, SIGNUP)
PROBLEM = "application/problem+json"
SYNC_MAX_BODY = 256 * 1024  # the default limit elsewhere is 64 KiB
INT64_MIN = -(2**63)
UUID4 = "0b9c7f64-3f0e-4c4e-9b1a-7d2f6f0a9e11"
RAW = "@@raw@@"


@dataclass
class Ctx:
    app: Litestar
    a: User
    b: User
    anon: User  # has a CSRF cookie but no session
    now: int
    a_set: str  # A's fully logged set
    a_note_op: dict[str, Any]  # the op that wrote A's set note (for op id reuse)
    a_epoch: str  # A's sync history epoch (what a pull cursor carries)


@pytest.fixture
async def ctx(app: Litestar, new_user, client: httpx.AsyncClient) -> Ctx:
    a: User = await new_user("a@example.com")
    b: User = await new_user("b@example.com")
    await client.get("/api/me")  # hands out the CSRF cookie
    anon = User(client, "anon@example.com")
    now = int(time.time() * 1000)
    a_set = new_id(now)
    ops = [
        a.op("set", a_set, field, value, now)
        for field, value in [
            ("exercise", "single-arm-db-row"),
            ("side", "left"),
            ("reps", 8),
            ("weight_g", 20_000),
            ("performed_at", now),
            ("note", "first"),
        ]
    ]
    response = await a.push(ops)
    assert response.status_code == 200, response.text
    async with app.state.services.db.read() as conn:
        epoch = (
            await conn.execute(
                text("SELECT epoch FROM sync_counter WHERE account_id = :a"),
                {"a": (await a.client.get("/api/me")).json()["id"]},
            )
        ).scalar_one()
    return Ctx(app, a, b, anon, now, a_set, ops[-1], epoch)


# --- body builders -------------------------------------------------------------------------------

Build = Callable[[Ctx], bytes]


def dumps(obj: Any) -> bytes:
    # ensure_ascii=False: U+007F, U+0085 and NFD text travel as raw UTF-8, as a browser sends them.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def body(
    ctx: Ctx, ops: list[dict[str, Any]], *, device: Any = None, user: User | None = None, **top: Any
) -> bytes:
    sender = user or ctx.a
    return dumps(
        {"device_id": sender.device_id if device is None else device, "schema": 1, "ops": ops} | top
    )


def op(
    ctx: Ctx,
    field: str,
    value: Any,
    *,
    record_type: str = "set",
    record_id: str | None = None,
    user: User | None = None,
    wall_ms: int | None = None,
    **override: Any,
) -> dict[str, Any]:
    """One op by ``user`` (default A), on a fresh record unless ``record_id`` is given."""
    sender = user or ctx.a
    result = sender.op(record_type, record_id or new_id(ctx.now), field, value, wall_ms or ctx.now)
    return result | override


def one(field: str, value: Any, **kwargs: Any) -> Build:
    return lambda ctx: body(ctx, [op(ctx, field, value, **kwargs)])


def raw_value(raw: bytes, field: str = "note") -> Build:
    """A single op whose value is spliced in as raw bytes."""
    return lambda ctx: body(ctx, [op(ctx, field, RAW)]).replace(dumps(RAW), raw)


def spliced(before: bytes, raw: bytes) -> Build:
    """A valid single-op push with ``raw`` inserted right before the first ``before``."""
    return lambda ctx: body(ctx, [op(ctx, "note", "x")]).replace(before, raw + before, 1)


def top_level(**fields: Any) -> Build:
    return lambda ctx: body(ctx, [op(ctx, "reps", 8)], **fields)


def op_fields(**override: Any) -> Build:
    return lambda ctx: body(ctx, [op(ctx, "reps", 8, **override)])


def without_op_field(name: str) -> Build:
    def build(ctx: Ctx) -> bytes:
        bad = op(ctx, "reps", 8)
        del bad[name]
        return body(ctx, [bad])

    return build


def deep_value(depth: int) -> Build:
    return lambda ctx: body(ctx, [op(ctx, "note", RAW)]).replace(
        dumps(RAW), b"[" * depth + b"]" * depth
    )


def oversized(ctx: Ctx) -> bytes:
    raw = body(ctx, [op(ctx, "note", "x" * 300_000)])
    assert len(raw) > SYNC_MAX_BODY
    return raw


def too_many_ops(ctx: Ctx) -> bytes:
    record_id = new_id(ctx.now)
    raw = body(ctx, [op(ctx, "reps", 8, record_id=record_id) for _ in range(1001)])
    assert len(raw) < SYNC_MAX_BODY  # over the op limit, not the size limit
    return raw


def reused_op_id(ctx: Ctx) -> bytes:
    """A's note op again (same op id, record and field) with another value. The snapshot is
    taken after A's first push, so "unchanged" means the first value is still the stored one."""
    return body(ctx, [ctx.a_note_op | {"value": "second"}])


def replayed_by_b(ctx: Ctx) -> bytes:
    """B sends an op under A's op id (B's own record, clock and device)."""
    return body(
        ctx, [op(ctx, "note", "mine", user=ctx.b, op_id=ctx.a_note_op["op_id"])], user=ctx.b
    )


def b_on_a_record(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 9, record_id=ctx.a_set, user=ctx.b)], user=ctx.b)


def wrong_type_on_a_record(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "name", "Row", record_type="exercise", record_id=ctx.a_set)])


def future_hlc(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8, wall_ms=int(time.time() * 1000) + 6 * 60_000)])


def foreign_node(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8, hlc=Hlc(ctx.now, 1, ctx.b.device_id).encode())])


def b_device(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8)], device=ctx.b.device_id)


def valid_push(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8)])


def pull(**fields: Any) -> Build:
    return lambda ctx: dumps({"device_id": ctx.a.device_id, "cursor": None, "limit": 10} | fields)


def cursor(seq: int, record_id: str = "", field: str = "") -> Build:
    """A hand-made cursor carrying A's real epoch, so only the forged parts can be wrong.

    Cursors are the unpadded base64url of the JSON array ``[epoch, seq, record_id, field]``.
    """

    def build(ctx: Ctx) -> bytes:
        raw = json.dumps([ctx.a_epoch, seq, record_id, field]).encode()
        text_ = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return dumps({"device_id": ctx.a.device_id, "cursor": text_, "limit": 10})

    return build


def credentials(email: str = "a@example.com", password: str = PASSWORD) -> Build:
    return lambda _ctx: dumps({"email": email, "password": password})


def const(raw: bytes) -> Build:
    return lambda _ctx: raw


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    build: Build
    status: int
    code: str
    _: KW_ONLY
    reason: str | None = None  # per-op reason of a 422 ops_rejected
    path: str = PUSH
    sender: str = "a"  # a | b | anon
    csrf: bool = True


def malformed(id_: str, build: Build, path: str = PUSH, sender: str = "a") -> Case:
    return Case(id_, build, 400, "malformed", path=path, sender=sender)


def rejected(id_: str, build: Build, reason: str, sender: str = "a") -> Case:
    return Case(id_, build, 422, "ops_rejected", reason=reason, sender=sender)


def unprocessable(id_: str, build: Build, code: str, path: str = PUSH) -> Case:
    return Case(id_, build, 422, code, path=path)


CASES: list[Case] = [
    # Bytes that are not UTF-8 JSON at all.
    malformed("utf8-invalid-in-string", raw_value(b'"\xff\xfe"')),
    malformed("utf8-overlong-in-string", raw_value(b'"\xc0\xaf"')),
    malformed("utf8-encoded-surrogate-in-string", raw_value(b'"\xed\xa0\x80"')),
    malformed("utf8-truncated-in-string", raw_value(b'"ab\xe2\x82"')),
    malformed("utf8-invalid-outside-string", spliced(b'"ops"', b"\xff")),
    malformed("utf8-invalid-trailing", lambda ctx: valid_push(ctx) + b"\xff"),
    malformed("utf8-bom", lambda ctx: b"\xef\xbb\xbf" + valid_push(ctx)),
    malformed("empty-body", const(b"")),
    malformed("not-json", const(b"hello, server")),
    malformed("truncated-json", lambda ctx: valid_push(ctx)[:-3]),
    malformed("json-null", const(b"null")),
    malformed("json-array", const(b"[]")),
    malformed("raw-nul-byte-in-string", raw_value(b'"a\x00b"')),
    malformed("lone-surrogate-escape", raw_value(b'"\\ud800"')),
    malformed("lone-low-surrogate-escape", raw_value(b'"x\\udc00y"')),
    malformed("reversed-surrogate-pair-escape", raw_value(b'"\\ude00\\ud83d"')),
    # Deep nesting: under the sync body limit it is a 400, never a RecursionError 500.
    malformed("push-deep-20k-brackets", const(b"[" * 20_000)),
    malformed("push-deep-100k-brackets", const(b"[" * 100_000)),
    malformed("push-deep-20k-objects", const(b'{"a":' * 20_000)),
    malformed("push-deep-20k-in-value", deep_value(20_000)),
    malformed("login-deep-20k-brackets", const(b"[" * 20_000), LOGIN, "anon"),
    malformed("login-deep-20k-in-email", const(b'{"email":' + b"[" * 20_000), LOGIN, "anon"),
    malformed("login-deep-12k-objects", const(b'{"a":' * 12_000), LOGIN, "anon"),
    malformed("signup-deep-20k-brackets", const(b"[" * 20_000), SIGNUP, "anon"),
    Case(
        "login-100k-brackets",
        const(b"[" * 100_000),
        413,
        "body_too_large",
        path=LOGIN,
        sender="anon",
    ),
    # Numbers JSON or our scalars cannot carry exactly.
    malformed("nan", raw_value(b"NaN", "reps")),
    malformed("infinity", raw_value(b"Infinity", "reps")),
    malformed("minus-infinity", raw_value(b"-Infinity", "reps")),
    malformed("1e400", raw_value(b"1e400", "reps")),
    malformed("-1e400", raw_value(b"-1e400", "reps")),
    rejected("value-2^60", one("weight_g", 2**60), "invalid_value_int_range"),
    rejected("value-minus-2^60", one("weight_g", -(2**60)), "invalid_value_int_range"),
    rejected("value-2^53", one("weight_g", 2**53), "invalid_value_int_range"),
    rejected("value-10^30", raw_value(b"1" + b"0" * 30, "weight_g"), "invalid_value_int_range"),
    rejected("value-20.5", one("weight_g", 20.5), "invalid_value_float"),
    rejected("value-exponent-8e0", raw_value(b"8e0", "reps"), "invalid_value_float"),
    rejected("value-8.0", raw_value(b"8.0", "reps"), "invalid_value_float"),
    # Text that is not clean NFC.
    rejected("nul-in-note", one("note", "left\x00knee"), "invalid_value_control_char"),
    rejected("u001f-in-note", one("note", "a\x1fb"), "invalid_value_control_char"),
    rejected("u007f-in-note", one("note", "a\x7fb"), "invalid_value_control_char"),
    rejected("u0085-in-note", one("note", "a\x85b"), "invalid_value_control_char"),
    rejected("newline-in-note", one("note", "line\nbreak"), "invalid_value_control_char"),
    rejected("nfd-note", one("note", "Kne\u0301e"), "invalid_value_not_nfc"),
    # Shapes: unknown fields and wrong types anywhere refuse the whole request.
    malformed("unknown-top-level-field", top_level(admin=True)),
    malformed("unknown-op-field", op_fields(account_id=1)),
    malformed("missing-op-field", without_op_field("hlc")),
    malformed("missing-device-id", lambda ctx: dumps({"schema": 1, "ops": []})),
    malformed("ops-as-object", lambda ctx: body(ctx, {"0": op(ctx, "reps", 8)})),
    malformed("device-id-as-number", top_level(device_id=1234567890123456)),
    malformed("schema-as-string", top_level(schema="1")),
    malformed("op-id-as-number", op_fields(op_id=7)),
    malformed("value-as-list", one("note", ["a"])),
    malformed("value-as-object", one("note", {"a": 1})),
    rejected("reps-as-string", one("reps", "8"), "invalid_value"),
    # Limits and versions.
    Case("body-300kb", oversized, 413, "body_too_large"),
    Case("1001-ops", too_many_ops, 413, "too_many_ops"),
    unprocessable("schema-2", top_level(schema=2), "unsupported_schema"),
    unprocessable("schema-0", top_level(schema=0), "unsupported_schema"),
    # Clocks and ids.
    rejected("hlc-6-minutes-ahead", future_hlc, "clock_skew"),
    rejected("hlc-malformed", op_fields(hlc="2025-01-01 12:00:00"), "invalid_hlc"),
    rejected("hlc-node-not-device", foreign_node, "node_mismatch"),
    rejected("op-id-uuid4", op_fields(op_id=UUID4), "invalid_op_id"),
    rejected(
        "op-id-upper-case",
        lambda ctx: body(ctx, [upper(op(ctx, "reps", 8), "op_id")]),
        "invalid_op_id",
    ),
    rejected(
        "record-id-upper-case",
        lambda ctx: body(ctx, [upper(op(ctx, "reps", 8), "record_id")]),
        "invalid_record_id",
    ),
    rejected("record-id-uuid4", op_fields(record_id=UUID4), "invalid_record_id"),
    # Ownership and history.
    rejected("op-id-reused-other-content", reused_op_id, "op_id_conflict"),
    rejected("op-id-of-another-user", replayed_by_b, "op_id_conflict", sender="b"),
    rejected("record-of-another-user", b_on_a_record, "foreign_record", sender="b"),
    rejected("record-type-changed", wrong_type_on_a_record, "record_type_mismatch"),
    # Field rules.
    rejected("unknown-side", one("side", "middle"), "invalid_value"),
    rejected("negative-weight", one("weight_g", -1), "invalid_value"),
    rejected("absurd-weight", one("weight_g", 5_000_000), "invalid_value"),
    rejected("absurd-reps", one("reps", 100_000), "invalid_value"),
    rejected("negative-reps", one("reps", -3), "invalid_value"),
    rejected("unknown-exercise", one("exercise", "bench-press-of-doom"), "unknown_exercise"),
    rejected("exercise-uuid4", one("exercise", UUID4), "unknown_exercise"),
    rejected(
        "unknown-time-zone",
        one("tz", "Mars/Olympus_Mons", record_type="reminder"),
        "unknown_time_zone",
    ),
    rejected("unknown-record-type", one("reps", 8, record_type="workout"), "unknown_record_type"),
    rejected("unknown-field", one("colour", "red"), "unknown_field"),
    rejected("deleted-not-boolean", one("_deleted", "yes"), "invalid_value"),
    rejected("deleted-as-1", one("_deleted", 1), "invalid_value"),
    # Who is asking.
    Case("device-of-another-user", b_device, 403, "unknown_device"),
    Case("device-never-issued", top_level(device_id="0123456789abcdef"), 403, "unknown_device"),
    Case("device-id-with-nul", top_level(device_id="\x00"), 403, "unknown_device"),
    Case("no-csrf-header", valid_push, 403, "csrf_failed", csrf=False),
    Case("no-session", valid_push, 401, "not_authenticated", sender="anon"),
    # Pull.
    unprocessable("pull-limit-0", pull(limit=0), "invalid_limit", PULL),
    unprocessable("pull-limit-5000", pull(limit=5000), "invalid_limit", PULL),
    unprocessable("pull-limit-negative", pull(limit=-1), "invalid_limit", PULL),
    unprocessable("pull-cursor-forged", pull(cursor="forged-cursor"), "invalid_cursor", PULL),
    unprocessable("pull-cursor-too-long", pull(cursor="A" * 600), "invalid_cursor", PULL),
    unprocessable("pull-cursor-seq-beyond-int64", cursor(-(2**70)), "invalid_cursor", PULL),
    unprocessable("pull-cursor-seq-below-int64", cursor(INT64_MIN - 1), "invalid_cursor", PULL),
    unprocessable("pull-cursor-nul-record-id", cursor(0, "\x00"), "invalid_cursor", PULL),
    unprocessable("pull-cursor-nul-field", cursor(0, "", "\x00"), "invalid_cursor", PULL),
    malformed("pull-unknown-field", pull(since=0), PULL),
    malformed("pull-limit-as-string", pull(limit="10"), PULL),
    malformed("pull-invalid-utf8", const(b'{"device_id":"\xff"}'), PULL),
    malformed("pull-deep-20k", const(b"[" * 20_000), PULL),
    Case(
        "pull-device-of-another-user",
        lambda ctx: pull(device_id=ctx.b.device_id)(ctx),
        403,
        "unknown_device",
        path=PULL,
    ),
    Case("pull-device-id-with-nul", pull(device_id="\x00"), 403, "unknown_device", path=PULL),
    # Accounts.
    malformed(
        "login-invalid-utf8", const(b'{"email":"\xff@example.com","password":"x"}'), LOGIN, "anon"
    ),
    malformed("login-invalid-utf8-outside", const(b'{"email":\xff"a@example.com"}'), LOGIN, "anon"),
    malformed("login-nan", const(b'{"email":NaN,"password":"x"}'), LOGIN, "anon"),
    malformed(
        "login-lone-surrogate",
        const(b'{"email":"\\ud800@example.com","password":"x"}'),
        LOGIN,
        "anon",
    ),
    malformed(
        "login-unknown-field",
        const(b'{"email":"a@example.com","password":"x","admin":1}'),
        LOGIN,
        "anon",
    ),
    malformed(
        "signup-invalid-utf8", const(b'{"email":"\xff@example.com","password":"x"}'), SIGNUP, "anon"
    ),
    malformed("signup-empty", const(b""), SIGNUP, "anon"),
    Case(
        "login-nul-in-email",
        credentials("a\x00@example.com"),
        401,
        "bad_credentials",
        path=LOGIN,
        sender="anon",
    ),
    Case(
        "signup-nul-in-email",
        credentials("c\x00@example.com"),
        422,
        "invalid_email",
        path=SIGNUP,
        sender="anon",
    ),
    Case(
        "signup-control-char-in-email",
        credentials("c\x1f@example.com"),
        422,
        "invalid_email",
        path=SIGNUP,
        sender="anon",
    ),
    Case(
        "signup-nul-in-password",
        credentials("c@example.com", "correct\x00horse"),
        422,
        "invalid_password",
        path=SIGNUP,
        sender="anon",
    ),
]


def upper(op_: dict[str, Any], key: str) -> dict[str, Any]:
    return op_ | {key: op_[key].upper()}


def sender_of(ctx: Ctx, case: Case) -> User:
    return {"a": ctx.a, "b": ctx.b, "anon": ctx.anon}[case.sender]


async def send(user: User, path: str, raw: bytes, *, csrf: bool = True) -> httpx.Response:
    if csrf:
        return await user.post_raw(path, raw)
    return await user.client.post(path, content=raw, headers={"content-type": "application/json"})


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    problem = response.json()
    assert problem["code"] == code, problem
    assert problem["status"] == status
    for key in ("type", "title", "detail"):
        assert problem[key], key
    return problem


def test_case_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_bad_request_is_a_clear_4xx_and_changes_nothing(ctx: Ctx, case: Case) -> None:
    raw = case.build(ctx)
    before = await snapshot(ctx.app)
    response = await send(sender_of(ctx, case), case.path, raw, csrf=case.csrf)
    after = await snapshot(ctx.app)

    problem = assert_problem(response, case.status, case.code)
    if case.reason is not None:
        assert [(r["status"], r.get("reason")) for r in problem["results"]] == [
            ("rejected", case.reason)
        ]
        assert isinstance(problem["server_hlc"], str)
        assert abs(problem["server_time_ms"] - time.time() * 1000) < 60_000
    assert after == before


async def test_custom_exercise_id_may_arrive_before_the_exercise(ctx: Ctx) -> None:
    """Positive control next to the rows above: a well-formed UUIDv7 exercise id is accepted."""
    exercise_id = new_id(ctx.now)
    set_id = new_id(ctx.now)
    before = await snapshot(ctx.app)
    response = await send(
        ctx.a, PUSH, body(ctx, [op(ctx, "exercise", exercise_id, record_id=set_id)])
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert [r["status"] for r in response.json()["results"]] == ["applied"]
    after = await snapshot(ctx.app)
    assert after != before
    sets = {row["set_id"]: row for row in after["logged_set"]}
    assert sets[set_id]["exercise"] == exercise_id


async def test_one_bad_op_does_not_block_the_good_ones(ctx: Ctx) -> None:
    good_set, bad_set = new_id(ctx.now), new_id(ctx.now)
    good = [
        op(ctx, "exercise", "single-arm-db-row", record_id=good_set),
        op(ctx, "side", "right", record_id=good_set),
        op(ctx, "reps", 10, record_id=good_set),
    ]
    bad = op(ctx, "reps", 100_000, record_id=bad_set)
    ops = [good[0], good[1], bad, good[2]]
    before = await snapshot(ctx.app)

    response = await send(ctx.a, PUSH, body(ctx, ops))

    problem = assert_problem(response, 422, "ops_rejected")
    results = problem["results"]
    assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
    assert [(r["status"], r.get("reason")) for r in results] == [
        ("applied", None),
        ("applied", None),
        ("rejected", "invalid_value"),
        ("applied", None),
    ]
    after = await snapshot(ctx.app)
    fields = {(row["record_id"], row["field"]) for row in after["field_state"]}
    assert {field for (rid, field) in fields if rid == good_set} == {"exercise", "side", "reps"}
    assert not any(rid == bad_set for rid, _ in fields)
    logged = {row["op_id"] for row in after["op_log"]}
    assert {o["op_id"] for o in good} <= logged
    assert bad["op_id"] not in logged
    assert bad_set not in {row["record_id"] for row in after["record"]}
    sets = {row["set_id"]: row for row in after["logged_set"]}
    assert bad_set not in sets
    row = sets[good_set]
    assert (row["exercise"], row["side"], row["reps"]) == ("single-arm-db-row", "right", 10)
    # Nothing but the good ops was added.
    assert len(after["op_log"]) == len(before["op_log"]) + 3
    assert len(after["field_state"]) == len(before["field_state"]) + 3


async def test_every_body_at_every_endpoint_never_5xx(ctx: Ctx) -> None:
    """Throw the whole table's bodies at every POST endpoint, signed in and not."""
    bodies = [(case.id, case.build(ctx)) for case in CASES]
    failures = []
    # The account endpoints come last: a body that happens to be valid credentials may switch
    # A's session, which must not hide anything from the sync endpoints.
    for path in POST_ENDPOINTS:
        for user in (ctx.a, ctx.anon):
            for case_id, raw in bodies:
                response = await send(user, path, raw)
                if response.status_code >= 500:
                    failures.append((path, user.email, case_id, response.status_code))
                elif response.status_code >= 400:
                    assert response.headers["content-type"].startswith(PROBLEM), case_id
    assert not failures, "5xx answers:\n" + "\n".join(map(str, failures))
