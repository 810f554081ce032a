"""``sidewise serve``: uvicorn with read deadlines, saying where the app can be opened.

uvicorn bounds only the idle time between keep-alive requests; a client that connects and then
sends its headers or its body slowly, or not at all, would hold a connection (and memory)
for as long as it likes. ``DeadlineProtocol`` adds two clocks to uvicorn's httptools protocol:
the headers must arrive in full within ``header_timeout`` of the first byte (or of connecting),
and a body may not pause longer than ``body_timeout`` between two reads.

It also sends a response's head and the start of its body together (``HeadWithBody``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from backend.settings import Settings

log = logging.getLogger("sidewise")
STARTUP_FAILURE = 3  # uvicorn's exit code when the server could not start


def raw_problem(status: int, reason: str, code: str, detail: str) -> bytes:
    """A whole problem+json response that closes the connection, for answers given before
    any request reached the app (the app's own problems come from backend/api/problems.py)."""
    body = json.dumps(
        {
            "type": f"/problems/{code}",
            "title": reason,
            "status": status,
            "code": code,
            "detail": detail,
        },
        separators=(",", ":"),
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/problem+json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode() + body


REQUEST_TIMEOUT = raw_problem(
    408, "Request Timeout", "request_timeout", "the request headers did not arrive in time"
)


class DeadlineProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, header_timeout: float, body_timeout: float, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.header_timeout = header_timeout
        self.body_timeout = body_timeout
        self._deadline: asyncio.TimerHandle | None = None
        self._in_request = False  # bytes of a request arrived: a timeout earns it a 408

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers an unparseable request in plain text; keep the one problem shape.
        self.transport.write(raw_problem(400, "Bad Request", "malformed", msg))
        self.transport.close()

    def _arm(self, seconds: float, expired: Callable[[], None]) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, expired)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self.header_timeout, self._headers_late)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_request = True
        if self._deadline is None:  # the first byte after a keep-alive pause
            self._arm(self.header_timeout, self._headers_late)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()  # makes the request's cycle; its task starts later
        cycle = self.cycle
        if cycle is not None:
            cycle.transport = HeadWithBody(self.transport, cycle, self.loop)
        self._arm(self.body_timeout, self._body_late)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._arm(self.body_timeout, self._body_late)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._disarm()
        self._in_request = False

    def _headers_late(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        if self._in_request:
            self.transport.write(REQUEST_TIMEOUT)
        self.transport.close()

    def _body_late(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        if self.flow.read_paused or (cycle is not None and cycle.waiting_for_100_continue):
            # The app has not asked for more yet: the wait is ours, not the client's.
            self._arm(self.body_timeout, self._body_late)
            return
        log.info("closing a connection whose request body stalled for %ss", self.body_timeout)
        self.transport.close()  # the app sees a disconnect and applies nothing


class HeadWithBody(asyncio.Transport):
    """The transport one response is written through: its head (status line and headers) is
    held until the body's first bytes and leaves with them, in one send.

    uvicorn writes the head and the body separately, which costs a second system call and wakes
    the client twice for every small JSON answer. A head with no body in the same turn of the
    event loop (a HEAD answer, a stream still computing its first chunk) leaves on the next
    turn; closing sends it first. Writes before the response starts (``100 Continue``) pass at
    once.
    """

    def __init__(
        self,
        transport: asyncio.Transport,
        cycle: RequestResponseCycle,
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        super().__init__()
        self._transport = transport
        self._cycle = cycle
        self._loop = loop
        self._head: bytes | None = None
        self._head_seen = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._head_seen and self._cycle.response_started:
            self._head_seen = True
            self._head = bytes(data)
            self._loop.call_soon(self._flush)
            return
        if self._head is not None:
            data, self._head = self._head + data, None
        self._transport.write(data)

    def _flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            if not self._transport.is_closing():
                self._transport.write(head)

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()


class AnnouncingServer(uvicorn.Server):
    """Prints the address to open once the socket listens (uvicorn only logs its own line)."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            print(f"Sidewise is running at {address(self.config.host, self.config.port)}")
            sys.stdout.flush()


def address(host: str, port: int) -> str:
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)  # noqa: S104
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def serve(settings: Settings) -> None:
    protocol = partial(
        DeadlineProtocol,
        header_timeout=settings.header_timeout_seconds,
        body_timeout=settings.body_timeout_seconds,
    )
    options: dict[str, Any] = {
        "factory": True,
        "host": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "log_level": settings.log_level,
        # Only the configured proxies' X-Forwarded-For and -Proto are believed (uvicorn would
        # otherwise trust any local peer's); the app applies the same list.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": list(settings.trusted_proxies),
        "http": cast(type[asyncio.Protocol], protocol),
        "timeout_keep_alive": settings.keep_alive_seconds,
    }
    if settings.workers > 1:  # uvicorn's supervisor logs the address
        uvicorn.run("backend.app:app_from_env", **options)
        return
    server = AnnouncingServer(uvicorn.Config("backend.app:app_from_env", **options))
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)
