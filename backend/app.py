"""``create_app(settings)``: the one place that wires settings, database, services and routes."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import MutableScopeHeaders, State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components
from litestar.types import Message, Scope

from backend.api.account_deletion import delete_account
from backend.api.account_security import AccountSecurityController
from backend.api.auth import AuthController
from backend.api.catalogue import catalogue
from backend.api.charts import exercise_chart
from backend.api.client_address import ClientAddresses
from backend.api.contract import StrictStructs, security_schemes
from backend.api.devices import register_device
from backend.api.docs_page import DOCS_CSP, docs_router, render_plugins
from backend.api.edges import HostCheckedApp, edge_checks, route_methods, security_headers
from backend.api.error_handlers import EXCEPTION_HANDLERS
from backend.api.health import healthz
from backend.api.push import SubscriptionController, vapid_public_key
from backend.api.pwa import pwa_routes
from backend.api.quiet_hours import QuietHoursController
from backend.api.session import CookiePolicy
from backend.api.sharing import ClinicianController, SharingController, own_hq
from backend.api.sync import pull, push
from backend.api.sync_lane import PATHS as LANE_PATHS
from backend.api.sync_lane import SyncLane
from backend.api.your_data import YourDataController
from backend.db import sessions
from backend.db.engine import Database
from backend.db.leader import Leadership
from backend.db.listener import Listener
from backend.db.schema import require_servable
from backend.domain.throttle import Rate
from backend.push.guard import PushPolicy
from backend.push.sender import PushSender
from backend.push.vapid import VapidKey, VapidKeyMissing, load_vapid
from backend.services.account_deletion import AccountDeletion
from backend.services.account_security import AccountSecurity
from backend.services.accounts import Accounts, Sessions
from backend.services.charts import Charts
from backend.services.container import Services
from backend.services.devices import DeviceRegistry
from backend.services.dispatch import Dispatcher
from backend.services.exporter import Exporter
from backend.services.housekeeping import Housekeeping
from backend.services.importer import Importer
from backend.services.insight import Insight
from backend.services.insight_loop import InsightLoop
from backend.services.passwords import Passwords
from backend.services.ports import Entropy, SystemClock, SystemEntropy, WallClock
from backend.services.push_subscriptions import PushSubscriptions
from backend.services.quiet_hours import QuietHoursSettings
from backend.services.security_log import SecurityLog
from backend.services.server_clock import ServerClock
from backend.services.sharing import Sharing
from backend.services.shell import load_shell, pwa_dir
from backend.services.sync_pull import SyncPull
from backend.services.sync_push import SyncPush
from backend.services.throttle import Limits, Throttle
from backend.services.time_zones import TimeZones
from backend.settings import Settings, SettingsError

log = logging.getLogger("sidewise")


def content_security_policy(script_hashes: tuple[str, ...]) -> str:
    """Scripts come from this origin only; the one inline script, the import map, is allowed
    by its hash (browsers do not load external import maps)."""
    scripts = " ".join(("'self'", *script_hashes))
    return (
        f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def build_services(
    settings: Settings,
    wall: WallClock | None = None,
    entropy: Entropy | None = None,
    passwords: Passwords | None = None,
) -> Services:
    wall = wall or SystemClock()
    entropy = entropy or SystemEntropy()
    passwords = passwords or Passwords(settings.password_hash_concurrency)
    db = Database(settings.effective_database_url)
    clock = ServerClock(wall, entropy.token_bytes(8).hex())
    throttle = Throttle(db, wall, throttle_limits(settings))
    devices = DeviceRegistry(db, wall, entropy, throttle, settings.max_devices)
    # SQLite runs one server process, which forgets ended sessions itself; on PostgreSQL the
    # cache is trusted only while the process hears the others (``session_listener``).
    cache = Sessions(shared=not db.is_sqlite)
    accounts = Accounts(db, passwords, wall, entropy, settings.session_days, throttle, cache)
    insight = Insight(db, clock, entropy, settings.alert_window_days)
    housekeeping = Housekeeping(db, wall)
    # On PostgreSQL one process of all evaluates and sweeps: the leader.
    leadership = None if db.is_sqlite else Leadership(db.url)
    insight_loop = InsightLoop(
        insight, db, wall, housekeeping=housekeeping.prune, leadership=leadership
    )
    push = SyncPush(db, clock, devices, settings.sync_max_ops, insight_loop.notify)
    return Services(
        db=db,
        clock=clock,
        accounts=accounts,
        devices=devices,
        push=push,
        pull=SyncPull(db, clock, devices),
        insight=insight,
        insight_loop=insight_loop,
        time_zones=TimeZones(db, insight_loop),
        charts=Charts(db),
        subscriptions=PushSubscriptions(
            db,
            wall,
            devices,
            PushPolicy.from_settings(settings),
            _vapid_key(settings),
            throttle,
            settings.max_subscriptions,
        ),
        quiet_hours=QuietHoursSettings(db, wall),
        account_security=AccountSecurity(db, passwords, wall, throttle, cache),
        security_log=SecurityLog(db),
        housekeeping=housekeeping,
        importer=Importer(db, push),
        exporter=Exporter(db),
        deletion=AccountDeletion(db, passwords, cache, wall),
        sharing=Sharing(db, wall, entropy, throttle),
    )


def session_listener(services: Services) -> Listener | None:
    """On PostgreSQL, what lets this process hear sessions ended by any other, and lets the
    process ending them know who has to answer."""
    db = services.db
    if db.is_sqlite:
        return None
    cache = services.accounts.cache
    listener = Listener(db.url, cache.heard, cache.acked, cache.listening)

    async def listening_now() -> set[str]:
        async with db.read() as conn:
            return await sessions.listeners(conn)

    cache.me = listener.id
    cache.listeners = listening_now
    return listener


def throttle_limits(settings: Settings) -> Limits:
    return Limits(
        sign_in=Rate.parse(settings.limit_sign_in),
        sign_up=Rate.parse(settings.limit_sign_up),
        email=Rate.parse(settings.limit_email),
        register=Rate.parse(settings.limit_register),
        register_account=Rate.parse(settings.limit_register_account),
        share_code=Rate.parse(settings.limit_share_code),
        free_failures=settings.sign_in_free_failures,
    )


def _vapid_key(settings: Settings) -> VapidKey | None:
    try:
        return load_vapid(settings)
    except VapidKeyMissing as missing:
        log.warning("push messages are off: %s", missing)
        return None


def build_dispatcher(
    settings: Settings, db: Database, key: VapidKey, wall: WallClock, entropy: Entropy
) -> tuple[Dispatcher, PushSender]:
    """The push dispatcher and the sender it owns (close it after the dispatcher stops)."""
    sender = PushSender.from_settings(settings, key)
    dispatcher = Dispatcher(
        db,
        sender,
        wall,
        entropy,
        lease_s=settings.dispatch_lease_seconds,
        # A connect and a read timeout, and a little for the address check and encryption.
        send_budget_s=2 * settings.push_timeout_seconds + 3,
    )
    return dispatcher, sender


async def dispatch_until_signalled(settings: Settings) -> None:
    """``sidewise dispatch``: run the dispatcher until SIGTERM or SIGINT, then finish (or
    release) the current claim and return."""
    if settings.is_sqlite:
        raise SettingsError(
            "sidewise dispatch needs PostgreSQL; on SQLite `sidewise serve` dispatches itself "
            "(one writer keeps the file safe)"
        )
    await require_servable(settings.effective_database_url)
    key = load_vapid(settings)
    db = Database(settings.effective_database_url, pool_size=2)
    dispatcher, sender = build_dispatcher(settings, db, key, SystemClock(), SystemEntropy())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    log.info("dispatching push messages with VAPID key %s", key.key_id)
    try:
        await dispatcher.run(stop)
    finally:
        await asyncio.to_thread(sender.close)
        await db.dispose()


def create_app(
    settings: Settings,
    *,
    wall: WallClock | None = None,
    entropy: Entropy | None = None,
    passwords: Passwords | None = None,
) -> Litestar:
    wall = wall or SystemClock()
    entropy = entropy or SystemEntropy()
    services = build_services(settings, wall, entropy, passwords)
    shell = load_shell(pwa_dir(settings.pwa_dir))
    csp = content_security_policy(shell.script_hashes)
    cookie_policy = CookiePolicy(settings.production, settings.session_days * 86_400)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        listener = session_listener(services)
        app.state.session_listener = listener
        if listener is not None:
            listener.start()
        key = services.subscriptions.key
        pushing = None
        if settings.dispatches_in_app and key is not None:
            pushing = build_dispatcher(settings, services.db, key, wall, entropy)
            pushing[0].start()
        services.insight_loop.start()
        try:
            yield
        finally:
            if pushing is not None:
                await pushing[0].stop()
                await asyncio.to_thread(pushing[1].close)
            await services.insight_loop.stop()
            if listener is not None:
                await listener.stop()
            await services.db.dispose()

    allow: dict[str, str] = {}  # filled from the routes once the app has them
    csrf = CSRFConfig(
        secret=settings.resolved_secret_key(),
        cookie_secure=settings.production,
        cookie_samesite="lax",
        exclude=["/healthz"],
    )
    app = HostCheckedApp(
        host_headers=_host_headers(settings),
        lane=SyncLane(services, csrf, cookie_policy.name, settings.production),
        lane_paths=LANE_PATHS,
        route_handlers=[
            AuthController,
            AccountSecurityController,
            catalogue,
            register_device,
            exercise_chart,
            vapid_public_key,
            SubscriptionController,
            QuietHoursController,
            YourDataController,
            delete_account,
            ClinicianController,
            SharingController,
            own_hq,
            push,
            pull,
            healthz,
            *pwa_routes(shell, csp),
        ],
        dependencies={"services": Provide(lambda: services, use_cache=True, sync_to_thread=False)},
        state=State(
            {
                "services": services,
                "cookie_policy": cookie_policy,
                "client_addresses": ClientAddresses.parse(settings.trusted_proxies),
            }
        ),
        lifespan=[lifespan],
        csrf_config=csrf,
        before_request=edge_checks(allow),
        exception_handlers=EXCEPTION_HANDLERS,
        after_request=_document_policy(csp),
        before_send=[_security_headers(settings.production), _no_store_api],
        request_max_body_size=64 * 1024,
        plugins=[StrictStructs()],
        openapi_config=OpenAPIConfig(
            title="Sidewise",
            version="1",
            components=Components(security_schemes=dict(security_schemes(cookie_policy.name))),
            render_plugins=render_plugins(),
            openapi_router=docs_router(_document_policy(DOCS_CSP)),
        ),
        debug=False,
    )
    allow.update(route_methods(app))
    return app


def _host_headers(settings: Settings) -> list[str]:
    """Allowed Host header values: each host bare (behind a proxy) and with the served port."""
    return [
        f"{host}{port}" for host in settings.allowed_hosts for port in ("", f":{settings.port}")
    ]


def _document_policy(csp: str) -> Any:
    # The policy governs documents (and the worker, whose route sets it): scripts, styles,
    # images and JSON need none, and ~600 bytes on each of the app's ~50 files add up.
    async def add(response: Response[Any]) -> Response[Any]:
        if (response.media_type or "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = csp
        return response

    return add


def _security_headers(production: bool) -> Any:
    """On every answer, problems included (an after-request hook misses those)."""
    headers = [(name.lower(), value) for name, value in security_headers(production).items()]

    async def add(message: Message, _scope: Scope) -> None:
        if message["type"] == "http.response.start":
            mutable = MutableScopeHeaders.from_message(message)
            for name, value in headers:
                mutable[name] = value

    return add


PUBLIC_API = ("/api/catalogue",)  # the same for everyone; the service worker keeps a copy


async def _no_store_api(message: Message, scope: Scope) -> None:
    """API answers are the account's own data: no cache anywhere may keep them."""
    if message["type"] != "http.response.start":
        return
    path = scope["path"]
    if path.startswith("/api/") and path not in PUBLIC_API:
        headers = MutableScopeHeaders.from_message(message)
        if "cache-control" not in headers:
            headers["cache-control"] = "no-store"


def app_from_env() -> Litestar:
    """Factory for the server processes: settings come from the environment."""
    from backend.settings import load_settings

    app = create_app(load_settings())
    # The app's long-lived objects never become garbage: keep the collector from re-scanning
    # them, and collect young objects less often (a 1,000-op push allocates ~100k of them).
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)
    return app
