"""A response's head leaves with the start of its body, in one write to the socket; a head with
no body in the same turn of the event loop still leaves on the next; ``100 Continue`` and
closing never wait for it."""

from __future__ import annotations

import asyncio
import socket
from typing import Any, cast

import pytest
from uvicorn.protocols.http.httptools_impl import RequestResponseCycle

from backend.web_server import HeadWithBody
from bench.server import HOST, ServerProcess


class Recording(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[object] = []
        self.closed = False

    def write(self, data: Any) -> None:
        self.events.append(bytes(data))

    def close(self) -> None:
        self.events.append("close")
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


class Cycle:
    response_started = False


def through(recording: Recording, cycle: Cycle) -> HeadWithBody:
    loop = asyncio.get_running_loop()
    return HeadWithBody(recording, cast(RequestResponseCycle, cycle), loop)


async def test_the_head_leaves_with_the_body_in_one_write() -> None:
    recording, cycle = Recording(), Cycle()
    transport = through(recording, cycle)
    cycle.response_started = True
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    assert recording.events == []
    transport.write(b'{"ok":1}')
    transport.write(b"more")
    assert recording.events == [b'HTTP/1.1 200 OK\r\n\r\n{"ok":1}', b"more"]
    await asyncio.sleep(0)
    assert len(recording.events) == 2  # nothing is sent twice


async def test_a_head_without_a_body_leaves_on_the_next_turn_of_the_loop() -> None:
    recording, cycle = Recording(), Cycle()
    transport = through(recording, cycle)
    cycle.response_started = True
    transport.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    await asyncio.sleep(0)
    assert recording.events == [b"HTTP/1.1 204 No Content\r\n\r\n"]


async def test_continue_passes_at_once_and_closing_sends_a_held_head_first() -> None:
    recording, cycle = Recording(), Cycle()
    transport = through(recording, cycle)
    transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")  # before the response starts
    assert recording.events == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    cycle.response_started = True
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.close()
    await asyncio.sleep(0)
    assert recording.events[1:] == [b"HTTP/1.1 200 OK\r\n\r\n", "close"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with ServerProcess(tmp_path_factory.mktemp("writes") / "data") as running:
        running.migrate()
        running.start()
        yield running


def exchange(server: ServerProcess, request: bytes, until: bytes) -> bytes:
    with socket.create_connection((HOST, server.port), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while until not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
        return received


@pytest.mark.slow
def test_the_real_server_answers_get_and_head_whole(server: ServerProcess) -> None:
    host = f"Host: {HOST}:{server.port}"
    got = exchange(server, f"GET /healthz HTTP/1.1\r\n{host}\r\n\r\n".encode(), b'"ok"')
    assert got.startswith(b"HTTP/1.1 200 OK\r\n")
    assert got.endswith(b"}")
    # A HEAD answer is a head alone (here the app's 405): it leaves without a body to wait for.
    headed = exchange(server, f"HEAD / HTTP/1.1\r\n{host}\r\n\r\n".encode(), b"\r\n\r\n")
    assert headed.startswith(b"HTTP/1.1 405 Method Not Allowed\r\n")
    assert headed.endswith(b"\r\n\r\n")


@pytest.mark.slow
def test_the_real_server_asks_for_a_body_it_expects(server: ServerProcess) -> None:
    """``Expect: 100-continue``: the server says Continue before the body is sent, then answers."""
    host = f"Host: {HOST}:{server.port}"
    page = exchange(server, f"GET /api/catalogue HTTP/1.1\r\n{host}\r\n\r\n".encode(), b"]}")
    token = page.split(b"csrftoken=", 1)[1].split(b";", 1)[0].decode()
    body = b'{"email": "a@example.com", "password": "x"}'
    with socket.create_connection((HOST, server.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST /api/auth/login HTTP/1.1\r\n{host}\r\ncontent-type: application/json\r\n"
                f"cookie: csrftoken={token}\r\nx-csrftoken: {token}\r\n"
                f"content-length: {len(body)}\r\nexpect: 100-continue\r\n\r\n"
            ).encode()
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
        sock.sendall(body)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 ")
    assert b"problem+json" in answer
