"""Device (HLC node) ids: issued to an account, and checked on every sync request."""

from __future__ import annotations

from sqlalchemy import text

from backend.db.engine import Database
from backend.domain.errors import Forbidden
from backend.services.ports import Entropy, WallClock
from sync.hlc import is_node_id

_INSERT = text(
    "INSERT INTO device (node_id, account_id, created_at_ms) VALUES (:node, :account, :now)"
)
_OWNER = text("SELECT account_id FROM device WHERE node_id = :node")


class DeviceRegistry:
    def __init__(self, db: Database, wall: WallClock, entropy: Entropy) -> None:
        self.db = db
        self.wall = wall
        self.entropy = entropy
        # A binding never changes once made, so it can be remembered for the process lifetime.
        self._owners: dict[str, int] = {}

    async def register(self, account_id: int) -> str:
        node = self.entropy.token_bytes(8).hex()
        async with self.db.write() as conn:
            await conn.execute(
                _INSERT, {"node": node, "account": account_id, "now": self.wall.now_ms()}
            )
        self._owners[node] = account_id
        return node

    async def require(self, account_id: int, node: str) -> None:
        """Raise Forbidden unless ``node`` was issued to ``account_id``."""
        owner = self._owners.get(node)
        if owner is None and is_node_id(node):
            async with self.db.read() as conn:
                owner = (await conn.execute(_OWNER, {"node": node})).scalar_one_or_none()
            if owner is not None:
                self._owners[node] = owner
        if owner != account_id:
            raise Forbidden(
                "this device id is not registered to you; POST /api/devices for one",
                code="unknown_device",
            )
