"""Verifying a request's session: from the process's cache versus a database lookup.

Signs up ``--accounts`` accounts in-process (the services the API calls, on a throwaway
database), then verifies their session tokens in rounds, alternating the server's path
(``Accounts.authenticate`` with its cache warm; on PostgreSQL the cache is trusted once the
process listens for ended sessions) and the baseline: the same call with a cache that is never
trusted, so every call reads ``web_session`` joined to ``account`` as before. Prints per-call
medians over rounds and the ratio of baseline time to cached time.

    python -m bench.sessions [--engine sqlite|postgresql|both] [--accounts 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import time
from pathlib import Path

from argon2 import PasswordHasher

from backend.app import build_services, session_listener
from backend.db.migrate import upgrade
from backend.services.accounts import Accounts, Sessions
from backend.services.passwords import Passwords
from backend.settings import load_settings
from bench.server import UNTHROTTLED, postgres_base_url, throwaway_postgres
from bench.stats import for_each_engine, median

PASSWORD = "correct horse battery"


async def per_call_s(accounts: Accounts, tokens: list[str]) -> float:
    began = time.perf_counter()
    for token in tokens:
        await accounts.authenticate(token)
    return (time.perf_counter() - began) / len(tokens)


async def run_engine(url: str, tmp: Path, args: argparse.Namespace) -> None:
    await asyncio.to_thread(upgrade, url)
    unthrottled = {k.removeprefix("SIDEWISE_").lower(): v for k, v in UNTHROTTLED.items()}
    settings = load_settings({}, database_url=url, data_dir=tmp, **unthrottled)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    services = build_services(settings, passwords=Passwords(2, hasher))
    listener = session_listener(services)
    if listener is not None:
        listener.start()
    try:
        async with asyncio.timeout(30):
            while not services.accounts.cache.trusted:  # noqa: ASYNC110 (the listener's state)
                await asyncio.sleep(0.01)
        tokens = [
            (await services.accounts.sign_up(f"lifter{n}@example.com", PASSWORD)).token
            for n in range(args.accounts)
        ]
        uncached = copy.copy(services.accounts)
        uncached.cache = Sessions(shared=True)  # never listening: never trusted
        await per_call_s(services.accounts, tokens)  # warm the cache and the connections
        await per_call_s(uncached, tokens)
        cached_s, lookup_s = [], []
        for _ in range(args.rounds):
            cached_s.append(await per_call_s(services.accounts, tokens))
            lookup_s.append(await per_call_s(uncached, tokens))
        cached, lookup = median(cached_s), median(lookup_s)
        print(
            f"  cached {cached * 1e6:,.1f} µs/request, database lookup {lookup * 1e6:,.1f} "
            f"µs/request: lookup ÷ cached = {lookup / cached:,.0f}× "
            f"(cached ÷ lookup time = {cached / lookup:.4f})"
        )
    finally:
        if listener is not None:
            await listener.stop()
        await services.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    def run(engine: str, tmp: Path) -> None:
        if engine == "sqlite":
            asyncio.run(run_engine(f"sqlite+aiosqlite:///{tmp / 'bench.db'}", tmp, args))
            return
        with throwaway_postgres(postgres_base_url(), prefix="sidewise_sessions") as url:
            asyncio.run(run_engine(url, tmp, args))

    heading = f"{args.accounts} sessions verified {args.rounds} rounds each way"
    for_each_engine(args.engine, "sidewise-sessions-", heading, run)


if __name__ == "__main__":
    main()
