"""Push and pull. Bodies are decoded once by cached typed decoders (the generic path is slower)."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from litestar import Request, Response, post
from litestar.di import Provide

from backend.api.problems import problem
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.domain.errors import Malformed
from sync.wire import PullRequest, PullResponse, PushRequest

MAX_BODY = 256 * 1024

T = TypeVar("T")
_push_decoder = msgspec.json.Decoder(PushRequest)
_pull_decoder = msgspec.json.Decoder(PullRequest)


def _decode(decoder: msgspec.json.Decoder[T], body: bytes) -> T:
    try:
        return decoder.decode(body)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as exc:
        raise Malformed(f"body is not a valid sync message: {exc}") from None


_AUTHED = {"account": Provide(provide_account)}


@post(
    "/api/sync/push",
    request_max_body_size=MAX_BODY,
    status_code=200,
    dependencies=_AUTHED,
    tags=["sync"],
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
    dependencies=_AUTHED,
    tags=["sync"],
)
async def pull(
    request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
) -> PullResponse:
    return await services.pull.pull(
        account.account_id, _decode(_pull_decoder, await request.body())
    )
