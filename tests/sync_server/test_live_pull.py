"""Gap-free pulls: devices push concurrently while another device pulls page by page; the
puller's mirror, built only from incremental pulls, ends equal to the server."""

from __future__ import annotations

import asyncio
import random

from backend.services.container import Services
from sync.hlc import Hlc
from sync.merge import FieldValue, merge_all, merge_into
from sync.wire import Op, PullRequest
from tests.support.model import model_state, server_state
from tests.sync_server.conftest import T0, Replica, new_account, new_id

PUSHERS = 3
BATCHES = 25
BATCH_SIZE = 20


async def pusher(replica: Replica, records: list[str], seed: int) -> list[Op]:
    rng = random.Random(seed)
    sent: list[Op] = []
    for batch_no in range(BATCHES):
        batch = []
        for i in range(BATCH_SIZE):
            field = rng.choice(["reps", "note", "weight_g"])
            value = rng.choice([None, "slow", "ok"]) if field == "note" else rng.randint(0, 1000)
            wall = T0 + batch_no * 10 + rng.randint(0, 9)
            hlc = Hlc(wall, i, replica.device_id)
            batch.append(replica.op(rng.choice(records), field, value, hlc))
        response = await replica.push(batch)
        assert all(r.status != "rejected" for r in response.results), response.results
        sent.extend(batch)
        await asyncio.sleep(0)
    return sent


async def test_live_puller_mirror_equals_server(services: Services) -> None:
    replicas = await new_account(services, devices=PUSHERS + 1)
    *pushers, reader = replicas
    records = [new_id() for _ in range(15)]
    mirror: dict[tuple[str, str], FieldValue] = {}
    cursor: str | None = None
    done = asyncio.Event()

    async def pull_page() -> bool:
        nonlocal cursor
        page = await services.pull.pull(
            reader.account_id, PullRequest(reader.device_id, cursor, limit=7)
        )
        assert not page.reset
        for change in page.changes:
            merge_into(mirror, change.record_id, change.field, change.hlc, change.value)
        cursor = page.cursor
        return page.has_more

    async def puller() -> int:
        pages = 0
        while not done.is_set():
            await pull_page()
            pages += 1
            # Let several pushes commit between pages, so pages span many seqs.
            await asyncio.sleep(0.002 * (pages % 4))
        while await pull_page():  # drain what was committed after the last live page
            pages += 1
        return pages

    puller_task = asyncio.create_task(puller())
    sent = await asyncio.gather(
        *(pusher(replica, records, seed) for seed, replica in enumerate(pushers))
    )
    done.set()
    pages = await puller_task

    ops = [op for batch in sent for op in batch]
    assert pages > BATCHES  # the puller really ran alongside the pushers
    expected = model_state(merge_all(ops))
    assert await server_state(services.db, reader.account_id) == expected
    assert model_state(mirror) == expected
