"""Drive the Sidewise web app in Debian's Chromium: the server under test, the browser, and the
steps a person takes (sign up, log a set, open History, sync), as `pwa/README.md` describes them.

Waits use selectors and `page.evaluate`: the app's CSP refuses the `eval` behind
`page.wait_for_function("…")`.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Error,
    Page,
    Playwright,
    ViewportSize,
    expect,
)

from bench.devices import PASSWORD
from bench.server import ServerProcess
from sync.canon import Scalar, canon
from sync.hlc import Hlc
from tests.support.databases import SqliteTemplate

ROOT = Path(__file__).resolve().parents[2]
PWA_DIR = ROOT / "pwa"
# The real binary avoids a warning the Debian wrapper script prints on every launch.
CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()),
    "/usr/bin/chromium",
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 390, "height": 844}
EXERCISE = "single-leg-press"
TIMEOUT_MS = 10_000
# Every change uploaded and nothing running: the header chip says so.
SYNCED = "[data-testid=sync-chip][data-pending='0'][data-state=idle]"
SW_READY = "html[data-sw=ready]"
SERVER_NODE = "00000000000000ff"  # stamps what tests write as the server


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)


def new_phone(
    browser: Browser, zone: str | None = None, scheme: Literal["dark", "light"] = "dark"
) -> BrowserContext:
    """A fresh phone-sized browser profile: its own cookies, IndexedDB and service worker;
    `zone` sets its time zone (an IANA name) instead of the machine's; `scheme` is the
    system's colour scheme the app's theme follows."""
    context = browser.new_context(viewport=PHONE, timezone_id=zone, color_scheme=scheme)
    context.set_default_timeout(TIMEOUT_MS)
    return context


class AppServer(ServerProcess):
    """`sidewise serve` over SQLite in its own data directory; `pwa_dir` serves another copy of
    the web app (a new deploy is a changed copy and a restart on the same port)."""

    def __init__(
        self, data_dir: Path, pwa_dir: Path | None = None, extra_hosts: tuple[str, ...] = ()
    ) -> None:
        super().__init__(data_dir)
        self.pwa_dir = pwa_dir
        self.extra_hosts = extra_hosts  # e.g. a proxy's 127.0.0.1:<port> in front of it

    def env(self) -> dict[str, str]:
        env = super().env()
        if self.pwa_dir is not None:
            env["SIDEWISE_PWA_DIR"] = str(self.pwa_dir)
        if self.extra_hosts:
            env["SIDEWISE_ALLOWED_HOSTS"] += "," + ",".join(self.extra_hosts)
        return env

    def shell_version(self) -> str:
        """The shell hash the server serves now (the `/v/<hash>/` prefix in `/`)."""
        page = httpx.get(self.base_url + "/", timeout=10).text
        found = re.search(r"/v/([0-9a-f]+)/", page)
        assert found, "no /v/<hash>/ in the served page"
        return found.group(1)

    @contextmanager
    def database(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.sqlite_path, timeout=10)
        try:
            yield conn
        finally:
            conn.close()

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self.database() as conn, closing(conn.execute(sql, params)) as cursor:
            return cursor.fetchall()

    def logged_sets(self, email: str) -> list[tuple[str, str, int, int, str | None]]:
        """(set_id, side, reps, weight_g, note) of the account's sets, as the server holds them."""
        return self.query(
            "SELECT s.set_id, s.side, s.reps, s.weight_g, s.note FROM logged_set s"
            " JOIN account a ON a.id = s.account_id WHERE a.email = ? ORDER BY s.set_id",
            (email,),
        )

    def op_fields(self, email: str) -> list[tuple[str, str, int]]:
        """(record_id, field, times accepted) for every field the account's devices wrote."""
        return self.query(
            "SELECT o.record_id, o.field, count(*) FROM op_log o"
            " JOIN account a ON a.id = o.account_id WHERE a.email = ?"
            " GROUP BY o.record_id, o.field ORDER BY 1, 2",
            (email,),
        )

    def write_alert(self, email: str, alert_id: str, fields: dict[str, Scalar]) -> None:
        """Store an alert as server-written field state under the account's next sequence
        number, so that the account's devices receive it with their next pull."""
        hlc = Hlc(int(time.time() * 1000), 0, SERVER_NODE).encode()
        with self.database() as conn:
            (account_id,) = conn.execute(
                "SELECT id FROM account WHERE email = ?", (email,)
            ).fetchone()
            (seq,) = conn.execute(
                "UPDATE sync_counter SET seq = seq + 1 WHERE account_id = ? RETURNING seq",
                (account_id,),
            ).fetchone()
            conn.execute(
                "INSERT INTO record (record_id, account_id, record_type) VALUES (?, ?, 'alert')",
                (alert_id, account_id),
            )
            conn.executemany(
                "INSERT INTO field_state (record_id, field, account_id, record_type, value, hlc,"
                " seq) VALUES (?, ?, ?, 'alert', ?, ?, ?)",
                [(alert_id, f, account_id, canon(v), hlc, seq) for f, v in fields.items()],
            )
            conn.commit()

    def field_value(self, record_id: str, field: str) -> str | None:
        """The canonical value the server holds for one field, or None."""
        rows = self.query(
            "SELECT value FROM field_state WHERE record_id = ? AND field = ?", (record_id, field)
        )
        return rows[0][0] if rows else None

    def end_sessions(self, email: str) -> None:
        """The server forgets every sign-in of the account (signed out everywhere from another
        browser): its next request gets 401."""
        with httpx.Client(base_url=self.base_url, timeout=10.0) as client:
            client.get("/api/catalogue")  # the CSRF cookie
            token = {"x-csrftoken": client.cookies.get("csrftoken") or ""}
            body = {"email": email, "password": PASSWORD}
            client.post("/api/auth/login", json=body, headers=token).raise_for_status()
            token = {"x-csrftoken": client.cookies.get("csrftoken") or ""}
            client.post("/api/auth/logout-everywhere", headers=token).raise_for_status()


def start_server(
    directory: Path,
    pwa_dir: Path | None = None,
    template: SqliteTemplate | None = None,
    extra_hosts: tuple[str, ...] = (),
) -> AppServer:
    """A migrated database (a copy of `template` when given, which is faster) and the server."""
    server = AppServer(directory / "data", pwa_dir, extra_hosts)
    if template is None:
        server.migrate()
    else:
        template.fresh(server.data_dir)
    server.start()
    return server


def copy_app(target: Path) -> Path:
    """A deployable copy of the web app (what browsers load, without its tests and tools)."""
    shutil.copytree(PWA_DIR, target, ignore=shutil.ignore_patterns("tests", "tools", "*.md"))
    return target


# --- steps a person takes ------------------------------------------------------------------


def open_app(context: BrowserContext, base_url: str) -> Page:
    page = context.new_page()
    page.goto(base_url + "/")
    page.wait_for_selector("html[data-app=auth], html[data-app=app]", state="attached")
    return page


def sign_in(page: Page, email: str, *, mode: str = "signup") -> None:
    """Fill the sign-up (or sign-in) form; returns once the app shows and works offline."""
    page.get_by_test_id(f"mode-{mode}").click()
    page.get_by_test_id("email").fill(email)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("auth-submit").click()
    page.wait_for_selector("html[data-app=app]", state="attached")
    page.wait_for_selector(SW_READY, state="attached")


def signed_up(context: BrowserContext, base_url: str, email: str, *, mode: str = "signup") -> Page:
    page = open_app(context, base_url)
    sign_in(page, email, mode=mode)
    wait_synced(page)
    return page


def wait_synced(page: Page) -> None:
    page.wait_for_selector(SYNCED, state="attached")


def tab(page: Page, name: str) -> None:
    """Open a tab; Sync opens from the header's chip."""
    page.get_by_test_id("sync-chip" if name == "sync" else f"nav-{name}").click()
    page.wait_for_selector(f"main[data-testid=screen-{name}]")


def weight_text(weight_kg: float) -> str:
    return f"{weight_kg:g}"


def save_set(
    page: Page, side: str, reps: int, weight_kg: float, *, button: str = "save-set"
) -> None:
    """Tap Save and wait for "Saved <side> set: <reps> × <weight> kg"."""
    page.get_by_test_id(button).click()
    expect(page.get_by_test_id("saved-status")).to_have_text(
        re.compile(
            rf"Saved {side} set( on [^:]+)?: {reps} × {re.escape(weight_text(weight_kg))} kg"
        )
    )


def log_set(page: Page, side: str, reps: int, weight_kg: float, note: str = "") -> None:
    """On the Log screen: pick the side, type reps and weight (kg), optionally a note, save."""
    page.get_by_test_id(f"side-{side}").check()
    page.get_by_test_id("reps").fill(str(reps))
    page.get_by_test_id("weight").fill(weight_text(weight_kg))
    if note:
        page.get_by_test_id("add-note").click()
        page.get_by_test_id("note").fill(note)
    save_set(page, side, reps, weight_kg)


def same_for_other_side(page: Page, side: str, reps: int, weight_kg: float) -> None:
    """After a save, the other side: one tap on "Save <side> too: …" when the numbers are the
    same, else pick the side, adjust reps and weight, save."""
    button = page.get_by_test_id("same-other-side")
    expect(button).to_have_text(re.compile(f"^Save {side} too: "))
    if button.inner_text().endswith(f": {reps} × {weight_text(weight_kg)} kg"):
        save_set(page, side, reps, weight_kg, button="same-other-side")
        expect(page.get_by_test_id(f"side-{side}")).to_be_checked()
        return
    log_set(page, side, reps, weight_kg)


@dataclass(frozen=True)
class ShownSet:
    id: str
    side: str
    text: str


def history(page: Page) -> list[ShownSet]:
    """Every set on the History screen, in screen order, with the text a person sees."""
    tab(page, "history")
    rows = page.get_by_test_id("set").evaluate_all(
        "els => els.map(e => [e.dataset.setId, e.dataset.side, e.innerText])"
    )
    # The visible text follows a screen-reader-only "Edit set: ".
    return [
        ShownSet(id_, side, " ".join(text.split()).removeprefix("Edit set: "))
        for id_, side, text in rows
    ]


def open_editor(page: Page, set_id: str) -> Any:
    """Tap a set in History; returns the editor form's locator."""
    tab(page, "history")
    page.locator(f"[data-testid=set][data-set-id='{set_id}']").click()
    editor = page.get_by_test_id("set-editor")
    expect(editor).to_be_visible()
    return editor


# What a page showed and logged, for failure reports: a failure seen once on a busy machine
# should say what the app said, not only which assertion gave up.
STATE_JS = """() => ({
  alerts: [...document.querySelectorAll("[role=alert]")].map((e) => e.innerText),
  main: document.querySelector("main")?.innerText.slice(0, 600) ?? null,
})"""


def page_state(page: Page) -> str:
    """Its address, alert texts, the start of ``main``, its console and its errors."""
    try:
        shown = page.evaluate(STATE_JS)
        console = [f"{m.type}: {m.text}" for m in page.console_messages()]
        errors = [str(e) for e in page.page_errors()]
    except Error as failure:  # closed, or navigating
        return f"{page.url}: unreadable ({failure.message.splitlines()[0]})"
    return (
        f"{page.url}\n  alerts: {shown['alerts']}\n  main: {shown['main']!r}\n"
        f"  console: {console}\n  page errors: {errors}"
    )
