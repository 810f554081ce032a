"""Slow, stalled and garbled clients against the real `sidewise serve`, over raw sockets.

A client that connects and sends nothing, sends its headers a byte at a time, or stops in the
middle of a body is disconnected once the configured timeout has passed; a body that keeps
arriving is served however long it takes; a normal client is served all the while; nothing of
a stalled push is applied. The timeouts are set to 2 s so every case is bounded to seconds.
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager

import httpx
import pytest

from bench.server import HOST, ServerProcess
from sync.hlc import Hlc
from tests.support.api import PASSWORD, new_id
from tests.support.bad_bodies import dumps

pytestmark = pytest.mark.slow

TIMEOUT_S = 2  # header, body and keep-alive timeouts of the server under test
MARGIN_S = 1.5  # a busy machine's scheduling on top of the timeout
BOUND_S = TIMEOUT_S + 8  # how long a socket read waits before the test calls the server stuck


class TimedServer(ServerProcess):
    def env(self) -> dict[str, str]:
        return super().env() | {
            "SIDEWISE_HEADER_TIMEOUT_SECONDS": str(TIMEOUT_S),
            "SIDEWISE_BODY_TIMEOUT_SECONDS": str(TIMEOUT_S),
            "SIDEWISE_KEEP_ALIVE_SECONDS": str(TIMEOUT_S),
        }


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TimedServer]:
    with TimedServer(tmp_path_factory.mktemp("slow") / "data") as running:
        running.migrate()
        running.start()
        yield running


def connect(server: ServerProcess) -> socket.socket:
    sock = socket.create_connection((HOST, server.port), timeout=BOUND_S)
    sock.settimeout(BOUND_S)
    return sock


def until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed."""
    received = b""
    with closing(sock):
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                pytest.fail(f"the server still held the connection after {BOUND_S} s")
            if not chunk:
                return received, time.monotonic()
            received += chunk


def head(path: str, server: ServerProcess, *lines: str) -> bytes:
    return "\r\n".join((f"{path} HTTP/1.1", f"Host: {HOST}:{server.port}", *lines, "", "")).encode()


def test_an_idle_connection_is_closed_without_a_word(server: TimedServer) -> None:
    began = time.monotonic()
    received, closed = until_closed(connect(server))
    assert received == b""
    assert closed - began < TIMEOUT_S + MARGIN_S


def test_headers_sent_byte_by_byte_get_408_while_others_are_served(server: TimedServer) -> None:
    """Slowloris: each byte comes well inside any per-read timeout; the headers as a whole
    must still arrive in time. Three such clients at once, and a normal one meanwhile."""
    outcomes: list[tuple[bytes, float]] = []

    def slowloris() -> None:
        sock = connect(server)
        began = time.monotonic()
        message = head("GET /healthz", server, "X-Padding: " + "a" * 40)
        try:
            for byte in message[:-2]:  # never the blank line that ends the headers
                sock.sendall(bytes([byte]))
                time.sleep(0.2)
        except OSError:
            pass  # closed on us: what we wanted
        received, closed = until_closed(sock)
        outcomes.append((received, closed - began))

    threads = [threading.Thread(target=slowloris) for _ in range(3)]
    for thread in threads:
        thread.start()
    served = []
    with httpx.Client(base_url=server.base_url, timeout=5.0) as client:
        while any(thread.is_alive() for thread in threads):
            began = time.monotonic()
            served.append((client.get("/healthz").status_code, time.monotonic() - began))
            time.sleep(0.1)
    for thread in threads:
        thread.join()

    assert len(outcomes) == 3
    for received, took in outcomes:
        assert took < TIMEOUT_S + MARGIN_S, took
        status_line, _, rest = received.partition(b"\r\n")
        assert status_line == b"HTTP/1.1 408 Request Timeout", received
        assert b"content-type: application/problem+json" in rest
        assert b'"code":"request_timeout"' in rest
    assert len(served) >= 5
    assert all(status == 200 for status, _ in served), served
    assert max(took for _, took in served) < 1.0, served


@contextmanager
def signed_in(server: ServerProcess) -> Iterator[tuple[httpx.Client, str, str]]:
    """A client signed in over HTTP with a device; its cookie header and device id."""
    client = httpx.Client(base_url=server.base_url, timeout=10.0)
    client.get("/api/me")
    csrf = {"x-csrftoken": client.cookies["csrftoken"]}
    email = f"slow{time.monotonic_ns()}@example.com"
    response = client.post(
        "/api/auth/signup", json={"email": email, "password": PASSWORD}, headers=csrf
    )
    assert response.status_code == 201, response.text
    csrf = {"x-csrftoken": client.cookies["csrftoken"]}  # signing up hands out a new one
    device = client.post("/api/devices", headers=csrf).json()["device_id"]
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    try:
        yield client, cookie, device
    finally:
        client.close()


def push_body(device: str, note: str) -> bytes:
    now = int(time.time() * 1000)
    op = {
        "op_id": new_id(now),
        "record_type": "set",
        "record_id": new_id(now),
        "field": "note",
        "value": note,
        "hlc": Hlc(now, 0, device).encode(),
    }
    return dumps({"device_id": device, "schema": 1, "ops": [op]})


def push_head(server: ServerProcess, cookie: str, csrf: str, length: int) -> bytes:
    return head(
        "POST /api/sync/push",
        server,
        "Content-Type: application/json",
        f"Content-Length: {length}",
        f"Cookie: {cookie}",
        f"X-CSRFToken: {csrf}",
    )


def stored_notes(server: ServerProcess) -> list[str]:
    with closing(sqlite3.connect(server.sqlite_path)) as conn:
        rows = conn.execute("SELECT value FROM field_state WHERE field = 'note'").fetchall()
    return [row[0] for row in rows]


def test_a_body_that_stops_midway_is_cut_off_and_applies_nothing(server: TimedServer) -> None:
    with signed_in(server) as (client, cookie, device):
        body = push_body(device, "stalled")
        sock = connect(server)
        sock.sendall(push_head(server, cookie, client.cookies["csrftoken"], len(body)))
        sock.sendall(body[: len(body) // 2])
        began = time.monotonic()
        received, closed = until_closed(sock)
        assert closed - began < TIMEOUT_S + MARGIN_S
        assert received == b""  # the app saw a disconnect, nothing to answer
        assert client.get("/healthz").status_code == 200
    assert not any("stalled" in note for note in stored_notes(server))


def test_a_body_that_keeps_coming_is_served_past_the_timeout(server: TimedServer) -> None:
    """The body timeout bounds each pause, not the upload: a slow phone still gets through."""
    with signed_in(server) as (client, cookie, device):
        body = push_body(device, "steady")
        sock = connect(server)
        sock.sendall(push_head(server, cookie, client.cookies["csrftoken"], len(body)))
        began = time.monotonic()
        pieces = [body[i : i + len(body) // 4 + 1] for i in range(0, len(body), len(body) // 4 + 1)]
        for piece in pieces:
            time.sleep(TIMEOUT_S * 0.6)
            sock.sendall(piece)
        response = b""
        while b"\r\n\r\n" not in response:
            response += sock.recv(65536)
        sock.close()
    assert time.monotonic() - began > TIMEOUT_S * 1.5
    assert response.startswith(b"HTTP/1.1 200 OK"), response
    assert any("steady" in note for note in stored_notes(server))


def test_an_idle_keep_alive_connection_is_closed(server: TimedServer) -> None:
    sock = connect(server)
    sock.sendall(head("GET /healthz", server))
    response = b""
    while b'"status"' not in response:
        response += sock.recv(65536)
    began = time.monotonic()
    _rest, closed = until_closed(sock)
    assert response.startswith(b"HTTP/1.1 200 OK")
    assert closed - began < TIMEOUT_S + MARGIN_S


def test_a_request_that_is_not_http_gets_a_problem(server: TimedServer) -> None:
    """Rejected by the HTTP parser before the app sees it: still the one problem shape."""
    sock = connect(server)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: " + HOST.encode() + b"\r\nBad Header\r\n\r\n")
    received, _closed = until_closed(sock)
    status_line, _, rest = received.partition(b"\r\n")
    assert status_line == b"HTTP/1.1 400 Bad Request", received
    assert b"content-type: application/problem+json" in rest
    assert b'"code":"malformed"' in rest
