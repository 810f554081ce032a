"""Dispatch: due reminders turned into pushes at a local push service, against bare pywebpush.

    python -m bench.dispatch [--engine sqlite|postgresql|both] [--accounts 200] [--reminders 5]
                             [--rounds 3]

Over a throwaway database, ``--accounts`` accounts each get one subscription and
``--reminders`` reminders due at the same minute, written through the sync push as the app
writes them. Each round moves a fake clock to the next day's due instant and times
``Dispatcher.drain()``: claiming the due reminders, reading what each says (limb statuses,
exercise names, whether the limb was trained that day), queueing one message per subscription,
leasing them, encrypting, signing (VAPID header cached per origin), POSTing 8 at a time and
recording every outcome — all a dispatcher does. The baseline, in the same round: pywebpush's
``webpush()`` in a loop over the same subscriptions and as many messages, with the same payload
(fresh claims each call, no session), and nothing else. The push service is the in-test
receiver in its own process, answering 201 without checks. Figures are medians over the rounds
after a warm-up round. Goal: dispatcher ÷ bare ≥ 0.5.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import time
from multiprocessing.connection import Connection
from pathlib import Path

from argon2 import PasswordHasher
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import webpush

from backend.app import build_dispatcher, build_services
from backend.db.migrate import upgrade
from backend.push.sender import REMINDER
from backend.push.vapid import VapidKey
from backend.services.passwords import Passwords
from backend.services.ports import SystemEntropy
from backend.settings import load_settings
from bench.server import postgres_base_url, throwaway_postgres
from bench.stats import ENGINE_CHOICES, for_each_engine, median
from tests.support.fakes import FakeClock
from tests.support.lifters import due_reminders
from tests.support.push_receiver import BrowserSubscription, PushReceiver

SUBJECT = "mailto:bench@sidewise.test"
DAY_MS = 86_400_000
GOAL = 0.5
# What a plain reminder of the seeded kind says, for the bare loop.
PAYLOAD = (
    '{"title":"Left leg day","body":"Single-leg press","tag":"reminder-left_leg",'
    '"url":"/#/log?exercise=single-leg-press&side=left"}'
)


def _serve(conn: Connection) -> None:
    with PushReceiver(verify=False) as receiver:
        conn.send(receiver.origin)
        conn.recv()  # until the parent says stop


def _bare(key: VapidKey, subs: list[BrowserSubscription], messages: int) -> float:
    """Seconds for ``messages`` webpush() calls spread over ``subs``."""
    vapid = Vapid02.from_pem(key.private_pem())
    infos = [sub.as_json() for sub in subs]
    began = time.perf_counter()
    for n in range(messages):
        webpush(
            infos[n % len(infos)],
            PAYLOAD,
            vapid_private_key=vapid,
            vapid_claims={"sub": SUBJECT},
            ttl=REMINDER.ttl,
            timeout=10,
        )
    return time.perf_counter() - began


async def run_engine(url: str, tmp: Path, origin: str, args: argparse.Namespace) -> None:
    await asyncio.to_thread(upgrade, url)
    key = VapidKey.generate()
    settings = load_settings(
        {},
        database_url=url,
        data_dir=tmp,
        vapid_private_key=key.private_raw(),
        vapid_subject=SUBJECT,
        push_allow_loopback=True,
    )
    clock = FakeClock(0)
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    services = build_services(settings, wall=clock, passwords=Passwords(4, hasher))
    subs: list[BrowserSubscription] = []

    def subscribe() -> BrowserSubscription:
        sub_id = f"b{len(subs)}"
        private = ec.generate_private_key(ec.SECP256R1())
        subs.append(BrowserSubscription(sub_id, f"{origin}/push/{sub_id}", private, os.urandom(16)))
        return subs[-1]

    now = int(time.time() * 1000)
    due_at = now - now % 60_000
    await due_reminders(
        services,
        clock,
        subscribe,
        accounts=args.accounts,
        per_account=args.reminders,
        due_at_ms=due_at,
    )
    dispatcher, sender = build_dispatcher(settings, services.db, key, clock, SystemEntropy())
    messages = args.accounts * args.reminders
    rates: list[tuple[float, float, float]] = []
    try:
        for day in range(args.rounds + 1):  # the first round warms connections up, untimed
            clock.now = due_at + day * DAY_MS
            cpu, began = time.process_time(), time.perf_counter()
            await dispatcher.drain()
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
            bare = await asyncio.to_thread(_bare, key, subs, messages)
            if day:
                rates.append((messages / elapsed, messages / bare, cpu / messages * 1e6))
    finally:
        sender.close()
        await services.db.dispose()
    dispatch_rate = median([r[0] for r in rates])
    bare_rate = median([r[1] for r in rates])
    ratio = dispatch_rate / bare_rate
    print(
        f"  {messages:,} pushes per round ({args.accounts} accounts × {args.reminders} "
        f"reminders), median of {args.rounds} rounds:\n"
        f"    dispatcher (claim, compose, queue, send, record) {dispatch_rate:7,.0f} pushes/s"
        f"  ({median([r[2] for r in rates]):,.0f} µs CPU/push in this process)\n"
        f"    bare webpush() loop                              {bare_rate:7,.0f} pushes/s\n"
        f"    ratio {ratio:.2f} (goal ≥ {GOAL}: {'met' if ratio >= GOAL else 'missed'})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.dispatch",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engine", choices=ENGINE_CHOICES, default="both")
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--reminders", type=int, default=5, help="due reminders per account")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not (1 <= args.accounts <= 5000 and 1 <= args.reminders <= 20 and 1 <= args.rounds <= 20):
        parser.error("--accounts 1..5000, --reminders 1..20, --rounds 1..20")

    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_serve, args=(child,))
    process.start()
    try:
        origin = parent.recv()

        def run(engine: str, tmp: Path) -> None:
            if engine == "sqlite":
                sqlite = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
                asyncio.run(run_engine(sqlite, tmp, origin, args))
                return
            with throwaway_postgres(postgres_base_url(), prefix="sidewise_dispatch") as url:
                asyncio.run(run_engine(url, tmp, origin, args))

        for_each_engine(args.engine, "sidewise-dispatch-", "seeding, then rounds", run)
    finally:
        parent.send("stop")
        process.join(timeout=5)


if __name__ == "__main__":
    main()
