"""Deleting the signed-in account, with its password."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, delete
from litestar.di import Provide
from litestar.params import JSONBody

from backend.api.contract import JSON_BODY, SIGNED_IN_CHANGE, no_content, problems
from backend.api.session import AccountDep, CookiePolicy, ServicesDep, provide_account


class PasswordIn(msgspec.Struct, forbid_unknown_fields=True):
    password: str = msgspec.field()


@delete(
    "/api/me",
    status_code=204,
    dependencies={"account": Provide(provide_account)},
    tags=["accounts"],
    summary="Erase the account and everything it holds (the password is required)",
    security=SIGNED_IN_CHANGE,
    responses={
        204: no_content("Erased; the session cookie is cleared"),
        **problems(*JSON_BODY, 401, 403),
    },
)
async def delete_account(
    request: Request[Any, Any, Any],
    account: AccountDep,
    data: JSONBody[PasswordIn],
    services: ServicesDep,
) -> Response[None]:
    await services.deletion.delete(account.account_id, data.password)
    response: Response[None] = Response(None, status_code=204)
    policy: CookiePolicy = request.app.state.cookie_policy
    policy.clear(response)
    return response
