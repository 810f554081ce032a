"""Settings → Account in the real app: a wrong current password and a password the server
refuses show clear errors; changing the password signs the tablet out (it asks to sign in
again), and the security log lists what happened, newest first, in the app's date style."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from bench.devices import PASSWORD
from tests.browser.support import AppServer, signed_up, tab

NEW_PASSWORD = "a much better passphrase"
# "Sat 5 Dec 09:14 · from 127.0.0.1"
WHEN = re.compile(r"^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2} · from 127\.0\.0\.1$")


def change_password(page: Page, current: str, new: str) -> None:
    page.get_by_test_id("current-password").fill(current)
    page.get_by_test_id("new-password").fill(new)
    page.get_by_test_id("change-password").click()


def log_lines(page: Page) -> list[str]:
    return [
        line.inner_text().split("\n")[0]
        for line in page.get_by_test_id("security-log").locator("li").all()
    ]


def test_changing_the_password_signs_out_the_other_device_and_is_logged(
    phones: Callable[[], BrowserContext], server: AppServer, email: str
) -> None:
    phone = signed_up(phones(), server.base_url, email)
    tablet = signed_up(phones(), server.base_url, email, mode="login")
    tab(phone, "settings")
    log = phone.get_by_test_id("security-log")
    expect(log.locator("li")).to_have_count(2)
    assert log_lines(phone) == ["Signed in", "Account created"]
    for when in log.locator(".sub").all():
        assert WHEN.match(when.inner_text().strip()), when.inner_text()

    change_password(phone, "not my password", NEW_PASSWORD)
    error = phone.get_by_test_id("password-error")
    expect(error).to_have_text("The current password is wrong.")
    expect(phone.get_by_test_id("current-password")).to_have_attribute("aria-invalid", "true")
    change_password(phone, PASSWORD, email)
    expect(error).to_have_text("Password must not be your email address.")

    change_password(phone, PASSWORD, NEW_PASSWORD)
    expect(phone.get_by_test_id("password-changed")).to_be_visible()
    expect(error).to_be_hidden()
    expect(phone.get_by_test_id("current-password")).to_have_value("")
    expect(log.locator("li").first).to_have_text(
        re.compile(r"^Password changed; 1 other session signed out")
    )
    assert log_lines(phone) == [
        "Password changed; 1 other session signed out",
        "Wrong current password given to change it",
        "Signed in",
        "Account created",
    ]

    # The tablet's session has ended: its next request finds out and it asks to sign in.
    tablet.reload()
    expect(tablet.get_by_test_id("reauth-banner")).to_be_visible()
    tablet.get_by_test_id("reauth").click()
    tablet.get_by_test_id("password").fill(PASSWORD)
    tablet.get_by_test_id("auth-submit").click()
    expect(tablet.get_by_test_id("auth-error")).to_have_text("Wrong email or password.")
    tablet.get_by_test_id("password").fill(NEW_PASSWORD)
    tablet.get_by_test_id("auth-submit").click()
    expect(tablet.get_by_test_id("auth-form")).to_be_hidden()
    expect(tablet.get_by_test_id("reauth-banner")).to_be_hidden()
    expect(tablet.get_by_test_id("sync-chip")).to_have_attribute("data-state", "idle")

    # The phone stays signed in, and its log now shows the tablet's two tries.
    phone.reload()
    tab(phone, "settings")
    expect(log.locator("li")).to_have_count(6)
    assert log_lines(phone)[:2] == ["Signed in", "Failed sign-in: wrong password"]
    expect(phone.get_by_test_id("reauth-banner")).to_be_hidden()
