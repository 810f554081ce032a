"""The bad-input table: each row is a request (body builder, method, path, headers) with the 4xx
answer it must get, down to the response headers it must carry."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from sync.hlc import MAX_COUNTER, MAX_DRIFT_MS
from tests.support.bad_bodies import (
    Build,
    b_device,
    b_on_a_record,
    body,
    const,
    credentials,
    cursor,
    deep_value,
    dumps,
    foreign_node,
    full_counter_ahead,
    future_hlc,
    one,
    op,
    op_fields,
    oversized,
    password_change,
    pull,
    raw_value,
    replayed_by_b,
    reused_op_id,
    spliced,
    subscription,
    too_many_ops,
    top_level,
    valid_push,
    without_op_field,
    wrong_type_on_a_record,
)
from tests.support.endpoints import PARSER_DIFFERENTIALS

PUSH = "/api/sync/push"
PULL = "/api/sync/pull"
LOGIN = "/api/auth/login"
SIGNUP = "/api/auth/signup"
SUBSCRIPTIONS = "/api/push/subscriptions"
CHART = "/api/charts/single-arm-db-row"  # the exercise of A's logged set
PASSWORD = "/api/me/password"
DEVICES = "/api/devices"
POST_ENDPOINTS = (PUSH, PULL, DEVICES, SUBSCRIPTIONS, PASSWORD, LOGIN, SIGNUP)
INT64_MIN = -(2**63)
CURRENT = "correct horse battery"  # every test user's password
UUID4 = "0b9c7f64-3f0e-4c4e-9b1a-7d2f6f0a9e11"


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
    method: str = "POST"  # GET rows carry everything in ``path``
    then_normal: bool = False  # afterwards A and B still push and pull normally
    content_type: str | None = "application/json"  # None: no Content-Type header
    host: str | None = None  # a Host header instead of the client's own
    answer_headers: tuple[tuple[str, str], ...] = ()  # response headers it must carry


def malformed(id_: str, build: Build, path: str = PUSH, sender: str = "a") -> Case:
    return Case(id_, build, 400, "malformed", path=path, sender=sender)


def rejected(id_: str, build: Build, reason: str, sender: str = "a") -> Case:
    return Case(id_, build, 422, "ops_rejected", reason=reason, sender=sender)


def unprocessable(id_: str, build: Build, code: str, path: str = PUSH) -> Case:
    return Case(id_, build, 422, code, path=path)


def chart(id_: str, query: str, status: int = 422, code: str = "date_out_of_range") -> Case:
    return Case(id_, const(b""), status, code, path=f"{CHART}?{query}", method="GET")


def clock_attack(id_: str, build: Build, reason: str, sender: str) -> Case:
    return Case(id_, build, 422, "ops_rejected", reason=reason, sender=sender, then_normal=True)


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
    # A refused op must not move the server clock: followed, its counter (FFFE, 15 s ahead)
    # would overflow the server's next stamp and fail every account's sync.
    clock_attack(
        "hlc-counter-fffe-ahead-on-foreign-record",
        full_counter_ahead("foreign_record"),
        "foreign_record",
        sender="b",
    ),
    clock_attack(
        "hlc-counter-fffe-ahead-op-id-reused",
        full_counter_ahead("op_id_conflict"),
        "op_id_conflict",
        sender="a",
    ),
    clock_attack(
        "hlc-counter-ffff-at-drift-limit-on-foreign-record",
        full_counter_ahead("foreign_record", MAX_DRIFT_MS, MAX_COUNTER),
        "foreign_record",
        sender="b",
    ),
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
    rejected("unknown-record-type", one("reps", 8, record_type="superset"), "unknown_record_type"),
    rejected("unknown-field", one("colour", "red"), "unknown_field"),
    rejected("routine-rows-not-counts", one("rows", "3,x", record_type="routine"), "invalid_value"),
    rejected(
        "routine-unknown-exercise",
        one("exercises", "single-leg-press,nope", record_type="routine"),
        "unknown_exercise",
    ),
    rejected("workout-start-1970", one("started_at", 0, record_type="workout"), "invalid_value"),
    rejected("set-workout-not-an-id", one("workout", "today"), "invalid_value"),
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
    # Chart days: outside the days sets can fall on (week arithmetic would leave the calendar).
    chart("chart-from-year-1", "from=0001-01-01"),
    chart("chart-to-year-1", "to=0001-01-01"),
    chart("chart-from-to-year-1", "from=0001-01-01&to=0001-01-01"),
    chart("chart-from-year-9999", "from=9999-12-31"),
    chart("chart-to-year-9999", "to=9999-12-31"),
    chart("chart-from-before-2000", "from=1999-12-30"),
    chart("chart-to-after-2100", "to=2100-01-03"),
    chart("chart-from-year-10000", "from=10000-01-01", 400, "malformed"),
    chart("chart-from-february-30", "from=2026-02-30", 400, "malformed"),
    chart("chart-from-negative-year", "from=-0001-01-01", 400, "malformed"),
    chart("chart-range-reversed", "from=2026-02-01&to=2026-01-01", 422, "invalid_range"),
    # Push endpoints that URL parsers read differently.
    *(
        Case(f"endpoint-{i:02d}-{reason}", subscription(url), 422, reason, path=SUBSCRIPTIONS)
        for i, (url, reason) in enumerate(PARSER_DIFFERENTIALS)
    ),
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
    # Changing the password.
    Case(
        "password-wrong-current",
        password_change("not it at all"),
        403,
        "wrong_password",
        path=PASSWORD,
    ),
    unprocessable(
        "password-new-too-short", password_change(new="short"), "invalid_password", PASSWORD
    ),
    unprocessable(
        "password-new-is-email", password_change(new="a@example.com"), "invalid_password", PASSWORD
    ),
    unprocessable(
        "password-new-with-nul",
        password_change(new="correct\x00horse!"),
        "invalid_password",
        PASSWORD,
    ),
    unprocessable(
        "password-unchanged", password_change(new=CURRENT), "password_unchanged", PASSWORD
    ),
    malformed(
        "password-unknown-field",
        lambda ctx: dumps({"current_password": CURRENT, "new_password": "x" * 12, "admin": 1}),
        PASSWORD,
    ),
    malformed("password-missing-current", lambda ctx: dumps({"new_password": "x" * 12}), PASSWORD),
    malformed(
        "password-invalid-utf8", const(b'{"current_password":"\xff","new_password":"x"}'), PASSWORD
    ),
    Case(
        "password-no-session",
        password_change(),
        401,
        "not_authenticated",
        path=PASSWORD,
        sender="anon",
    ),
    Case(
        "password-no-csrf-header", password_change(), 403, "csrf_failed", path=PASSWORD, csrf=False
    ),
    # Caps.
    Case("device-over-cap", const(b""), 409, "too_many_devices", path=DEVICES, sender="b"),
]


def upper(op_: dict[str, Any], key: str) -> dict[str, Any]:
    return op_ | {key: op_[key].upper()}
