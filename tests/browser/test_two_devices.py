"""A phone and a tablet of one account, both offline, edit the same sets: the phone changes the
reps of set A and the tablet its note; the phone deletes set B while the tablet edits it. After
both sync, both show the same History and the server agrees: the merge is per field, so A keeps
the phone's reps and the tablet's note, and B stays deleted (an edit does not undo a delete)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import (
    EXERCISE,
    AppServer,
    history,
    log_set,
    open_editor,
    signed_up,
    tab,
    wait_synced,
)


def edit(page: Page, set_id: str, field: str, value: str) -> None:
    editor = open_editor(page, set_id)
    editor.get_by_test_id(field).fill(value)
    editor.get_by_test_id("edit-save").click()
    expect(editor).to_be_hidden()


def delete(page: Page, set_id: str) -> None:
    open_editor(page, set_id).get_by_test_id("edit-delete").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Set deleted")


def sync_now(page: Page) -> None:
    tab(page, "sync")
    page.get_by_test_id("sync-now").click()


def test_phone_and_tablet_converge_per_field_and_the_delete_wins(
    phones: Callable[[], BrowserContext], server: AppServer, email: str
) -> None:
    phone_ctx, tablet_ctx = phones(), phones()
    phone = signed_up(phone_ctx, server.base_url, email)
    phone.get_by_test_id("exercise").select_option(EXERCISE)
    log_set(phone, "left", 10, 20, note="slow negatives")
    log_set(phone, "right", 10, 20)
    wait_synced(phone)
    tablet = signed_up(tablet_ctx, server.base_url, email, mode="login")
    before = history(phone)
    assert [s.id for s in history(tablet)] == [s.id for s in before]
    set_a = next(s.id for s in before if s.side == "left")
    set_b = next(s.id for s in before if s.side == "right")

    phone_ctx.set_offline(True)
    tablet_ctx.set_offline(True)
    edit(phone, set_a, "reps", "12")
    edit(tablet, set_a, "note", "tablet: knee felt fine")
    delete(phone, set_b)
    edit(tablet, set_b, "reps", "11")

    phone_ctx.set_offline(False)
    wait_synced(phone)
    tablet_ctx.set_offline(False)
    wait_synced(tablet)
    # The tablet pulled the phone's changes while uploading its own; the phone fetches the
    # tablet's when asked to sync.
    sync_now(phone)
    for page in (phone, tablet):
        tab(page, "history")
        sets = page.get_by_test_id("set")
        expect(sets).to_have_count(1)
        expect(sets.first).to_contain_text("12 × 20 kg")
        expect(sets.first).to_contain_text("tablet: knee felt fine")
        wait_synced(page)
    phone_sees, tablet_sees = history(phone), history(tablet)
    assert phone_sees == tablet_sees
    assert [s.id for s in phone_sees] == [set_a]
    assert server.logged_sets(email) == [(set_a, "left", 12, 20_000, "tablet: knee felt fine")]
