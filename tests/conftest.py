"""Shared fixtures: every database test runs on SQLite and, where configured, on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from hypothesis import settings as hypothesis_settings
from litestar import Litestar

from backend.app import build_services, create_app
from backend.services.container import Services
from backend.services.passwords import Passwords
from backend.services.ports import WallClock
from backend.settings import Settings, load_settings
from tests.support.api import User, sign_up
from tests.support.databases import ENGINES, PostgresDatabase, SqliteTemplate, postgres_session
from tests.support.fakes import SeededEntropy

# CI replays the same examples every run (a gate must not change its mind between two runs of
# one commit); elsewhere every run explores new ones.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# Cheap Argon2id parameters keep hundreds of sign-ups fast; production uses the library default.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
TEST_HOSTS = ("testserver.local", "127.0.0.1", "localhost")
BASE_URL = "http://testserver.local"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_db() -> Iterator[PostgresDatabase | None]:
    yield from postgres_session()


@pytest.fixture(params=ENGINES)
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: SqliteTemplate,
    postgres_db: PostgresDatabase | None,
) -> str:
    if request.param == "sqlite":
        return sqlite_template.fresh(tmp_path)
    if postgres_db is None:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    await postgres_db.truncate()
    return postgres_db.url


# Tests sign up hundreds of accounts and register thousands of devices from one client
# address; the throttling tests (tests/api/test_throttling.py) use the real defaults instead.
# The caps per account stay as they are.
UNTHROTTLED: dict[str, object] = {
    "limit_sign_in": "999999/9999h",
    "limit_sign_up": "999999/9999h",
    "limit_email": "999999/9999h",
    "limit_register": "999999/9999h",
    "limit_register_account": "999999/9999h",
    "limit_share_code": "999999/9999h",
    "sign_in_free_failures": 1_000_000,
}


def make_settings(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "allowed_hosts": TEST_HOSTS,
        "secret_key": "test-secret-key",
        **UNTHROTTLED,
        **overrides,
    }
    return load_settings({}, **values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


def make_app(settings: Settings, **kwargs: object) -> Litestar:
    return create_app(settings, passwords=Passwords(4, FAST_HASHER), **kwargs)  # type: ignore[arg-type]


@asynccontextmanager
async def open_client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """A client in the test's own event loop (Litestar's test client runs the app in another)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as test_client:
        yield test_client


@pytest.fixture
def wall() -> WallClock | None:
    """The app's wall clock: the system's, unless a test module overrides this with a fake."""
    return None


@pytest.fixture
async def services(settings: Settings, wall: WallClock | None) -> AsyncIterator[Services]:
    """The use cases without HTTP, on the test database, with fixed-seed entropy."""
    built = build_services(
        settings, wall=wall, entropy=SeededEntropy(7), passwords=Passwords(4, FAST_HASHER)
    )
    yield built
    await built.db.dispose()


@pytest.fixture
async def app(settings: Settings, wall: WallClock | None) -> AsyncIterator[Litestar]:
    application = make_app(settings, wall=wall)
    yield application
    await application.state.services.db.dispose()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    async with open_client(app) as test_client:
        yield test_client


@pytest.fixture
async def new_user(app: Litestar) -> AsyncIterator[Callable[[str], Awaitable[User]]]:
    """Factory: ``await new_user("a@example.com")`` gives a signed-in User with its own client."""
    async with AsyncExitStack() as stack:

        async def make(email: str) -> User:
            return await sign_up(await stack.enter_async_context(open_client(app)), email)

        yield make
