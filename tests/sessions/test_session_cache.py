"""Sessions are verified from the process's cache, without a database round trip, and still end
at once: signing out, changing the password, signing out everywhere and erasing the account
leave the cache before the answer; a lookup that straddles an ending never stores the ended
session; on PostgreSQL a process that cannot hear the others trusts no cached session."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import event

from backend.services.session_cache import SessionCache
from backend.settings import Settings
from tests.conftest import make_app, open_client
from tests.support.api import PASSWORD, User, sign_up

Browsers = Callable[..., Awaitable[User]]
NEW_PASSWORD = "a much better passphrase"


# -- the cache on its own -------------------------------------------------------------------


def test_a_lookup_that_straddles_an_ending_is_not_kept() -> None:
    cache: SessionCache[str] = SessionCache(shared=False)
    began = cache.generation
    cache.forget_account(7)  # the session ends while its row is being read
    cache.put("h", "ada", 7, 10_000, began)
    assert cache.get("h", 0) is None
    cache.put("h", "ada", 7, 10_000, cache.generation)
    assert cache.get("h", 0) == "ada"


def test_entries_expire_and_leave_by_token_or_account() -> None:
    cache: SessionCache[str] = SessionCache(shared=False)
    for token, account in (("a1", 1), ("a2", 1), ("b1", 2)):
        cache.put(token, token, account, 1_000, cache.generation)
    assert cache.get("a1", 999) == "a1"
    assert cache.get("a1", 1_000) is None  # expired
    cache.heard("a:1")
    assert (cache.get("a1", 0), cache.get("a2", 0), cache.get("b1", 0)) == (None, None, "b1")
    cache.heard("t:b1")
    assert cache.get("b1", 0) is None


def test_a_shared_cache_is_trusted_only_while_listening() -> None:
    cache: SessionCache[str] = SessionCache(shared=True)
    cache.put("h", "ada", 1, 10_000, cache.generation)
    assert cache.get("h", 0) is None  # not listening yet: nothing kept
    cache.listening(True)
    cache.put("h", "ada", 1, 10_000, cache.generation)
    assert cache.get("h", 0) == "ada"
    cache.listening(False)  # announcements may be missed from now on
    assert cache.get("h", 0) is None
    cache.put("h", "ada", 1, 10_000, cache.generation)
    cache.listening(True)  # what was said meanwhile is lost: start empty
    assert cache.get("h", 0) is None


def test_the_cache_stays_within_its_capacity() -> None:
    cache: SessionCache[int] = SessionCache(shared=False, capacity=3)
    for n in range(5):
        cache.put(f"t{n}", n, n % 2, 10_000, cache.generation)
    assert [cache.get(f"t{n}", 0) for n in range(5)] == [None, None, 2, 3, 4]
    cache.heard("a:0")
    assert [cache.get(f"t{n}", 0) for n in range(5)] == [None, None, None, 3, None]


async def test_an_ending_waits_for_every_other_listening_process() -> None:
    cache: SessionCache[str] = SessionCache(shared=True, confirm_s=5.0)
    cache.listening(True)
    cache.me = "a"

    async def listening_now() -> set[str]:
        return {"a", "b", "c"}

    cache.listeners = listening_now
    cache.put("h", "ada", 1, 10_000, cache.generation)

    async def end() -> None:
        async with cache.ending("a:1"):
            cache.acked("b", "a:1")  # an answer may arrive before the commit's reply

    ending = asyncio.create_task(end())
    await asyncio.sleep(0.05)
    assert cache.get("h", 0) is None  # forgotten here at once
    assert not ending.done()  # "c" has not answered
    cache.acked("c", "t:other")
    await asyncio.sleep(0.05)
    assert not ending.done()
    cache.acked("c", "a:1")
    async with asyncio.timeout(1):
        await ending


async def test_an_ending_stops_waiting_for_a_silent_process() -> None:
    cache: SessionCache[str] = SessionCache(shared=True, confirm_s=0.1)
    cache.listening(True)

    async def listening_now() -> set[str]:
        return {"silent"}

    cache.listeners = listening_now
    async with asyncio.timeout(2):
        async with cache.ending("t:h"):
            pass


# -- through the API, on both engines ----------------------------------------------------------


class SessionReads:
    """Counts the queries that read ``web_session`` on the app's reader (not the pruning)."""

    def __init__(self, app: Litestar) -> None:
        self.count = 0
        engine = app.state.services.db.reader.sync_engine

        @event.listens_for(engine, "before_cursor_execute")
        def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if statement.startswith("SELECT") and "FROM web_session" in statement:
                self.count += 1


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():  # noqa: ASYNC110 (the condition is a listener's state)
            await asyncio.sleep(0.01)


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[tuple[Litestar, Browsers]]:
    """The app with its lifespan running (on PostgreSQL: listening for ended sessions), and a
    factory of browsers: signed up (``new=True``) or signed in to an account."""
    app = make_app(settings)
    async with app.lifespan(), AsyncExitStack() as stack:
        await until(lambda: app.state.services.accounts.cache.trusted)

        async def browser(email: str, *, new: bool = False) -> User:
            client = await stack.enter_async_context(open_client(app))
            if new:
                return await sign_up(client, email)
            await client.get("/api/me")
            user = User(client, email)
            answer = await user.post("/api/auth/login", {"email": email, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            return user

        yield app, browser
    await app.state.services.db.dispose()


async def me(user: User) -> int:
    return (await user.client.get("/api/me")).status_code


def replay(users: list[tuple[User, str]]) -> None:
    """Put each browser's session cookie back (a copy kept elsewhere, say): an ended session
    must be refused, not merely forgotten by the browser that ended it."""
    for user, token in users:
        user.client.cookies.set("sidewise_session", token)


async def test_a_known_session_is_verified_without_reading_it_again(settings: Settings) -> None:
    async with running(settings) as (app, browser):
        reads = SessionReads(app)
        phone = await browser("ada@example.com", new=True)  # registers a device: one read
        assert reads.count == 1
        for _ in range(5):
            assert await me(phone) == 200
        assert reads.count == 1


@pytest.mark.parametrize("ending", ["log_out", "password", "everywhere", "erase"])
async def test_ending_sessions_is_honoured_on_the_next_request(
    settings: Settings, ending: str
) -> None:
    async with running(settings) as (app, browser):
        phone: User = await browser("ada@example.com", new=True)
        tablet: User = await browser("ada@example.com")
        for user in (phone, tablet):
            assert await me(user) == 200  # both sessions are cached now
        cookies = [(user, user.client.cookies["sidewise_session"]) for user in (phone, tablet)]
        reads = SessionReads(app)
        if ending == "log_out":
            assert (await tablet.post("/api/auth/logout")).status_code == 204
            replay(cookies)
            assert (await me(tablet), await me(phone)) == (401, 200)
        elif ending == "password":
            body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
            assert (await phone.post("/api/me/password", body)).status_code == 204
            assert (await me(tablet), await me(phone)) == (401, 200)
        elif ending == "everywhere":
            assert (await phone.post("/api/auth/logout-everywhere")).status_code == 204
            replay(cookies)
            assert (await me(tablet), await me(phone)) == (401, 401)
        else:
            answer = await phone.client.request(
                "DELETE",
                "/api/me",
                json={"password": PASSWORD},
                headers={"x-csrftoken": phone.client.cookies.get("csrftoken") or ""},
            )
            assert answer.status_code == 204, answer.text
            replay(cookies)
            assert (await me(tablet), await me(phone)) == (401, 401)
        assert reads.count >= 1  # the ended sessions were looked up again, and not found
