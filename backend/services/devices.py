"""Device (HLC node) ids: issued to an account, and checked on every sync request."""

from __future__ import annotations

from collections import OrderedDict

from backend.db import devices as device_rows
from backend.db.engine import Database
from backend.domain.errors import Conflict, Forbidden
from backend.services.ports import Entropy, WallClock
from backend.services.throttle import Throttle
from sync.hlc import is_node_id

CACHE_SIZE = 10_000  # bindings remembered per process, least recently used dropped first


class DeviceRegistry:
    def __init__(
        self,
        db: Database,
        wall: WallClock,
        entropy: Entropy,
        throttle: Throttle,
        max_devices: int,
    ) -> None:
        self.db = db
        self.wall = wall
        self.entropy = entropy
        self.throttle = throttle
        self.max_devices = max_devices
        # A binding never changes once made, so it can be remembered; the cache is bounded so
        # that many devices (or many accounts) cannot grow a worker's memory without end.
        self._owners: OrderedDict[str, int] = OrderedDict()

    async def register(self, account_id: int, address: str = "") -> str:
        await self.throttle.register("device", address, account_id)
        node = self.entropy.token_bytes(8).hex()
        async with self.db.write() as conn:
            await device_rows.lock_account(conn, account_id)
            held = await device_rows.count(conn, account_id)
            if held >= self.max_devices:
                raise Conflict(
                    f"this account already has {held} devices, the most it may hold",
                    code="too_many_devices",
                )
            await device_rows.insert(conn, node, account_id, self.wall.now_ms())
        self._remember(node, account_id)
        return node

    async def require(self, account_id: int, node: str) -> None:
        """Raise Forbidden unless ``node`` was issued to ``account_id``."""
        owner = self._owners.get(node)
        if owner is not None:
            self._owners.move_to_end(node)
        elif is_node_id(node):
            async with self.db.read() as conn:
                owner = await device_rows.owner(conn, node)
            if owner is not None:
                self._remember(node, owner)
        if owner != account_id:
            raise Forbidden(
                "this device id is not registered to you; POST /api/devices for one",
                code="unknown_device",
            )

    @property
    def cached(self) -> int:
        return len(self._owners)

    def _remember(self, node: str, account_id: int) -> None:
        self._owners[node] = account_id
        self._owners.move_to_end(node)
        while len(self._owners) > CACHE_SIZE:
            self._owners.popitem(last=False)
