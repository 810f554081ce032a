"""A reminder from end to end: created on the Reminders screen, sent by the server's dispatcher
to an in-test push service, shown by the service worker, and tapped into the Log screen.

Chromium cannot reach a real push service here (see "Push in the browser" in the testing
notes), so ``PushManager.prototype.subscribe`` is stubbed to hand the app a subscription whose
endpoint is ``PushReceiver``, with keys the test made. The receiver checks the VAPID token and
decrypts what the server sent; the test gives that plaintext to the service worker through the
DevTools protocol (``ServiceWorker.deliverPushMessage``), as the push service would. Playwright
cannot tap an OS notification, so the test dispatches a real ``NotificationEvent`` for the shown
notification inside the worker, and the app's own ``notificationclick`` handler takes it from
there.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.domain.reminders import reminder_message
from backend.push.vapid import VapidKey
from tests.browser.support import (
    EXERCISE,
    PHONE,
    TIMEOUT_MS,
    AppServer,
    open_app,
    page_state,
    signed_up,
    tab,
    wait_synced,
)
from tests.support.databases import SqliteTemplate
from tests.support.push_receiver import BrowserSubscription, PushReceiver, Received

ZONE = "Europe/Berlin"
EMAIL = "reminded@example.com"
# Seconds the dispatcher may take past the due minute (its poll, the send, a busy machine).
DISPATCH_SLACK_S = 45
# What the app passed to subscribe(), kept in localStorage so a reload still "holds" it.
STUB_KEY = "test.push-subscription"
STUB = """(() => {
  if (typeof window === "undefined" || !("PushManager" in window)) return;
  const SUB = %s;
  const STORE = %s;
  const bytes = (text) => {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(b64 + "===".slice((b64.length + 3) %% 4)), (c) => c.charCodeAt(0))
      .buffer;
  };
  const b64url = (key) =>
    btoa(String.fromCharCode(...new Uint8Array(key)))
      .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const subscription = (key) => ({
    endpoint: SUB.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: bytes(key) },
    getKey: (name) => bytes(SUB.keys[name]),
    toJSON: () => SUB,
    unsubscribe: async () => (localStorage.removeItem(STORE), true),
  });
  PushManager.prototype.subscribe = async function (options) {
    if (options?.userVisibleOnly !== true) throw new DOMException("silent", "NotAllowedError");
    const key = options.applicationServerKey;
    localStorage.setItem(STORE, typeof key === "string" ? key : b64url(key));
    return subscription(localStorage.getItem(STORE));
  };
  PushManager.prototype.getSubscription = async function () {
    const key = localStorage.getItem(STORE);
    return key ? subscription(key) : null;
  };
})();"""
NOTIFICATIONS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  const shown = await registration.getNotifications();
  return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
}"""
# A tap on the shown notification, as the browser would report it to the worker.
TAP = """async () => {
  const [notification] = await self.registration.getNotifications();
  self.dispatchEvent(new NotificationEvent("notificationclick", { notification }));
  return notification.tag;
}"""


def raw_private_key() -> str:
    """A fresh VAPID private key as SIDEWISE_VAPID_PRIVATE_KEY takes it."""
    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode()


class PushServer(AppServer):
    """The server with a VAPID key, allowed to send to the loopback receiver."""

    def __init__(self, data_dir: Path, vapid_private_key: str) -> None:
        super().__init__(data_dir)
        self.vapid_private_key = vapid_private_key

    def env(self) -> dict[str, str]:
        return {
            **super().env(),
            "SIDEWISE_VAPID_PRIVATE_KEY": self.vapid_private_key,
            "SIDEWISE_PUSH_ALLOW_LOOPBACK": "1",
        }

    def subscription_keys(self, endpoint: str) -> list[str]:
        """The VAPID key ids the server holds subscriptions to ``endpoint`` under."""
        rows = self.query("SELECT key_id FROM push_subscription WHERE endpoint = ?", (endpoint,))
        return [key_id for (key_id,) in rows]


@pytest.fixture(scope="module")
def push_server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate
) -> Iterator[PushServer]:
    server = PushServer(tmp_path_factory.mktemp("push") / "data", raw_private_key())
    sqlite_template.fresh(server.data_dir)
    server.start()
    yield server
    server.close()


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


def stubbed_phone(browser: Browser, base_url: str, sub: BrowserSubscription) -> BrowserContext:
    """A phone in ``ZONE`` that allows notifications and subscribes to ``sub``."""
    context = browser.new_context(viewport=PHONE, timezone_id=ZONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["notifications"], origin=base_url)
    context.add_init_script(script=STUB % (json.dumps(sub.as_json()), json.dumps(STUB_KEY)))
    return context


def expect_notifications(page: Page, state: str, server: AppServer) -> None:
    """The toggle reaches ``state``; if it does not, the failure shows why: what the page
    showed and logged and the end of the server's log (this test closes its phone before the
    package's failure report would read it)."""
    toggle = page.get_by_test_id("notifications-toggle")
    try:
        expect(toggle).to_have_attribute("data-state", state)
    except AssertionError as failure:
        log = server.log_path.read_text(errors="replace").splitlines()[-30:]
        raise AssertionError(
            f"notifications are {toggle.get_attribute('data-state')!r}, not {state!r}; "
            f"the page: {page_state(page)}\nserver log:\n" + "\n".join(log)
        ) from failure


def key_passed(page: Page) -> str | None:
    """The applicationServerKey the app passed to the stubbed subscribe(), if it holds one."""
    key: str | None = page.evaluate(f"localStorage.getItem({json.dumps(STUB_KEY)})")
    return key


def deliver(page: Page, base_url: str, data: str) -> None:
    """What a push service does: hand ``data`` to the app's service worker registration."""
    cdp = page.context.new_cdp_session(page)
    found: list[str] = []

    def seen(event: dict[str, Any]) -> None:
        found.extend(
            r["registrationId"]
            for r in event["registrations"]
            if r["scopeURL"] == base_url + "/" and not r["isDeleted"]
        )

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # lets Playwright dispatch the events
    assert found, f"no service worker registration for {base_url}/"
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base_url, "registrationId": found[0], "data": data},
    )
    cdp.detach()


def shown_notifications(
    page: Page, count: int = 1, wait_s: float = 3 * TIMEOUT_MS / 1000
) -> list[dict[str, Any]]:
    """The worker's notifications once ``count`` show (showNotification resolves after the
    push event returns; a worker stopped while idle starts first, slowly on a busy machine)."""
    deadline = time.monotonic() + wait_s
    while True:
        shown: list[dict[str, Any]] = page.evaluate(NOTIFICATIONS)
        if len(shown) >= count or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(50)


def delivered_and_shown(page: Page, base_url: str, data: str) -> list[dict[str, Any]]:
    """Delivers ``data`` until the worker shows it. A push service retries a message the browser
    did not take; DevTools drops one handed to a worker still starting on a busy machine, so
    this retries too. The notification's tag makes a repeat replace, never add, a notification."""
    for _ in range(3):
        deliver(page, base_url, data)
        shown = shown_notifications(page, wait_s=TIMEOUT_MS / 1000)
        if shown:
            return shown
    return []


def wait_for_push(receiver: PushReceiver, sub: BrowserSubscription, until: float) -> Received:
    while not receiver.messages(sub) and time.monotonic() < until:
        time.sleep(0.25)
    assert receiver.errors() == []
    (message,) = receiver.messages(sub)
    return message


def due_minute(zone: ZoneInfo) -> datetime:
    """The next local minute at least 20 s away: time to save and sync the reminder."""
    return (datetime.now(zone) + timedelta(seconds=80)).replace(second=0, microsecond=0)


def create_reminder(page: Page, due: datetime) -> None:
    """Left leg on the due day only, at the due minute, single-leg press; the zone left as the
    device's."""
    page.get_by_test_id("reminder-new").click()
    page.get_by_test_id("reminder-limb-left_leg").check()
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for i, day in enumerate(days):
        toggle = page.get_by_test_id(f"reminder-day-{day}")
        toggle.set_checked(i == due.weekday())
    page.get_by_test_id("reminder-time").fill(due.strftime("%H:%M"))
    expect(page.get_by_test_id("reminder-tz")).to_have_value(ZONE)
    page.locator(f"[data-testid=reminder-exercise][data-exercise={EXERCISE}]").check()
    page.get_by_test_id("reminder-save").click()


def test_reminder_is_pushed_shown_and_opens_log_on_its_exercise_and_side(
    browser: Browser, push_server: PushServer, receiver: PushReceiver
) -> None:
    base = push_server.base_url
    server_key = httpx.get(f"{base}/api/push/vapid-public-key", timeout=10).json()
    assert server_key["public_key"] == VapidKey.from_raw(push_server.vapid_private_key).public_key
    sub = receiver.subscribe()
    context = stubbed_phone(browser, base, sub)
    try:
        page = signed_up(context, base, EMAIL)
        tab(page, "settings")
        page.get_by_test_id("nav-reminders").click()
        page.wait_for_selector("main[data-testid=screen-reminders]")
        expect(page.get_by_test_id("reminders-empty")).to_be_visible()

        toggle = page.get_by_test_id("notifications-toggle")
        expect(toggle).to_have_attribute("data-state", "off")
        toggle.click()
        expect_notifications(page, "on", push_server)
        # The app subscribed with the server's VAPID key, and the server holds the subscription.
        assert key_passed(page) == server_key["public_key"]
        assert push_server.subscription_keys(sub.endpoint) == [server_key["key_id"]]

        zone = ZoneInfo(ZONE)
        due = due_minute(zone)
        create_reminder(page, due)
        item = page.get_by_test_id("reminder")
        expect(item).to_have_attribute("data-time", due.strftime("%H:%M"))
        expect(item).to_have_attribute("data-weekdays", str(1 << due.weekday()))
        expect(item).to_have_attribute("data-limb", "left_leg")
        expect(item).to_have_attribute("data-exercises", EXERCISE)
        wait_synced(page)

        # The server's dispatcher sends it at the due minute; the push service decrypts it.
        until = time.monotonic() + (due - datetime.now(zone)).total_seconds() + DISPATCH_SLACK_S
        message = wait_for_push(receiver, sub, until)
        assert message.plaintext is not None
        sent_at = datetime.now(zone)
        assert sent_at >= due, f"sent at {sent_at}, before the due minute {due}"
        expected = reminder_message("left_leg", [(EXERCISE, "Single-leg press")], None, False)
        assert expected is not None
        assert json.loads(message.plaintext) == msgspec.to_builtins(expected)
        token = re.search(r"k=([A-Za-z0-9_-]+)", message.headers["authorization"])
        assert token is not None
        assert token.group(1) == server_key["public_key"]

        # The push service hands it to the browser; the worker shows it.
        tab(page, "history")
        url = f"{base}{expected.url}"
        [shown] = delivered_and_shown(page, base, message.plaintext.decode())
        assert shown == {
            "title": expected.title,
            "body": expected.body,
            "tag": expected.tag,
            "data": {"url": url},
        }

        # A tap: the app's notificationclick handler takes this window to Log on the exercise
        # and the side, and closes the notification.
        worker = context.service_workers[0]
        assert worker.evaluate(TAP) == expected.tag
        page.wait_for_url(url)
        page.wait_for_selector("main[data-testid=screen-log]")
        expect(page.get_by_test_id("exercise")).to_have_value(EXERCISE)
        expect(page.get_by_test_id("side-left")).to_be_checked()
        assert shown_notifications(page, count=0) == []
        assert len(context.pages) == 1, "the tap opened another window"

        # Turning notifications off unsubscribes and the server forgets the endpoint.
        tab(page, "settings")
        page.get_by_test_id("nav-reminders").click()
        expect(toggle).to_have_attribute("data-state", "on")
        toggle.click()
        expect_notifications(page, "off", push_server)
        assert key_passed(page) is None
        assert push_server.subscription_keys(sub.endpoint) == []
    finally:
        context.close()


def test_a_push_that_is_not_a_reminder_still_shows_a_notification(
    browser: Browser, push_server: PushServer
) -> None:
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    context.grant_permissions(["notifications"], origin=push_server.base_url)
    try:
        page = open_app(context, push_server.base_url)
        page.wait_for_selector("html[data-sw=ready]", state="attached")
        [shown] = delivered_and_shown(page, push_server.base_url, "not json")
        assert shown["title"] == "Sidewise"
        assert shown["data"] == {"url": push_server.base_url + "/"}
    finally:
        context.close()
