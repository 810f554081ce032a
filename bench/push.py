"""Push sending: the wrapped sender against bare pywebpush, to the same local push service.

    python -m bench.push [--seconds 2] [--rounds 3] [--subscriptions 32]

The in-test push receiver runs in its own process (answering 201 without checking, so its cost
stays out of this process) on 127.0.0.1. Each round times, for ``--seconds`` each:

- ``sender, 1 in flight``: ``PushSender.send`` awaited one at a time (guard, address check,
  encryption, cached VAPID header, pooled session, worker thread);
- ``sender, 8 in flight``: the same with 8 sends outstanding, as a dispatcher would run it;
- ``bare webpush()``: pywebpush's one-call API in a loop, a fresh claims dict each call (it
  mutates the dict), no session: what most code does;
- ``bare webpush() + session``: the same with one ``requests.Session`` passed in.

Figures are medians over the rounds of sends/s and of this process's CPU time per send (the
sender's own cost, whatever the receiver's speed), each with its ratio to ``bare webpush()``
measured in the same run. Goal: the 1-in-flight sender at least as fast as the bare loop
(ratio ≥ 1.0), since its checks must not cost more than pooling and token reuse save.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

import requests
from py_vapid import Vapid02
from pywebpush import webpush

from backend.push.guard import PushPolicy, Subscription
from backend.push.sender import REMINDER, PushSender
from backend.push.vapid import VapidKey
from bench.stats import median
from tests.support.push_receiver import PushReceiver

SUBJECT = "mailto:bench@sidewise.test"
PAYLOAD = b'{"title":"Left leg day","body":"Single-leg press 3 \\u00d7 8, slow eccentric"}'
GOAL = 1.0


def _serve(conn: Connection) -> None:
    with PushReceiver(verify=False) as receiver:
        conn.send(receiver.origin)
        conn.recv()  # until the parent says stop


async def _sender_rate(
    sender: PushSender, subs: list[Subscription], seconds: float, inflight: int
) -> float:
    sent, deadline = 0, time.perf_counter() + seconds
    started = time.perf_counter()

    async def worker(offset: int) -> None:
        nonlocal sent
        i = offset
        while time.perf_counter() < deadline:
            outcome = await sender.send(subs[i % len(subs)], PAYLOAD, delivery=REMINDER)
            if outcome.result != "sent":
                raise RuntimeError(f"send failed: {outcome}")
            sent, i = sent + 1, i + inflight

    await asyncio.gather(*(worker(n) for n in range(inflight)))
    return sent / (time.perf_counter() - started)


def _bare_rate(
    key: VapidKey, subs: list[Subscription], seconds: float, session: requests.Session | None
) -> float:
    vapid = Vapid02.from_pem(key.private_pem())
    infos = [{"endpoint": s.endpoint, "keys": {"p256dh": s.p256dh, "auth": s.auth}} for s in subs]
    sent, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        webpush(
            infos[sent % len(infos)],
            PAYLOAD.decode(),
            vapid_private_key=vapid,
            vapid_claims={"sub": SUBJECT},
            ttl=REMINDER.ttl,
            timeout=10,
            requests_session=session,
        )
        sent += 1
    return sent / (time.perf_counter() - started)


def _cpu_per_send(cpu_before: float, rate: float, seconds: float) -> float:
    return (time.process_time() - cpu_before) / max(1.0, rate * seconds) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--subscriptions", type=int, default=32)
    args = parser.parse_args()

    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(child,))
    process.start()
    try:
        origin = parent.recv()
        with PushReceiver() as keys:  # only to mint subscriptions with real key pairs
            minted = [keys.subscribe() for _ in range(args.subscriptions)]
        subs = [
            Subscription(f"{origin}/push/{m.id}", m.p256dh, m.subscription.auth) for m in minted
        ]
        asyncio.run(_run(subs, args.seconds, args.rounds))
    finally:
        parent.send("stop")
        process.join(timeout=5)


async def _run(subs: list[Subscription], seconds: float, rounds: int) -> None:
    key = VapidKey.generate()
    policy = PushPolicy(host_suffixes=(), allow_loopback=True)
    sender = PushSender(key, SUBJECT, policy, concurrency=8)
    session = requests.Session()
    loop = asyncio.get_running_loop()

    def bare(with_session: bool) -> Callable[[], float]:
        return lambda: _bare_rate(key, subs, seconds, session if with_session else None)

    figures: dict[str, list[tuple[float, float]]] = {}
    await _sender_rate(sender, subs, 0.3, 1)  # warm-up: connections, token, threads
    for _ in range(rounds):
        for name, measure in (
            ("sender, 1 in flight", lambda: _sender_rate(sender, subs, seconds, 1)),
            ("sender, 8 in flight", lambda: _sender_rate(sender, subs, seconds, 8)),
        ):
            cpu = time.process_time()
            rate = await measure()
            figures.setdefault(name, []).append((rate, _cpu_per_send(cpu, rate, seconds)))
        for name, blocking in (
            ("bare webpush()", bare(False)),
            ("bare webpush() + session", bare(True)),
        ):
            cpu = time.process_time()
            rate = await loop.run_in_executor(None, blocking)
            figures.setdefault(name, []).append((rate, _cpu_per_send(cpu, rate, seconds)))
    sender.close()
    session.close()

    base_rate = median([rate for rate, _ in figures["bare webpush()"]])
    base_cpu = median([cpu for _, cpu in figures["bare webpush()"]])
    print(f"{len(subs)} subscriptions, {rounds} rounds × {seconds:g} s each, medians:")
    for name, values in figures.items():
        rate, cpu = median([r for r, _ in values]), median([c for _, c in values])
        print(
            f"  {name:26} {rate:7,.0f} sends/s (ratio {rate / base_rate:4.2f})"
            f"  {cpu:5.0f} µs CPU/send (ratio {cpu / base_cpu:4.2f})"
        )
    ratio = median([rate for rate, _ in figures["sender, 1 in flight"]]) / base_rate
    print(
        f"goal: sender (1 in flight) ÷ bare webpush() ≥ {GOAL:.1f}: {ratio:.2f} "
        f"{'met' if ratio >= GOAL else 'missed'}"
    )


if __name__ == "__main__":
    main()
