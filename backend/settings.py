"""Runtime settings: the only module that reads the environment (``SIDEWISE_*``)."""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

PREFIX = "SIDEWISE_"
DEVELOPMENT_CONTACT = "mailto:sidewise@localhost"


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Every knob Sidewise has. Defaults give a working local server on SQLite."""

    env: str = field(default="development", metadata={"doc": "development or production"})
    data_dir: Path = field(
        default=Path("data"),
        metadata={"doc": "where the SQLite file and the generated secret key live"},
    )
    database_url: str = field(
        default="",
        metadata={
            "doc": "SQLAlchemy async URL; empty means SQLite at DATA_DIR/sidewise.db, "
            "or postgresql+asyncpg://user@host/db"
        },
    )
    host: str = field(default="127.0.0.1", metadata={"doc": "address `sidewise serve` binds"})
    port: int = field(default=8000, metadata={"doc": "port `sidewise serve` binds"})
    workers: int = field(
        default=1, metadata={"doc": "server processes (PostgreSQL only; SQLite keeps one writer)"}
    )
    header_timeout_seconds: int = field(
        default=10,
        metadata={
            "doc": "seconds a client has to send a request's headers, from connecting or from "
            "the request's first byte; then 408 and the connection is closed"
        },
    )
    body_timeout_seconds: int = field(
        default=15,
        metadata={
            "doc": "seconds a request body may stall between two reads before the "
            "connection is closed (nothing of it is applied)"
        },
    )
    keep_alive_seconds: int = field(
        default=5,
        metadata={
            "doc": "seconds an idle connection stays open between requests (a proxy's idle "
            "timeout towards Sidewise must be shorter)"
        },
    )
    secret_key: str = field(
        default="",
        metadata={"doc": "signs CSRF tokens; empty means a key generated once in DATA_DIR"},
    )
    allowed_hosts: tuple[str, ...] = field(
        default=("127.0.0.1", "localhost"),
        metadata={"doc": "comma-separated Host header values the server answers"},
    )
    session_days: int = field(default=30, metadata={"doc": "days a sign-in lasts"})
    password_hash_concurrency: int = field(
        default=2, metadata={"doc": "Argon2id hashes computed at once (each takes ~64 MiB)"}
    )
    sync_max_ops: int = field(default=1000, metadata={"doc": "ops accepted in one push"})
    alert_window_days: int = field(
        default=28, metadata={"doc": "days of training an imbalance alert is judged on"}
    )
    trusted_proxies: tuple[str, ...] = field(
        default=(),
        metadata={
            "doc": "comma-separated addresses or networks of reverse proxies whose "
            "X-Forwarded-For names the client; empty means the direct peer is the client"
        },
    )
    limit_sign_in: str = field(
        default="30/15m",
        metadata={"doc": "sign-in attempts per client address (count/period; s, m or h)"},
    )
    limit_sign_up: str = field(
        default="10/1h", metadata={"doc": "accounts created per client address"}
    )
    limit_email: str = field(
        default="10/15m", metadata={"doc": "sign-in and sign-up attempts per email address"}
    )
    limit_register: str = field(
        default="60/1h",
        metadata={"doc": "device and push subscription registrations per client address"},
    )
    limit_register_account: str = field(
        default="20/1h",
        metadata={"doc": "device and push subscription registrations per account"},
    )
    limit_share_code: str = field(
        default="10/15m",
        metadata={"doc": "share codes tried (previewed or used) per client address and account"},
    )
    sign_in_free_failures: int = field(
        default=5,
        metadata={
            "doc": "failed sign-ins in a row an email may have before each further one locks "
            "it for twice as long as the last (1 s doubling to 15 min)"
        },
    )
    max_devices: int = field(default=100, metadata={"doc": "device ids one account may hold"})
    max_subscriptions: int = field(
        default=20, metadata={"doc": "push subscriptions one account may hold"}
    )
    vapid_private_key: str = field(
        default="",
        metadata={
            "doc": "VAPID private key, base64url of the raw 32-byte P-256 key; "
            "empty means the key file"
        },
    )
    vapid_key_file: str = field(
        default="",
        metadata={
            "doc": "PEM file of the VAPID private key; empty means DATA_DIR/vapid_private.pem, "
            "which `sidewise vapid` creates"
        },
    )
    vapid_subject: str = field(
        default="",
        metadata={
            "doc": "contact push services see in VAPID tokens, mailto: or https:; "
            "empty means mailto:sidewise@localhost (required in production)"
        },
    )
    push_host_suffixes: tuple[str, ...] = field(
        default=(
            ".push.services.mozilla.com",
            "fcm.googleapis.com",
            ".notify.windows.com",
            ".push.apple.com",
        ),
        metadata={
            "doc": "comma-separated push service hosts endpoints may name: "
            ".example.com matches its subdomains, example.com only itself"
        },
    )
    push_timeout_seconds: int = field(
        default=10, metadata={"doc": "seconds to connect to a push service, and again to read"}
    )
    push_allow_loopback: bool = field(
        default=False,
        metadata={
            "doc": "tests only: 1 accepts http push endpoints on 127.0.0.1, ::1 and localhost; "
            "refused in production"
        },
    )
    dispatch_in_app: str = field(
        default="auto",
        metadata={
            "doc": "auto, 1 or 0: whether `sidewise serve` sends reminders and alert pushes "
            "itself; auto means on SQLite only (on PostgreSQL run `sidewise dispatch`)"
        },
    )
    dispatch_lease_seconds: int = field(
        default=60,
        metadata={
            "doc": "seconds a dispatcher holds the pushes it claimed; those a killed "
            "dispatcher left unfinished are sent again after this"
        },
    )
    log_level: str = field(default="info", metadata={"doc": "debug, info, warning or error"})
    pwa_dir: str = field(
        default="",
        metadata={"doc": "directory of the web app to serve; empty means the one Sidewise ships"},
    )

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'sidewise.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def dispatches_in_app(self) -> bool:
        """Whether the web server runs the push dispatcher (SQLite: its one writer must)."""
        if self.dispatch_in_app == "auto":
            return self.is_sqlite
        return self.dispatch_in_app == "1"

    @property
    def vapid_contact(self) -> str:
        return self.vapid_subject or DEVELOPMENT_CONTACT

    def resolved_secret_key(self) -> str:
        """The configured key, or one created on first use and kept in the data directory."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
        return path.read_text().strip()


def setting_names() -> list[str]:
    """All environment variable names, in declaration order (used by docs and tests)."""
    return [PREFIX + f.name.upper() for f in fields(Settings)]


def setting_docs() -> dict[str, tuple[str, str]]:
    """name -> (default as written in an env file, description)."""
    defaults = Settings()
    out: dict[str, tuple[str, str]] = {}
    for f in fields(Settings):
        value = getattr(defaults, f.name)
        if isinstance(value, tuple):
            text = ",".join(value)
        elif isinstance(value, bool):
            text = "1" if value else "0"
        else:
            text = str(value)
        out[PREFIX + f.name.upper()] = (text, f.metadata["doc"])
    return out


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from ``environ`` (default: the process environment) plus overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for f in fields(Settings):
        raw = env.get(PREFIX + f.name.upper())
        if raw is None or raw == "":
            continue
        values[f.name] = _parse(f.name, f.type, raw)
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    _validate(settings)
    return settings


def _parse(name: str, kind: object, raw: str) -> object:
    try:
        if kind in ("int", int):
            return int(raw)
        if kind in ("bool", bool):
            return _flag(raw)
        if kind in ("Path", Path):
            return Path(raw)
        if kind in ("tuple[str, ...]",):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}{name.upper()}: {exc}") from None
    return raw


def _flag(raw: str) -> bool:
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise ValueError(f"expected 1 or 0, not {raw!r}")


def _validate(settings: Settings) -> None:
    if settings.env not in ("development", "production"):
        raise SettingsError(f"{PREFIX}ENV must be development or production, not {settings.env!r}")
    if settings.log_level not in ("debug", "info", "warning", "error"):
        raise SettingsError(f"{PREFIX}LOG_LEVEL must be debug, info, warning or error")
    for name in (
        "port",
        "workers",
        "session_days",
        "password_hash_concurrency",
        "sync_max_ops",
        "alert_window_days",
        "sign_in_free_failures",
        "max_devices",
        "max_subscriptions",
    ):
        if getattr(settings, name) < 1:
            raise SettingsError(f"{PREFIX}{name.upper()} must be at least 1")
    for name in ("header_timeout_seconds", "body_timeout_seconds", "keep_alive_seconds"):
        if not 1 <= getattr(settings, name) <= 300:
            raise SettingsError(f"{PREFIX}{name.upper()} must be from 1 to 300")
    if settings.sync_max_ops > 5000:
        raise SettingsError(f"{PREFIX}SYNC_MAX_OPS must be at most 5000")
    if not 7 <= settings.alert_window_days <= 365:
        raise SettingsError(f"{PREFIX}ALERT_WINDOW_DAYS must be from 7 to 365")
    url = settings.effective_database_url
    if not url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
        raise SettingsError(
            f"{PREFIX}DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://"
        )
    if settings.is_sqlite and settings.workers != 1:
        raise SettingsError(
            f"{PREFIX}WORKERS must be 1 on SQLite (one writer keeps the file safe); "
            "use PostgreSQL to run several workers"
        )
    if settings.production and not settings.secret_key:
        raise SettingsError(f"{PREFIX}SECRET_KEY is required in production")
    _validate_push(settings)
    _validate_throttling(settings)


# 32 bytes in unpadded base64url: the form web-push tools print private keys in.
_RAW_KEY = re.compile(r"[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]")
# A push contact: a mail address or an https URL (RFC 8292 §2.1), checked before any token.
_SUBJECT = re.compile(r"mailto:[^@\s]+@[^@\s]+|https://[^/\s]+(/\S*)?")
# A host name of at least two labels, so no entry can match a whole top-level domain.
_HOST_SUFFIX = re.compile(r"\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")


def _validate_push(settings: Settings) -> None:
    if settings.vapid_private_key and not _RAW_KEY.fullmatch(settings.vapid_private_key):
        raise SettingsError(
            f"{PREFIX}VAPID_PRIVATE_KEY must be 43 base64url characters (a raw 32-byte P-256 key)"
        )
    if settings.vapid_subject and not _SUBJECT.fullmatch(settings.vapid_subject):
        raise SettingsError(f"{PREFIX}VAPID_SUBJECT must be a mailto: address or an https: URL")
    if settings.production and not settings.vapid_subject:
        raise SettingsError(f"{PREFIX}VAPID_SUBJECT is required in production")
    for suffix in settings.push_host_suffixes:
        if not _HOST_SUFFIX.fullmatch(suffix):
            raise SettingsError(
                f"{PREFIX}PUSH_HOST_SUFFIXES: {suffix!r} is not a lower-case host name "
                "of two labels or more"
            )
    if not 1 <= settings.push_timeout_seconds <= 60:
        raise SettingsError(f"{PREFIX}PUSH_TIMEOUT_SECONDS must be from 1 to 60")
    if settings.dispatch_in_app not in ("auto", "1", "0"):
        raise SettingsError(f"{PREFIX}DISPATCH_IN_APP must be auto, 1 or 0")
    # A send may take a connect and a read timeout; the lease must outlast one with margin.
    if not 2 * settings.push_timeout_seconds + 5 <= settings.dispatch_lease_seconds <= 3600:
        raise SettingsError(
            f"{PREFIX}DISPATCH_LEASE_SECONDS must be at least twice "
            f"{PREFIX}PUSH_TIMEOUT_SECONDS plus 5, and at most 3600"
        )
    if settings.production and settings.push_allow_loopback:
        raise SettingsError(
            f"{PREFIX}PUSH_ALLOW_LOOPBACK is for tests; production refuses loopback endpoints"
        )


# The form backend.domain.throttle.Rate reads: up to 999,999 per up to 9,999 s, m or h.
_RATE = re.compile(r"[1-9][0-9]{0,5}/[1-9][0-9]{0,3}[smh]")


def _validate_throttling(settings: Settings) -> None:
    for name in (
        "limit_sign_in",
        "limit_sign_up",
        "limit_email",
        "limit_register",
        "limit_register_account",
        "limit_share_code",
    ):
        if not _RATE.fullmatch(getattr(settings, name)):
            raise SettingsError(f"{PREFIX}{name.upper()} must read count/period, such as 30/15m")
    for proxy in settings.trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError(
                f"{PREFIX}TRUSTED_PROXIES: {proxy!r} is not an IP address or network"
            ) from None
