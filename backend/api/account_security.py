"""Changing the password, signing out everywhere, and reading the account's security log."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import Provide
from litestar.params import JSONBody

from backend.api.client_address import client_address
from backend.api.contract import (
    JSON_BODY,
    SIGNED_IN,
    SIGNED_IN_CHANGE,
    THROTTLED,
    no_content,
    problems,
)
from backend.api.session import (
    AccountDep,
    CookiePolicy,
    ServicesDep,
    provide_account,
    rotate_csrf_token,
    session_token,
)


class PasswordChangeIn(msgspec.Struct, forbid_unknown_fields=True):
    current_password: str
    new_password: str


class SecurityEventOut(msgspec.Struct):
    # sign_up | sign_in | sign_in_failed | password_changed | signed_out_everywhere |
    # subscription_moved_in | subscription_moved_out | throttled
    kind: str
    at_ms: int
    address: str | None  # the client address the request came from
    detail: str | None  # sessions ended, the throttled action, "password_change"


class SecurityLogOut(msgspec.Struct):
    events: list[SecurityEventOut]  # newest first, at most 100


class AccountSecurityController(Controller):
    path = "/api"
    tags = ["accounts"]  # noqa: RUF012 (Litestar reads it as a class attribute)
    dependencies = {"account": Provide(provide_account)}  # noqa: RUF012

    @post(
        "/me/password",
        status_code=204,
        summary="Change the password (needs the current one); every other session ends",
        security=SIGNED_IN_CHANGE,
        responses={
            204: no_content("Changed; a new CSRF cookie is set"),
            **problems(*JSON_BODY, 401, 403, 422, *THROTTLED),
        },
    )
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        account: AccountDep,
        data: JSONBody[PasswordChangeIn],
        services: ServicesDep,
    ) -> Response[None]:
        await services.account_security.change_password(
            account,
            session_token(request) or "",
            data.current_password,
            data.new_password,
            client_address(request),
        )
        response: Response[None] = Response(None, status_code=204)
        rotate_csrf_token(request, response)
        return response

    @post(
        "/auth/logout-everywhere",
        status_code=204,
        summary="End every session of this account, this one too, and forget its push "
        "subscriptions",
        security=SIGNED_IN_CHANGE,
        responses={204: no_content("Signed out everywhere"), **problems(401, 403)},
    )
    async def logout_everywhere(
        self, request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
    ) -> Response[None]:
        await services.account_security.sign_out_everywhere(account, client_address(request))
        response: Response[None] = Response(None, status_code=204)
        policy: CookiePolicy = request.app.state.cookie_policy
        policy.clear(response)
        return response

    @get(
        "/me/security-log",
        summary="Recent security events of this account, newest first",
        security=SIGNED_IN,
        responses=problems(401),
    )
    async def security_log(self, account: AccountDep, services: ServicesDep) -> SecurityLogOut:
        events = await services.security_log.recent(account.account_id)
        return SecurityLogOut([SecurityEventOut(*event) for event in events])
