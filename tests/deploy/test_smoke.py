"""Deploy smoke: Sidewise run the way deploy/README.md runs it, end to end on PostgreSQL.

Settings come from deploy/.env.example, with only what this machine needs changed
(``smoke_settings``). A fresh database; ``sidewise migrate``; one VAPID key made by
``sidewise vapid --private`` and handed to every process through SIDEWISE_VAPID_PRIVATE_KEY;
two ``sidewise serve`` instances of two workers each on ephemeral ports (as
``sidewise@.service`` runs them); two ``sidewise dispatch``; the in-test push receiver.

Two people sign up on one instance and carry on on the other, so sessions and CSRF tokens must
hold across instances: a device, sets, a push subscription, then a reminder due at the next
minute (one of them marked their left arm injured, so theirs is for the right arm). The
receiver must get exactly one reminder per subscription, signed with that VAPID key, decrypted
with the subscription's keys. Then every process gets SIGTERM, as ``systemctl stop`` sends it,
and must exit 0, leave no process behind, and log no traceback and no error.

SIDEWISE_ENV is development: production refuses SIDEWISE_PUSH_ALLOW_LOOPBACK (the receiver
listens on loopback, over http) and marks cookies Secure, which no client sends over http.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from backend.db.schema import head_revision
from bench.server import free_port, throwaway_postgres
from sync.canon import Scalar
from tests.deploy.fleet import Fleet
from tests.support.api import PASSWORD, User, new_id
from tests.support.databases import POSTGRES_URL
from tests.support.push_receiver import BrowserSubscription, PushReceiver, Received

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STARTUP_S = 40.0  # migrate and four workers importing at once on two busy cores
LEAD_S = 2  # a reminder stored after its minute began would wait a week
DELIVERY_S = 20.0  # dispatchers poll every second; room for a loaded machine
TWIN_S = 2.0  # longer than a dispatcher's poll: a second copy of a reminder would arrive by then
SET: dict[str, Scalar] = {"reps": 8, "weight_g": 20_000, "rpe_x10": 80, "eccentric_ms": 3000}


def example_settings() -> dict[str, str]:
    text = (ROOT / "deploy" / ".env.example").read_text()
    return dict(re.findall(r"^(SIDEWISE_[A-Z_]+)=(.*)$", text, re.M))


def smoke_settings(database_url: str, data_dir: Path, vapid_private_key: str) -> dict[str, str]:
    """deploy/.env.example with what a test machine needs instead."""
    return example_settings() | {
        "SIDEWISE_ENV": "development",
        "SIDEWISE_DATA_DIR": str(data_dir),
        "SIDEWISE_DATABASE_URL": database_url,
        "SIDEWISE_WORKERS": "2",  # two cores here
        "SIDEWISE_SECRET_KEY": secrets.token_urlsafe(32),
        # Clients send "Host: 127.0.0.1:<port>"; each instance also allows its own port.
        "SIDEWISE_ALLOWED_HOSTS": "127.0.0.1",
        "SIDEWISE_VAPID_PRIVATE_KEY": vapid_private_key,
        "SIDEWISE_PUSH_ALLOW_LOOPBACK": "1",
    }


@dataclass(frozen=True)
class Person:
    email: str
    zone: str
    logged: str  # the exercise of today's sets: another body part, so the reminder still fires
    reminder_limb: str
    exercises: str
    injured: str | None  # a limb marked injured: the reminder goes to the opposite one
    title: str  # what the reminder must say


PEOPLE = (
    Person(
        email="left.leg@sidewise.test",
        zone="Europe/Berlin",
        logged="single-arm-db-row",
        reminder_limb="left_leg",
        exercises="single-leg-press,single-leg-curl",
        injured=None,
        title="Left leg day",
    ),
    Person(
        email="injured.arm@sidewise.test",
        zone="America/New_York",
        logged="single-leg-press",
        reminder_limb="left_arm",
        exercises="single-arm-db-press",
        injured="left_arm",
        title="Right arm day",
    ),
)


def now_ms() -> int:
    return int(time.time() * 1000)


async def join(person: Person, sign_up_at: str, work_at: str, sub: BrowserSubscription) -> User:
    """Sign up on one instance, then device, sets and subscription on the other."""
    client = httpx.AsyncClient(base_url=sign_up_at, timeout=30.0)
    await client.get("/api/me")  # the CSRF cookie
    user = User(client, person.email)
    response = await user.post("/api/auth/signup", {"email": person.email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    client.base_url = httpx.URL(work_at)
    response = await user.post("/api/devices")
    assert response.status_code == 201, response.text
    user.device_id = response.json()["device_id"]
    stamp = now_ms()
    records: list[tuple[str, dict[str, Scalar]]] = [
        ("set", {**SET, "exercise": person.logged, "side": side, "performed_at": stamp})
        for side in ("left", "right")
    ]
    if person.injured:
        today = datetime.now(ZoneInfo(person.zone)).date().isoformat()
        records.append(
            ("limb_status", {"limb": person.injured, "status": "injured", "since": today})
        )
    ops = [
        user.op(kind, record_id, name, value, stamp)
        for kind, fields in records
        for record_id in [new_id(stamp)]
        for name, value in fields.items()
    ]
    await push(user, ops)
    response = await user.post("/api/push/subscriptions", sub.as_json())
    assert response.status_code == 201, response.text
    return user


async def push(user: User, ops: list[dict[str, Any]]) -> None:
    response = await user.push(ops)
    assert response.status_code == 200, response.text
    assert {r["status"] for r in response.json()["results"]} == {"applied"}, response.text


async def set_reminder(user: User, person: Person, reminder_id: str, due: datetime) -> None:
    local = due.astimezone(ZoneInfo(person.zone))
    fields: dict[str, Scalar] = {
        "weekdays": 1 << local.weekday(),  # bit 0 = Monday
        "local_time": local.strftime("%H:%M"),
        "tz": person.zone,
        "limb": person.reminder_limb,
        "exercises": person.exercises,
        "enabled": True,
    }
    stamp = now_ms()
    await push(user, [user.op("reminder", reminder_id, n, v, stamp) for n, v in fields.items()])


async def sync_two_people(urls: list[str], subs: list[BrowserSubscription]) -> datetime:
    """Both people set up, then their reminders for the next whole minute; returns it."""
    users = [await join(person, urls[i], urls[1 - i], subs[i]) for i, person in enumerate(PEOPLE)]
    reminder_ids = [new_id(now_ms()) for _ in PEOPLE]
    while True:
        soon = datetime.now(UTC) + timedelta(seconds=LEAD_S)
        due = soon.replace(second=0, microsecond=0) + timedelta(minutes=1)
        for user, person, reminder_id in zip(users, PEOPLE, reminder_ids, strict=True):
            await set_reminder(user, person, reminder_id, due)
        # Stored too late (a very slow machine), it would fire next week: move it on.
        if datetime.now(UTC) < due:
            break
    for user in users:
        await user.client.aclose()
    return due


def wait_for_reminders(
    fleet: Fleet, receiver: PushReceiver, subs: list[BrowserSubscription], deadline: float
) -> None:
    while not all(receiver.messages(sub) for sub in subs):
        fleet.assert_running()
        if time.monotonic() > deadline:
            got = [(r.subscription_id, r.status, r.error) for r in receiver.messages()]
            raise AssertionError(f"reminders missing at {datetime.now(UTC)}; received {got}")
        time.sleep(0.2)


def check_message(message: Received, person: Person, public_key: str) -> None:
    assert message.error is None, message.error
    assert message.status == 201
    assert message.claims is not None
    assert message.claims["sub"] == example_settings()["SIDEWISE_VAPID_SUBJECT"]
    assert f"k={public_key}" in message.headers["authorization"].replace(" ", "")
    assert {"ttl", "urgency", "topic"} <= message.headers.keys()
    assert message.plaintext is not None
    assert json.loads(message.plaintext)["title"] == person.title


def check_logs(fleet: Fleet) -> None:
    for path in fleet.log_dir.glob("*.log"):
        text = path.read_text(errors="replace")
        assert "Traceback" not in text, f"{path.stem} logged a traceback"
        errors = [line for line in text.splitlines() if line.startswith("ERROR")]
        assert not errors, f"{path.stem} logged errors: {errors}"


def test_a_deployment_sends_due_reminders_and_stops_cleanly(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    began = time.monotonic()
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("SIDEWISE_")}
    with (
        throwaway_postgres(POSTGRES_URL, prefix="sidewise_smoke") as database_url,
        PushReceiver() as receiver,
        Fleet(tmp_path, base_env) as fleet,
    ):
        try:
            # Made once, somewhere else, and handed to every host (deploy/README.md).
            vapid_env = base_env | {"SIDEWISE_DATA_DIR": str(tmp_path / "vapid")}
            made = fleet.once("vapid", "vapid", "--private", env=vapid_env)
            private_key = re.search(r"^SIDEWISE_VAPID_PRIVATE_KEY=(\S+)$", made, re.M)
            public_key = re.search(r"^public key: (\S+)$", made, re.M)
            assert private_key, made
            assert public_key, made
            fleet.env |= smoke_settings(database_url, tmp_path / "data", private_key[1])
            fleet.once("migrate", "migrate")
            ports = [free_port(), free_port()]
            for name, port in zip(("app-a", "app-b"), ports, strict=True):
                fleet.start(name, "serve", "--port", str(port))
            fleet.start("dispatch-1", "dispatch")
            fleet.start("dispatch-2", "dispatch")
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            for name, url in zip(("app-a", "app-b"), urls, strict=True):
                health = fleet.wait_healthy(name, url, began + STARTUP_S)
                assert health == {
                    "status": "ok",
                    "database": "postgresql",
                    "schema": head_revision(),
                }
            fleet.assert_running()

            subs = [receiver.subscribe(), receiver.subscribe()]
            due = asyncio.run(sync_two_people(urls, subs))
            wait_for = due.timestamp() - time.time() + DELIVERY_S
            wait_for_reminders(fleet, receiver, subs, time.monotonic() + wait_for)
            time.sleep(TWIN_S)

            exits = fleet.stop_all()
            assert exits == dict.fromkeys(exits, 0), f"exit codes after SIGTERM: {exits}"
            assert fleet.leftovers() == [], "processes outlived their parent"
            for sub, person in zip(subs, PEOPLE, strict=True):
                messages = receiver.messages(sub)  # two dispatchers, yet one copy
                assert len(messages) == 1, f"{person.email} got {len(messages)} reminders"
                check_message(messages[0], person, public_key[1])
            check_logs(fleet)
        except BaseException:
            print(fleet.report())  # pytest shows it with the failure
            raise
