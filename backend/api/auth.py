"""Sign-up, sign-in, sign-out and who-am-I. Sign-in and sign-up are throttled (429 with
Retry-After) and rotate both the session id and the CSRF token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post, put
from litestar.di import Provide
from litestar.params import JSONBody

from backend.api.client_address import client_address
from backend.api.contract import (
    ANY_CHANGE,
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
from backend.api.structs import AccountOut, Credentials, TimeZoneIn
from backend.services.accounts import NewSession


def _signed_in(
    request: Request[Any, Any, Any], session: NewSession, status: int
) -> Response[AccountOut]:
    response = Response(
        AccountOut(
            id=session.account.account_id,
            email=session.account.email,
            time_zone=session.time_zone,
        ),
        status_code=status,
    )
    policy: CookiePolicy = request.app.state.cookie_policy
    policy.set(response, session.token)
    rotate_csrf_token(request, response)
    return response


class AuthController(Controller):
    path = "/api"
    tags = ["accounts"]  # noqa: RUF012 (Litestar reads it as a class attribute)

    @post(
        "/auth/signup",
        summary="Create an account and sign in",
        security=ANY_CHANGE,
        responses=problems(*JSON_BODY, 403, 409, 422, *THROTTLED),
    )
    async def signup(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[Credentials],
        services: ServicesDep,
    ) -> Response[AccountOut]:
        session = await services.accounts.sign_up(
            data.email, data.password, client_address(request)
        )
        return _signed_in(request, session, 201)

    @post(
        "/auth/login",
        status_code=200,
        summary="Sign in (the session id is rotated)",
        security=ANY_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, *THROTTLED),
    )
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[Credentials],
        services: ServicesDep,
    ) -> Response[AccountOut]:
        session = await services.accounts.log_in(
            data.email, data.password, session_token(request), client_address(request)
        )
        return _signed_in(request, session, 200)

    @post(
        "/auth/logout",
        status_code=204,
        summary="Sign out this browser",
        security=ANY_CHANGE,
        responses={204: no_content("Signed out; the session cookie is cleared"), **problems(403)},
    )
    async def logout(
        self, request: Request[Any, Any, Any], services: ServicesDep
    ) -> Response[None]:
        token = session_token(request)
        if token:
            await services.accounts.log_out(token)
        response: Response[None] = Response(None, status_code=204)
        policy: CookiePolicy = request.app.state.cookie_policy
        policy.clear(response)
        return response

    @get(
        "/me",
        dependencies={"account": Provide(provide_account)},
        summary="The signed-in account",
        security=SIGNED_IN,
        responses=problems(401),
    )
    async def me(self, account: AccountDep, services: ServicesDep) -> AccountOut:
        time_zone = await services.accounts.time_zone(account.account_id)
        return AccountOut(id=account.account_id, email=account.email, time_zone=time_zone)

    @put(
        "/me/time-zone",
        dependencies={"account": Provide(provide_account)},
        summary="Count this account's days (sessions, charts, alerts) in an IANA time zone",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, 422),
    )
    async def set_time_zone(
        self, account: AccountDep, data: JSONBody[TimeZoneIn], services: ServicesDep
    ) -> AccountOut:
        await services.time_zones.set(account.account_id, data.time_zone)
        return AccountOut(id=account.account_id, email=account.email, time_zone=data.time_zone)
