"""The device bindings a worker remembers are bounded: many devices cannot grow its memory
without end, and a binding dropped from the cache is read again from the database."""

from __future__ import annotations

import pytest

from backend.domain.errors import Forbidden
from backend.services import devices as device_module
from backend.services.container import Services
from tests.sync_server.conftest import new_account


async def test_the_cache_keeps_the_most_recently_used_bindings_only(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(device_module, "CACHE_SIZE", 8)
    replicas = await new_account(services, devices=30)
    other = (await new_account(services))[0]
    registry = services.devices
    assert registry.cached == 8
    for replica in replicas:  # every binding still holds, evicted or not
        await registry.require(replica.account_id, replica.device_id)
        assert registry.cached <= 8
    with pytest.raises(Forbidden):
        await registry.require(other.account_id, replicas[0].device_id)
    assert registry.cached == 8
