"""A lean HTTP/1.1 keep-alive client for the load generator's phones.

The load generator shares the machine's cores with the server it measures. httpx spent about as
much CPU per sync as the server did, and that time counted against the server twice: its cores
were taken, and a request waiting for the client's own Python was timed as if the server were
slow. This client writes the request bytes and reads one response per request on one connection;
it parses only the status line and Content-Length, which is all the server sends for JSON.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from urllib.parse import urlsplit

import httpx

# Reconnect before uvicorn drops an idle connection (its keep-alive timeout is 5 s).
IDLE_LIMIT_S = 4.0
TIMEOUT_S = 120.0  # a request unanswered this long fails the run instead of hanging it


class LeanClient:
    """One connection, one request at a time, with fixed headers (cookies, CSRF token)."""

    def __init__(self, base_url: str, headers: Mapping[str, str]) -> None:
        url = urlsplit(base_url)
        assert url.hostname is not None
        assert url.port is not None
        self._address = (url.hostname, url.port)
        fixed = {"host": url.netloc, **headers}
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in fixed.items()).encode()
        self._streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self._last_used = 0.0

    @classmethod
    def of(cls, client: httpx.AsyncClient) -> LeanClient:
        """A lean client carrying a signed-in httpx client's cookies and CSRF token."""
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        headers = {"cookie": cookies, "x-csrftoken": client.cookies.get("csrftoken") or ""}
        return cls(str(client.base_url), headers)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """The status and body of one response. A connection the server closed while idle is
        replaced and the request sent again (pushes and pulls are idempotent)."""
        loop = asyncio.get_running_loop()
        if self._streams is not None and loop.time() - self._last_used > IDLE_LIMIT_S:
            await self.aclose()
        for attempt in range(2):
            reused = self._streams is not None
            reader, writer = self._streams or await self._connect()
            head = f"{method} {path} HTTP/1.1\r\ncontent-length: {len(body)}\r\n".encode()
            writer.write(head + self._fixed + b"content-type: application/json\r\n\r\n" + body)
            try:
                async with asyncio.timeout(TIMEOUT_S):
                    status, content, keep = await _response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                await self.aclose()
                if reused and attempt == 0:
                    continue
                raise
            self._last_used = loop.time()
            if not keep:
                await self.aclose()
            return status, content
        raise AssertionError("unreachable: the second attempt returns or raises")

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        self._streams = await asyncio.open_connection(*self._address)
        return self._streams

    async def aclose(self) -> None:
        streams, self._streams = self._streams, None
        if streams is not None:
            streams[1].close()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, keep = 0, True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            raise RuntimeError(f"unexpected Transfer-Encoding: {value.strip()}")
        elif name == "connection" and value.strip().lower() == "close":
            keep = False
    return status, await reader.readexactly(length), keep
