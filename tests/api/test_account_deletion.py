"""Deleting an account erases every row that names it, in every table, on both engines."""

from __future__ import annotations

import time
from typing import Any

from litestar import Litestar
from sqlalchemy import text

from backend.db.tables import metadata
from backend.services.throttle import account_bucket_keys, email_key
from tests.conftest import open_client
from tests.support.api import PASSWORD, User, new_id, sign_up
from tests.support.imports import fixture, import_file
from tests.support.sets import push_all

NOW = int(time.time() * 1000)
# Tables this test fills for the deleted account before deleting it (every table in the
# schema it was written against); a table added later is still checked to be empty after.
FILLED = {
    "account", "web_session", "device", "sync_counter", "record", "op_log", "field_state",
    "logged_set", "set_daily", "set_weekly", "push_subscription", "reminder_schedule", "push_send",
    "rate_limit", "sign_in_failure", "security_event",
}  # fmt: skip


async def fill(app: Litestar, user: User) -> int:
    """Give the account rows in every table: sets, a reminder, a subscription, a queued push,
    throttling state and security events."""
    await import_file(user, fixture("strong.csv"))
    await user.client.post("/api/devices", headers=user.csrf)
    await user.post("/api/auth/login", {"email": user.email, "password": "not it at all"})
    reminder = new_id(NOW)
    fields = {"weekdays": 127, "local_time": "07:30", "tz": "UTC", "limb": "left_leg",
              "exercises": "single-leg-press", "enabled": True}  # fmt: skip
    await push_all(user, [user.op("reminder", reminder, f, v, NOW) for f, v in fields.items()])
    async with app.state.services.db.write() as conn:
        account_id = (
            await conn.execute(text("SELECT id FROM account WHERE email = :e"), {"e": user.email})
        ).scalar_one()
        sub = (
            await conn.execute(
                text(
                    "INSERT INTO push_subscription (account_id, endpoint, p256dh, auth, key_id, "
                    "created_at_ms, registered_at_ms) VALUES (:a, :e, 'k', 'a', 'kid', 1, 1) "
                    "RETURNING id"
                ),
                {"a": account_id, "e": f"https://fcm.googleapis.com/fcm/send/{user.email}"},
            )
        ).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO push_send (record_id, fire_at_ms, subscription_id, account_id, kind, "
                "payload, topic, state, attempts, next_attempt_ms, expires_at_ms, "
                "lease_until_ms, created_at_ms, updated_at_ms) VALUES (:r, 1, :s, :a, "
                "'reminder', '{}', 't', 'pending', 0, 1, 2, 0, 1, 1)"
            ),
            {"r": reminder, "s": sub, "a": account_id},
        )
    return int(account_id)


def _owned(table: str, account_id: int, email: str) -> tuple[str, dict[str, Any]]:
    """The condition that picks a table's rows of the account."""
    if table == "rate_limit":
        keys = account_bucket_keys(account_id, email)
        return "key IN (:k0, :k1)", {"k0": keys[0], "k1": keys[1]}
    if table == "sign_in_failure":
        return "email_key = :k", {"k": email_key(email)}
    return ("id" if table == "account" else "account_id") + " = :a", {"a": account_id}


async def rows_of(app: Litestar, account_id: int, email: str) -> dict[str, list[Any]]:
    """Every table's rows that belong to the account; a table that cannot say fails."""
    found: dict[str, list[Any]] = {}
    async with app.state.services.db.read() as conn:
        for table in metadata.sorted_tables:
            where, params = _owned(table.name, account_id, email)
            column = where.split()[0]
            assert column in table.c, f"{table.name} names no account: how is it erased?"
            sql = text(f"SELECT * FROM {table.name} WHERE {where}")
            found[table.name] = sorted(map(repr, await conn.execute(sql, params)))
    return found


async def test_nothing_of_a_deleted_account_remains(app: Litestar) -> None:
    async with open_client(app) as gone_client, open_client(app) as kept_client:
        gone = await sign_up(gone_client, "gone@example.com")
        kept = await sign_up(kept_client, "kept@example.com")
        gone_id, kept_id = await fill(app, gone), await fill(app, kept)
        before = await rows_of(app, gone_id, gone.email)
        assert {name for name, rows in before.items() if rows} >= FILLED
        others = await rows_of(app, kept_id, kept.email)

        wrong = await gone_client.request(
            "DELETE", "/api/me", json={"password": "not it at all"}, headers=gone.csrf
        )
        assert wrong.status_code == 403
        assert wrong.json()["code"] == "bad_password"
        assert await rows_of(app, gone_id, gone.email) == before

        response = await gone_client.request(
            "DELETE", "/api/me", json={"password": PASSWORD}, headers=gone.csrf
        )
        assert response.status_code == 204, response.text
        assert all(rows == [] for rows in (await rows_of(app, gone_id, gone.email)).values())
        assert await rows_of(app, kept_id, kept.email) == others
        assert (await gone_client.get("/api/me")).status_code == 401
        login = await gone.post("/api/auth/login", {"email": gone.email, "password": PASSWORD})
        assert login.status_code == 401
