"""The OpenAPI document against the handlers: every operation's every declared status is
provoked, answered with the declared media type and a body its schema accepts; each declared
credential is enforced; no operation is missing from either side. A status a handler starts to
answer, or stops answering, fails here until the contract says so."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from litestar import Litestar

from backend.settings import Settings
from tests.conftest import make_settings, open_client
from tests.contract.calls import (
    EVERYWHERE,
    FCM,
    KEY,
    LOGIN,
    LOGOUT,
    PASSWORD_CHANGE,
    SIGNUP,
    STRONG,
    STRONG_PLAN,
    SUBSCRIPTIONS,
    SYNC_LIMIT,
    UNPROVOKED,
    Call,
    Ctx,
    json_errors,
    no_csrf,
    ok,
    on_grant,
    ops,
    patient_read,
    pull,
    signed_out,
    subscription,
    subscription_taken,
    twice,
    upload,
    upload_errors,
    used_code,
    with_code,
    without_key,
)
from tests.support.api import PASSWORD, User, sign_up

SECURITY_LOG = "/api/me/security-log"
NEW_PASSWORD = {"current_password": PASSWORD, "new_password": "a brand new passphrase"}
ME, ZONE, QUIET = "/api/me", "/api/me/time-zone", "/api/me/quiet-hours"
VAPID = "/api/push/vapid-public-key"
PUSH, PULL, CHART = "/api/sync/push", "/api/sync/pull", "/api/charts/{exercise}"
NEWCOMER = {"email": "new@example.com", "password": PASSWORD}
PREVIEW, COMMIT = "/api/import/preview", "/api/import/commit"
SETS_CSV, RECORDS_JSON = "/api/export/sets.csv", "/api/export/records.json"
ZONE_BODY = {"time_zone": "Europe/Berlin"}
QUIET_BODY = {"start": "22:00", "end": "07:00"}
CHART_URL = "/api/charts/single-leg-press"

# operation -> status -> a request that gets that status.
PROVOKE: dict[tuple[str, str], dict[int, Call]] = {
    ("POST", SIGNUP): {
        201: signed_out("POST", SIGNUP, NEWCOMER),
        403: no_csrf("POST", SIGNUP, NEWCOMER),
        409: signed_out("POST", SIGNUP, {"email": "lifter@example.com", "password": PASSWORD}),
        422: signed_out("POST", SIGNUP, {"email": "nope", "password": PASSWORD}),
        **json_errors("POST", SIGNUP),
    },
    ("POST", LOGIN): {
        200: signed_out("POST", LOGIN, {"email": "lifter@example.com", "password": PASSWORD}),
        401: signed_out("POST", LOGIN, {"email": "lifter@example.com", "password": "wrong"}),
        403: no_csrf("POST", LOGIN, NEWCOMER),
        **json_errors("POST", LOGIN),
    },
    ("POST", LOGOUT): {204: signed_out("POST", LOGOUT), 403: no_csrf("POST", LOGOUT)},
    ("GET", ME): {200: ok("GET", ME), 401: signed_out("GET", ME)},
    ("DELETE", ME): {  # the erasing success last: the account is gone after it
        **json_errors("DELETE", ME),
        401: signed_out("DELETE", ME, {"password": PASSWORD}),
        403: no_csrf("DELETE", ME, {"password": PASSWORD}),
        204: ok("DELETE", ME, {"password": PASSWORD}),
    },
    ("POST", PREVIEW): {200: upload(PREVIEW, STRONG), **upload_errors(PREVIEW)},
    ("POST", COMMIT): {200: upload(COMMIT, STRONG, STRONG_PLAN), **upload_errors(COMMIT)},
    ("GET", SETS_CSV): {200: ok("GET", SETS_CSV), 401: signed_out("GET", SETS_CSV)},
    ("GET", RECORDS_JSON): {200: ok("GET", RECORDS_JSON), 401: signed_out("GET", RECORDS_JSON)},
    ("POST", PASSWORD_CHANGE): {
        204: ok("POST", PASSWORD_CHANGE, NEW_PASSWORD),
        401: signed_out("POST", PASSWORD_CHANGE, NEW_PASSWORD),
        403: no_csrf("POST", PASSWORD_CHANGE, NEW_PASSWORD),
        422: ok("POST", PASSWORD_CHANGE, {**NEW_PASSWORD, "new_password": "short"}),
        **json_errors("POST", PASSWORD_CHANGE),
    },
    ("POST", EVERYWHERE): {
        204: ok("POST", EVERYWHERE),
        401: signed_out("POST", EVERYWHERE),
        403: no_csrf("POST", EVERYWHERE),
    },
    ("GET", SECURITY_LOG): {200: ok("GET", SECURITY_LOG), 401: signed_out("GET", SECURITY_LOG)},
    ("PUT", ZONE): {
        200: ok("PUT", ZONE, ZONE_BODY),
        401: signed_out("PUT", ZONE, ZONE_BODY),
        403: no_csrf("PUT", ZONE, ZONE_BODY),
        422: ok("PUT", ZONE, {"time_zone": "Mars/Olympus"}),
        **json_errors("PUT", ZONE),
    },
    ("GET", "/api/catalogue"): {200: signed_out("GET", "/api/catalogue")},
    ("POST", "/api/devices"): {
        201: ok("POST", "/api/devices"),
        401: signed_out("POST", "/api/devices"),
        403: no_csrf("POST", "/api/devices"),
        409: twice(ok("POST", "/api/devices")),  # the cap is two devices here
    },
    ("GET", CHART): {
        200: ok("GET", CHART_URL + "?from=2026-01-01&to=2026-02-01"),
        400: ok("GET", CHART_URL + "?from=yesterday"),
        401: signed_out("GET", CHART_URL),
        422: ok("GET", "/api/charts/not a exercise"),
    },
    ("GET", VAPID): {200: signed_out("GET", VAPID), 503: without_key("GET", VAPID)},
    ("POST", SUBSCRIPTIONS): {
        201: ok("POST", SUBSCRIPTIONS, lambda _: subscription()),
        200: twice(ok("POST", SUBSCRIPTIONS, subscription())),
        401: signed_out("POST", SUBSCRIPTIONS, lambda _: subscription()),
        403: no_csrf("POST", SUBSCRIPTIONS, lambda _: subscription()),
        409: Call(subscription_taken),
        422: ok("POST", SUBSCRIPTIONS, subscription("http://example.com/push")),
        503: without_key("POST", SUBSCRIPTIONS, lambda _: subscription()),
        **json_errors("POST", SUBSCRIPTIONS),
    },
    ("DELETE", SUBSCRIPTIONS): {
        204: ok("DELETE", SUBSCRIPTIONS, {"endpoint": FCM}),
        401: signed_out("DELETE", SUBSCRIPTIONS, {"endpoint": FCM}),
        403: no_csrf("DELETE", SUBSCRIPTIONS, {"endpoint": FCM}),
        **json_errors("DELETE", SUBSCRIPTIONS),
    },
    ("GET", QUIET): {200: ok("GET", QUIET), 401: signed_out("GET", QUIET)},
    ("PUT", QUIET): {
        200: ok("PUT", QUIET, QUIET_BODY),
        401: signed_out("PUT", QUIET, QUIET_BODY),
        403: no_csrf("PUT", QUIET, QUIET_BODY),
        422: ok("PUT", QUIET, {"start": "22:00", "end": None}),
        **json_errors("PUT", QUIET),
    },
    ("POST", PUSH): {
        200: ok("POST", PUSH, ops(("reps", 8), ("side", "left"))),
        401: signed_out("POST", PUSH, ops(("reps", 8))),
        403: no_csrf("POST", PUSH, ops(("reps", 8))),
        422: ok("POST", PUSH, ops(("reps", 8), ("wingspan", 3))),
        **json_errors("POST", PUSH, SYNC_LIMIT),
    },
    ("POST", PULL): {
        200: ok("POST", PULL, pull()),
        401: signed_out("POST", PULL, pull()),
        403: no_csrf("POST", PULL, pull()),
        422: ok("POST", PULL, pull(limit=0)),
        **json_errors("POST", PULL, SYNC_LIMIT),
    },
    ("GET", "/healthz"): {200: signed_out("GET", "/healthz")},
}


CODES, GRANTS, PREVIEW = "/api/clinician/codes", "/api/sharing/grants", "/api/sharing/preview"
PATIENTS, GRANT = "/api/clinician/patients", "/api/sharing/grants/{grant_id}"
PROVOKE.update({
    ("POST", CODES): {
        201: ok("POST", CODES, {"name": "Dr Hansen"}),
        401: signed_out("POST", CODES, {}),
        403: no_csrf("POST", CODES, {}),
        422: ok("POST", CODES, {"name": "x" * 81}),
        **json_errors("POST", CODES),
    },
    ("GET", PATIENTS): {200: ok("GET", PATIENTS), 401: signed_out("GET", PATIENTS)},
    ("GET", "/api/clinician/patients/{patient_id}"): {
        200: patient_read(),
        400: ok("GET", f"{PATIENTS}/{2**63}"),
        401: patient_read("anon"),
        404: patient_read("user"),
    },
    ("POST", PREVIEW): {
        200: with_code("POST", PREVIEW, None),
        401: signed_out("POST", PREVIEW, {"code": "ABCD-EFGH-JKLM"}),
        403: no_csrf("POST", PREVIEW, {"code": "ABCD-EFGH-JKLM"}),
        404: ok("POST", PREVIEW, {"code": "ABCD-EFGH-JKLM"}),
        409: used_code(PREVIEW),
        422: ok("POST", PREVIEW, {"code": "ABCD"}),
        **json_errors("POST", PREVIEW),
    },
    ("POST", GRANTS): {
        201: with_code("POST", GRANTS),
        401: signed_out("POST", GRANTS, {"code": "ABCD-EFGH-JKLM", "scope": "summary"}),
        403: no_csrf("POST", GRANTS, {"code": "ABCD-EFGH-JKLM", "scope": "summary"}),
        404: ok("POST", GRANTS, {"code": "ABCD-EFGH-JKLM", "scope": "summary"}),
        409: used_code(GRANTS),
        422: with_code("POST", GRANTS, "all"),
        **json_errors("POST", GRANTS),
    },
    ("GET", GRANTS): {200: ok("GET", GRANTS), 401: signed_out("GET", GRANTS)},
    ("PATCH", GRANT): {
        200: on_grant("PATCH", {"scope": "summary_sets"}),
        401: on_grant("PATCH", {"scope": "summary"}, who="anon"),
        403: on_grant("PATCH", {"scope": "summary"}, csrf=False),
        404: ok("PATCH", "/api/sharing/grants/999999", {"scope": "summary"}),
        422: on_grant("PATCH", {"scope": "all"}),
        **json_errors("PATCH", "/api/sharing/grants/1"),
    },
    ("DELETE", GRANT): {
        204: on_grant("DELETE"),
        400: ok("DELETE", f"{GRANTS}/0"),
        401: on_grant("DELETE", who="anon"),
        403: on_grant("DELETE", csrf=False),
        404: ok("DELETE", "/api/sharing/grants/999999"),
    },
    ("GET", "/api/sharing/log"): {
        200: ok("GET", "/api/sharing/log"),
        401: signed_out("GET", "/api/sharing/log"),
    },
    ("GET", "/api/me/hq"): {200: ok("GET", "/api/me/hq"), 401: signed_out("GET", "/api/me/hq")},
})  # fmt: skip


CREDENTIALS = {"session": 401, "csrf": 403}  # scheme -> the status its absence gets


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        database_url,
        tmp_path,
        vapid_private_key=KEY.private_raw(),
        push_allow_loopback=True,
        max_devices=2,
    )


@pytest.fixture
async def ctx(app: Litestar, settings: Settings, tmp_path: Path) -> AsyncIterator[Ctx]:
    async with open_client(app) as a, open_client(app) as b, open_client(app) as c:
        user = await sign_up(a, "lifter@example.com")
        await b.get("/api/catalogue")  # the CSRF cookie
        anon = User(b, "")
        other = await sign_up(c, "other@example.com")
        yield Ctx(app, user, anon, other, settings, tmp_path)


@pytest.fixture
async def document(client: httpx.AsyncClient) -> dict[str, Any]:
    return (await client.get("/schema/openapi.json")).json()


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


async def test_every_operation_has_its_statuses_provoked_here(document: dict[str, Any]) -> None:
    declared = operations(document)
    assert set(declared) == set(PROVOKE)
    for key, operation in declared.items():
        statuses = {int(status) for status in operation["responses"]}
        assert statuses - set(UNPROVOKED) == set(PROVOKE[key]), key


@pytest.mark.parametrize("key", sorted(PROVOKE), ids=" ".join)
async def test_each_declared_answer_is_what_the_handler_sends(
    key: tuple[str, str], document: dict[str, Any], ctx: Ctx
) -> None:
    operation = operations(document)[key]
    for status, call in PROVOKE[key].items():
        response = await call.run(ctx)
        where = f"{' '.join(key)} {status}"
        assert response.status_code == status, f"{where}: {response.text}"
        declared = operation["responses"][str(status)]
        if "content" not in declared:
            assert response.content == b"", where
            continue
        media_type = response.headers["content-type"].split(";")[0]
        assert media_type in declared["content"], where
        if not media_type.endswith("json") or media_type.endswith("ndjson"):
            continue  # CSV and JSON lines: the media type is the contract
        schema = declared["content"][media_type]["schema"]
        errors = Draft202012Validator({**schema, "components": document["components"]})
        assert list(errors.iter_errors(response.json())) == [], where


@pytest.mark.parametrize("key", sorted(PROVOKE), ids=" ".join)
def test_declared_credentials_are_the_enforced_ones(
    key: tuple[str, str], document: dict[str, Any]
) -> None:
    """With the answers checked above: a declared credential's absence is refused with its
    status, and an operation that does not declare the session succeeds without one."""
    security = operations(document)[key].get("security", [])
    schemes = {name for requirement in security for name in requirement}
    assert schemes <= set(document["components"]["securitySchemes"])
    provoked = PROVOKE[key]
    for name, refused in CREDENTIALS.items():
        if name in schemes:
            assert provoked[refused].without == name, key
    if "session" not in schemes:
        success = min(status for status in provoked if status < 300)
        assert provoked[success].without == "session", key
    if "csrf" not in schemes:
        assert key[0] == "GET" or key[1] == "/healthz", key
