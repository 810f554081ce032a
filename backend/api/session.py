"""The session cookie, and the dependency that turns it into the signed-in account."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.middleware.csrf import generate_csrf_token

from backend.services.accounts import SignedIn
from backend.services.container import Services

ServicesDep = NamedDependency[Services]
AccountDep = NamedDependency[SignedIn]


@dataclass(frozen=True)
class CookiePolicy:
    """``__Host-`` + Secure in production; a plain name on http://localhost in development."""

    secure: bool
    max_age: int

    @property
    def name(self) -> str:
        return "__Host-sidewise_session" if self.secure else "sidewise_session"

    def set(self, response: Response[Any], token: str) -> None:
        response.set_cookie(
            Cookie(
                key=self.name,
                value=token,
                path="/",
                max_age=self.max_age,
                secure=self.secure,
                httponly=True,
                samesite="lax",
            )
        )

    def clear(self, response: Response[Any]) -> None:
        response.delete_cookie(self.name, path="/")


def rotate_csrf_token(request: Request[Any, Any, Any], response: Response[Any]) -> None:
    """A new CSRF cookie with the new session: a token seen before signing in (on a shared
    computer, say) is worthless after it. Litestar's middleware only hands out a cookie to a
    request that has none, so it is replaced here; the app reads it anew on each request."""
    config = request.app.csrf_config
    assert config is not None
    response.set_cookie(
        Cookie(
            key=config.cookie_name,
            value=generate_csrf_token(config.secret),
            path=config.cookie_path,
            secure=config.cookie_secure,
            httponly=config.cookie_httponly,
            samesite=config.cookie_samesite,
            domain=config.cookie_domain,
        )
    )


def session_token(request: Request[Any, Any, Any]) -> str | None:
    policy: CookiePolicy = request.app.state.cookie_policy
    return request.cookies.get(policy.name)


async def provide_account(request: Request[Any, Any, Any], services: ServicesDep) -> SignedIn:
    return await services.accounts.authenticate(session_token(request))
