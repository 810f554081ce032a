"""Rows of the bad-input table that concern HTTP itself: media types, Host names, unknown paths
and methods a path does not have."""

from __future__ import annotations

from typing import Any

from tests.api.bad_input_cases import LOGIN, PULL, PUSH, SIGNUP, SUBSCRIPTIONS, Case
from tests.support.bad_bodies import Build, const, credentials, pull, valid_push


def not_json(id_: str, build: Build, content_type: str | None, **kwargs: Any) -> Case:
    return Case(
        id_,
        build,
        415,
        "unsupported_media_type",
        content_type=content_type,
        answer_headers=(("accept", "application/json"),),
        **kwargs,
    )


def bad_host(id_: str, host: str, method: str = "GET", path: str = "/healthz") -> Case:
    return Case(id_, const(b""), 400, "bad_host", method=method, path=path, host=host)


def not_allowed(id_: str, method: str, path: str, allow: str) -> Case:
    return Case(
        id_,
        const(b""),
        405,
        "method_not_allowed",
        method=method,
        path=path,
        content_type=None,
        answer_headers=(("allow", allow),),
    )


TIME_ZONE = "/api/me/time-zone"
QUIET_HOURS = "/api/me/quiet-hours"

HTTP_CASES: list[Case] = [
    # A body must say it is JSON (UTF-8); a request without one needs no Content-Type.
    not_json("push-text-plain", valid_push, "text/plain"),
    not_json("push-no-content-type", valid_push, None),
    not_json("push-form-urlencoded", valid_push, "application/x-www-form-urlencoded"),
    not_json("push-multipart", valid_push, "multipart/form-data; boundary=x"),
    not_json("push-text-json", valid_push, "text/json"),
    not_json("push-json-latin1", valid_push, "application/json; charset=iso-8859-1"),
    not_json("pull-text-plain", pull(), "text/plain", path=PULL),
    not_json("login-text-plain", credentials(), "text/plain", path=LOGIN, sender="anon"),
    not_json(
        "signup-form",
        const(b"email=c%40example.com&password=x"),
        "application/x-www-form-urlencoded",
        path=SIGNUP,
        sender="anon",
    ),
    not_json("devices-with-a-text-body", const(b"x"), "text/plain", path="/api/devices"),
    not_json(
        "time-zone-text-plain",
        const(b'{"time_zone":"Europe/Berlin"}'),
        "text/plain",
        path=TIME_ZONE,
        method="PUT",
    ),
    not_json(
        "quiet-hours-no-content-type",
        const(b'{"start":"22:00","end":"07:00"}'),
        None,
        path=QUIET_HOURS,
        method="PUT",
    ),
    not_json(
        "unsubscribe-text-plain",
        const(b'{"endpoint":"https://fcm.googleapis.com/x"}'),
        "text/plain",
        path=SUBSCRIPTIONS,
        method="DELETE",
    ),
    # Only the configured Host names are answered, whatever the path or method.
    Case("push-bad-host", valid_push, 400, "bad_host", host="evil.example"),
    bad_host("healthz-bad-host", "evil.example"),
    bad_host("unknown-path-bad-host", "evil.example", path="/api/nothing-here"),
    bad_host("wrong-method-bad-host", "evil.example", method="DELETE", path=PUSH),
    bad_host("options-bad-host", "evil.example", method="OPTIONS", path=PUSH),
    bad_host("host-other-port", "testserver.local:9999"),
    bad_host("host-empty", ""),
    bad_host("host-with-userinfo", "a@testserver.local"),
    bad_host("host-trailing-dot", "testserver.local."),
    # Unknown paths, and methods a path does not have (with the ones it has).
    Case("unknown-api-path", const(b""), 404, "not_found", method="GET", path="/api/nothing"),
    Case("post-to-unknown-path", valid_push, 404, "not_found", path="/api/sync/nothing"),
    not_allowed("get-push", "GET", PUSH, "OPTIONS, POST"),
    not_allowed("put-pull", "PUT", PULL, "OPTIONS, POST"),
    not_allowed("patch-me", "PATCH", "/api/me", "DELETE, GET, OPTIONS"),
    not_allowed("post-healthz", "POST", "/healthz", "GET, OPTIONS"),
    not_allowed("patch-subscriptions", "PATCH", SUBSCRIPTIONS, "DELETE, OPTIONS, POST"),
    not_allowed("put-chart", "PUT", "/api/charts/single-arm-db-row", "GET, OPTIONS"),
    not_allowed("delete-quiet-hours", "DELETE", QUIET_HOURS, "GET, OPTIONS, PUT"),
]
