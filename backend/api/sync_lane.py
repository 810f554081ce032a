"""Push and pull, served straight from the ASGI scope when a request is plainly in order.

Phones sync every few seconds, and on a busy server the framework's routing, middleware and
dependency resolution are a large share of each sync's CPU: without them the server completes
about an eighth more syncs a second (``bench.gym_sync``). The lane answers a request that passes
every check the route would make (the Host, which the app checks first; CSRF; a JSON body of a
stated length within the route's limit; an open session). Anything else goes on, body and all,
to the route, which answers it exactly as it would without the lane: the lane can only be
stricter than the route, never looser. What the lane answers (results, problems, headers) is
built by the same code as the route's answers.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar.config.csrf import CSRFConfig
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import Receive, Scope, Send

from backend.api.edges import JSON, media_type_is, security_headers
from backend.api.error_handlers import unexpected_problem
from backend.api.problems import MEDIA_TYPE, error_problem
from backend.api.sync import (
    MAX_BODY,
    PULL_DECODER,
    PULL_PATH,
    PUSH_DECODER,
    PUSH_PATH,
    rejected_problem,
)
from backend.domain.errors import SidewiseError
from backend.services.accounts import SignedIn
from backend.services.container import Services
from sync.wire import PullRequest, PushRequest

PATHS = frozenset({PUSH_PATH, PULL_PATH})
# What the lane reads from a request; each may appear once, or the route decides.
_READ = frozenset({b"content-type", b"content-length", b"transfer-encoding", b"cookie"})
# Session tokens are URL-safe base64 and CSRF tokens hex: a cookie with anything else (quotes,
# escapes) is left to the framework's cookie parser.
_TOKEN = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

Fallback = Callable[[Receive], Awaitable[None]]


class SyncLane:
    def __init__(
        self, services: Services, csrf: CSRFConfig, session_cookie: str, production: bool
    ) -> None:
        self.services = services
        self.csrf_secret = csrf.secret
        self.csrf_cookie = csrf.cookie_name
        self.csrf_header = csrf.header_name.lower().encode()
        self.session_cookie = session_cookie
        self.headers = [
            (name.lower().encode(), value.encode())
            for name, value in {**security_headers(production), "Cache-Control": "no-store"}.items()
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send, route: Fallback) -> None:
        """Answer a POST to one of ``PATHS``, or hand it to ``route``."""
        session = self._checked(scope)
        account = None if session is None else await self._signed_in(session)
        if account is None:
            await route(receive)
            return
        body = await _body(receive)
        if body is None:  # the phone went away mid-upload: nothing to apply, nobody to answer
            return
        try:
            request = (PUSH_DECODER if scope["path"] == PUSH_PATH else PULL_DECODER).decode(body)
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
            await route(_replay(body, receive))  # the route says what is wrong with it
            return
        extra: dict[str, str] = {}
        try:
            status, media_type, answer = await self._answer(account.account_id, request)
        except SidewiseError as error:
            status, problem, extra = error_problem(error)
            media_type, answer = MEDIA_TYPE, msgspec.json.encode(problem)
        except Exception as exc:  # answered as every route answers the unexpected
            status, media_type = 500, MEDIA_TYPE
            answer = msgspec.json.encode(unexpected_problem("POST", scope["path"], exc))
        headers = [
            (b"content-type", media_type.encode()),
            (b"content-length", str(len(answer)).encode()),
            *self.headers,
            *((name.lower().encode(), value.encode()) for name, value in extra.items()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": answer, "more_body": False})

    async def _answer(
        self, account_id: int, request: PushRequest | PullRequest
    ) -> tuple[int, str, bytes]:
        """Status, media type and body."""
        if isinstance(request, PullRequest):
            pulled = await self.services.pull.pull(account_id, request)
            return 200, JSON, msgspec.json.encode(pulled)
        result = await self.services.push.push(account_id, request)
        rejected = rejected_problem(result)
        if rejected is None:
            return 200, JSON, msgspec.json.encode(result)
        return 422, MEDIA_TYPE, msgspec.json.encode(rejected)

    def _checked(self, scope: Scope) -> str | None:
        """The session token, when the request passes every check the route makes before it
        looks the session up."""
        seen: dict[bytes, bytes] = {}
        csrf_header = None
        for name, value in scope["headers"]:
            if name == self.csrf_header:
                if csrf_header is not None:
                    return None
                csrf_header = value
            elif name in _READ:
                if name in seen:
                    return None
                seen[name] = value
        length = seen.get(b"content-length", b"")
        if (
            b"transfer-encoding" in seen
            or not length.isdigit()
            or not 0 < int(length) <= MAX_BODY
            or not media_type_is(seen.get(b"content-type", b"").decode("latin-1"), JSON)
        ):
            return None
        cookies = _cookies(seen.get(b"cookie", b""))
        csrf_cookie = cookies.get(self.csrf_cookie)
        session = cookies.get(self.session_cookie)
        if csrf_header is None or csrf_cookie is None or session is None:
            return None
        if not self._csrf_ok(csrf_header, csrf_cookie):
            return None
        return session

    async def _signed_in(self, session: str) -> SignedIn | None:
        try:
            return await self.services.accounts.authenticate(session)
        except Exception:  # ended, unknown, or unreadable now: the route answers it
            return None

    def _csrf_ok(self, header: bytes, cookie: str) -> bool:
        """The framework's check: a token signed with the app's secret, the same in the header
        and the cookie."""
        token = cookie.encode()
        if len(token) <= CSRF_SECRET_LENGTH or not hmac.compare_digest(header, token):
            return False
        secret, signature = cookie[:CSRF_SECRET_LENGTH], cookie[CSRF_SECRET_LENGTH:]
        expected = generate_csrf_hash(token=secret, secret=self.csrf_secret)
        return hmac.compare_digest(signature, expected)


def _cookies(header: bytes) -> dict[str, str]:
    """Cookies whose values are plain tokens; a name given twice counts as absent."""
    jar: dict[str, str] = {}
    twice: set[str] = set()
    for part in header.split(b";"):
        name, eq, value = part.strip().partition(b"=")
        if not eq or not value or not _TOKEN.issuperset(value):
            continue
        key = name.decode("latin-1")
        if key in jar:
            twice.add(key)
        jar[key] = value.decode("ascii")
    for key in twice:
        del jar[key]
    return jar


async def _body(receive: Receive) -> bytes | None:
    """The whole body (the server reads no more than its Content-Length), or None when the
    client disconnected first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` again, with the body already read as its first message."""
    replayed = False

    async def again() -> Any:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return again
