"""Who is asking, for throttling and the security log: the direct peer, unless that peer is a
configured reverse proxy, in which case its X-Forwarded-For is read from the right, past every
trusted proxy, to the first address no trusted proxy vouches for. A client cannot choose its
own address by sending the header: left of that point nothing is believed."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from litestar import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class ClientAddresses:
    trusted: tuple[Network, ...]

    @classmethod
    def parse(cls, proxies: tuple[str, ...]) -> ClientAddresses:
        return cls(tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies))

    def of(self, request: Request[Any, Any, Any]) -> str:
        peer = request.client.host if request.client else ""
        if not self._is_trusted(peer):
            return peer
        hops = ",".join(request.headers.getall("x-forwarded-for", [])).split(",")
        client = peer
        for hop in reversed([h.strip() for h in hops if h.strip()]):
            try:
                client = str(ipaddress.ip_address(hop))
            except ValueError:
                return client  # garbage from further left: the last proxy's word stands
            if not self._is_trusted(client):
                return client
        return client

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted)


def client_address(request: Request[Any, Any, Any]) -> str:
    addresses: ClientAddresses = request.app.state.client_addresses
    return addresses.of(request)
