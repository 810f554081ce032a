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
from backend.api.problems import problem
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.domain.errors import Malformed
from sync.wire import PullRequest, PullResponse, PushRequest, PushResponse

MAX_BODY = 256 * 1024

T = TypeVar("T")
_push_decoder = msgspec.json.Decoder(PushRequest)
_pull_decoder = msgspec.json.Decoder(PullRequest)


def _decode(decoder: msgspec.json.Decoder[T], body: bytes) -> T:
    try:
        return decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise Malformed(f"body is not a valid sync message: {exc}") from None


def _push_body(data: PushRequest) -> PushRequest:
    return data


def _pull_body(data: PullRequest) -> PullRequest:
    return data


_AUTHED = {"account": Provide(provide_account)}


@post(
    "/api/sync/push",
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
    """Apply ops; answer per op. Any rejected op makes the reply a 422 problem that still
    carries every op's result: the accepted ones are committed and must not be resent."""
    result = await services.push.push(
        account.account_id, _decode(_push_decoder, await request.body())
    )
    rejected = sum(r.status == "rejected" for r in result.results)
    if rejected:
        return problem(
            422,
            "ops_rejected",
            f"{rejected} of {len(result.results)} ops were rejected; the others were accepted",
            **msgspec.to_builtins(result),
        )
    return Response(result)


@post(
    "/api/sync/pull",
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
    return await services.pull.pull(
        account.account_id, _decode(_pull_decoder, await request.body())
    )
