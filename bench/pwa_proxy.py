"""A byte-counting TCP relay in front of the Sidewise server: what the browser receives on the wire
(HTTP headers and compressed bodies), whatever the browser's own accounting says about service
worker fetches and cache hits."""

from __future__ import annotations

import socket
import socketserver
import threading
from contextlib import suppress

from bench.server import HOST, free_port

CHUNK = 65_536


class _Relay(socketserver.BaseRequestHandler):
    server: CountingProxy

    def handle(self) -> None:
        upstream = socket.create_connection((HOST, self.server.upstream_port))
        client = self.request
        back = threading.Thread(target=self._pump, args=(upstream, client, True), daemon=True)
        back.start()
        self._pump(client, upstream, False)
        back.join()
        upstream.close()

    def _pump(self, source: socket.socket, sink: socket.socket, count: bool) -> None:
        with suppress(OSError):
            while data := source.recv(CHUNK):
                sink.sendall(data)
                if count:
                    self.server.add(len(data))
        with suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


class CountingProxy(socketserver.ThreadingTCPServer):
    """Relays 127.0.0.1:<port> to the server's port and counts bytes sent to the browser."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, upstream_port: int = 0) -> None:
        self.port = free_port()
        self.upstream_port = upstream_port
        self.received = 0
        self._lock = threading.Lock()
        super().__init__((HOST, self.port), _Relay)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def host(self) -> str:
        return f"{HOST}:{self.port}"

    def add(self, n: int) -> None:
        with self._lock:
            self.received += n

    def take(self) -> int:
        """Bytes received by the browser since the last call."""
        with self._lock:
            n, self.received = self.received, 0
            return n

    def __enter__(self) -> CountingProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.shutdown()
        self.server_close()
