"""Push and pull. Bodies are decoded once by cached typed decoders (the generic path is slower)."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request, Response, post
from litestar.di import Provide

from backend.api.contract import (
    JSON_BODY,
    SIGNED_IN_CHANGE,
    documented_body,
    ops_rejected,
    problems,
    success,
)
from backend.api.problems import MEDIA_TYPE, problem_body
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.domain.errors import Malformed
from sync.wire import PullRequest, PullResponse, PushRequest, PushResponse

PUSH_PATH = "/api/sync/push"
PULL_PATH = "/api/sync/pull"
MAX_BODY = 256 * 1024

T = TypeVar("T")
PUSH_DECODER = msgspec.json.Decoder(PushRequest)
PULL_DECODER = msgspec.json.Decoder(PullRequest)


def decode(decoder: msgspec.json.Decoder[T], body: bytes) -> T:
    try:
        return decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise Malformed(f"body is not a valid sync message: {exc}") from None


def _push_body(data: PushRequest) -> PushRequest:
    return data


def _pull_body(data: PullRequest) -> PullRequest:
    return data


_AUTHED = {"account": Provide(provide_account)}


def rejected_problem(result: PushResponse) -> dict[str, Any] | None:
    """A push with rejected ops answers a 422 problem that still carries every op's result: the
    accepted ones are committed and must not be resent. None when every op was accepted."""
    rejected = sum(r.status == "rejected" for r in result.results)
    if not rejected:
        return None
    detail = f"{rejected} of {len(result.results)} ops were rejected; the others were accepted"
    return problem_body(422, "ops_rejected", detail, **msgspec.to_builtins(result))


@post(
    PUSH_PATH,
    request_max_body_size=MAX_BODY,
    status_code=200,
    dependencies={**_AUTHED, **documented_body(_push_body)},
    tags=["sync"],
    summary="Upload ops; every op is answered on its own",
    security=SIGNED_IN_CHANGE,
    responses={
        200: success(PushResponse, "Every op accepted: applied, superseded or duplicate"),
        **problems(*JSON_BODY, 401, 403),
        422: ops_rejected(),
    },
)
async def push(
    request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
) -> Response[Any]:
    """Apply ops; answer per op."""
    result = await services.push.push(
        account.account_id, decode(PUSH_DECODER, await request.body())
    )
    rejected = rejected_problem(result)
    if rejected is not None:
        return Response(rejected, status_code=422, media_type=MEDIA_TYPE)
    return Response(result)


@post(
    PULL_PATH,
    request_max_body_size=MAX_BODY,
    status_code=200,
    dependencies={**_AUTHED, **documented_body(_pull_body)},
    tags=["sync"],
    summary="Download the changes after a cursor, a page at a time",
    security=SIGNED_IN_CHANGE,
    responses=problems(*JSON_BODY, 401, 403, 422),
)
async def pull(
    request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
) -> PullResponse:
    return await services.pull.pull(account.account_id, decode(PULL_DECODER, await request.body()))
