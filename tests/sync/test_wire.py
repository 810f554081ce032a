from __future__ import annotations

import msgspec
import pytest

from sync.canon import InvalidValue, check_value
from sync.wire import SCHEMA_VERSION, Op, OpResult, PullRequest, PullResponse, PushRequest

OP = (
    b'{"op_id": "o", "record_type": "set", "record_id": "r", "field": "reps", '
    b'"value": %s, "hlc": "h"}'
)


def push(value: bytes) -> bytes:
    return b'{"device_id": "d", "schema": 1, "ops": [' + OP % value + b"]}"


@pytest.mark.parametrize(
    ("value", "decoded"),
    [(b"8", 8), (b'"x"', "x"), (b"true", True), (b"null", None), (b"1.0", 1.0), (b"1e3", 1e3)],
)
def test_values_decode_with_their_json_type(value: bytes, decoded: object) -> None:
    request = msgspec.json.decode(push(value), type=PushRequest)
    assert request.schema == SCHEMA_VERSION
    got = request.ops[0].value
    assert got == decoded
    assert type(got) is type(decoded)


@pytest.mark.parametrize(
    ("value", "reason"), [(b"1.0", "float"), (b"9007199254740992", "int_range")]
)
def test_bad_values_fail_per_op(value: bytes, reason: str) -> None:
    op = msgspec.json.decode(push(value), type=PushRequest).ops[0]
    with pytest.raises(InvalidValue) as info:
        check_value(op.value)
    assert info.value.reason == reason


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'{"device_id": "d", "schema": 1, "ops": [], "extra": 1}', PushRequest),
        (push(b'1, "extra": 2'), PushRequest),
        (b'{"device_id": "d", "limit": 5, "since": 0}', PullRequest),
        (push(b"[1]"), PushRequest),
        (push(b'{"a": 1}'), PushRequest),
        (push(b'"\\ud800"'), PushRequest),  # lone surrogates fail the whole body
    ],
)
def test_requests_refuse_unknown_fields_and_shapes(body: bytes, kind: type) -> None:
    with pytest.raises(msgspec.DecodeError):
        msgspec.json.decode(body, type=kind)


def test_pull_request_defaults() -> None:
    assert msgspec.json.decode(b'{"device_id": "d"}', type=PullRequest) == PullRequest(
        "d", None, 500
    )


def test_op_result_omits_empty_reason() -> None:
    assert msgspec.json.encode(OpResult("o", "applied")) == b'{"op_id":"o","status":"applied"}'
    assert msgspec.json.encode(OpResult("o", "rejected", "invalid_hlc")) == (
        b'{"op_id":"o","status":"rejected","reason":"invalid_hlc"}'
    )
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"op_id":"o","status":"lost"}', type=OpResult)


def test_pull_response_round_trips() -> None:
    body = (
        b'{"changes":[{"record_type":"set","record_id":"r","field":"reps","value":8,"hlc":"h"}],'
        b'"cursor":"c","has_more":false,"server_hlc":"s","reset":false}'
    )
    response = msgspec.json.decode(body, type=PullResponse)
    assert response.changes[0].value == 8
    assert msgspec.json.encode(response) == body


def test_op_is_frozen() -> None:
    op = Op("o", "set", "r", "reps", 8, "h")
    with pytest.raises(AttributeError):
        op.value = 9  # type: ignore[misc]
