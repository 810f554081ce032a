"""The HTTP session push requests go through.

``push_session(policy, pool_size) -> requests.Session``, one per sender:

- pooled: keep-alive connections to each push service, up to ``pool_size`` per host;
- never retries by itself (a retried POST could deliver a message twice; the dispatcher decides);
- reads nothing from the environment (proxies, ``.netrc``) and keeps no cookies, so only the
  sender's own headers reach a push service, and one subscription's cookies never reach another;
- checks the peer address of every new connection against the guard before any byte is sent,
  so a name that passed the send-time check cannot be re-pointed at a private address in between
  (DNS rebinding). A refusal surfaces as ``guard.Refused``.

Redirects are the caller's business: every request passes ``allow_redirects=False``.
"""

from __future__ import annotations

import socket
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from backend.push.guard import PushPolicy, check_address


def push_session(policy: PushPolicy, pool_size: int) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    adapter = _PeerCheckedAdapter(policy, pool_size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _checked(sock: socket.socket, policy: PushPolicy) -> socket.socket:
    try:
        check_address(sock.getpeername()[0], policy)
    except BaseException:
        sock.close()
        raise
    return sock


def _pool_classes(policy: PushPolicy) -> dict[str, type[HTTPConnectionPool]]:
    class CheckedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _checked(super()._new_conn(), policy)

    class CheckedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _checked(super()._new_conn(), policy)

    class CheckedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = CheckedHTTPConnection

    class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = CheckedHTTPSConnection

    return {"http": CheckedHTTPConnectionPool, "https": CheckedHTTPSConnectionPool}


class _PeerCheckedAdapter(HTTPAdapter):
    def __init__(self, policy: PushPolicy, pool_size: int) -> None:
        self._pool_classes = _pool_classes(policy)
        super().__init__(pool_connections=16, pool_maxsize=pool_size, max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pool_classes
