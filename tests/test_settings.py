"""Settings: the README table, deploy/.env.example and the code name the same variables."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backend.settings import SettingsError, load_settings, setting_docs, setting_names

ROOT = Path(__file__).resolve().parent.parent


def readme_table() -> dict[str, str]:
    rows = re.findall(
        r"^\| `(SIDEWISE_[A-Z_]+)` \| `([^`]*)` \|", (ROOT / "README.md").read_text(), re.M
    )
    return dict(rows)


def test_readme_lists_every_setting_with_its_default() -> None:
    assert readme_table() == {name: default for name, (default, _doc) in setting_docs().items()}


def test_env_example_lists_every_setting() -> None:
    text = (ROOT / "deploy" / ".env.example").read_text()
    names = re.findall(r"^(SIDEWISE_[A-Z_]+)=", text, re.M)
    assert sorted(names) == sorted(setting_names())


def test_env_example_is_a_valid_production_configuration() -> None:
    text = (ROOT / "deploy" / ".env.example").read_text()
    environ = dict(re.findall(r"^(SIDEWISE_[A-Z_]+)=(.*)$", text, re.M))
    environ["SIDEWISE_SECRET_KEY"] = "x" * 40
    settings = load_settings(environ)
    assert settings.production
    assert settings.workers == 4


PRODUCTION = {
    "SIDEWISE_ENV": "production",
    "SIDEWISE_SECRET_KEY": "x" * 40,
    "SIDEWISE_VAPID_SUBJECT": "mailto:ops@sidewise.example.com",
}


def test_a_complete_production_configuration_loads() -> None:
    assert load_settings(PRODUCTION).production


def test_the_loopback_flag_is_read_as_a_switch() -> None:
    assert load_settings({"SIDEWISE_PUSH_ALLOW_LOOPBACK": "1"}).push_allow_loopback
    assert not load_settings({"SIDEWISE_PUSH_ALLOW_LOOPBACK": "0"}).push_allow_loopback


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SIDEWISE_ENV": "staging"}, "SIDEWISE_ENV"),
        ({"SIDEWISE_PORT": "http"}, "SIDEWISE_PORT"),
        ({"SIDEWISE_WORKERS": "2"}, "SQLite"),
        ({"SIDEWISE_DATABASE_URL": "mysql://x"}, "SIDEWISE_DATABASE_URL"),
        ({"SIDEWISE_ENV": "production"}, "SIDEWISE_SECRET_KEY"),
        ({"SIDEWISE_SYNC_MAX_OPS": "0"}, "SIDEWISE_SYNC_MAX_OPS"),
        ({"SIDEWISE_VAPID_PRIVATE_KEY": "too-short"}, "SIDEWISE_VAPID_PRIVATE_KEY"),
        ({"SIDEWISE_VAPID_SUBJECT": "ops@sidewise.example.com"}, "SIDEWISE_VAPID_SUBJECT"),
        ({"SIDEWISE_VAPID_SUBJECT": "http://sidewise.example.com"}, "SIDEWISE_VAPID_SUBJECT"),
        (PRODUCTION | {"SIDEWISE_VAPID_SUBJECT": ""}, "SIDEWISE_VAPID_SUBJECT"),
        ({"SIDEWISE_PUSH_HOST_SUFFIXES": ".com"}, "SIDEWISE_PUSH_HOST_SUFFIXES"),
        ({"SIDEWISE_PUSH_HOST_SUFFIXES": "Push.Example.com"}, "SIDEWISE_PUSH_HOST_SUFFIXES"),
        ({"SIDEWISE_PUSH_TIMEOUT_SECONDS": "0"}, "SIDEWISE_PUSH_TIMEOUT_SECONDS"),
        ({"SIDEWISE_PUSH_ALLOW_LOOPBACK": "maybe"}, "SIDEWISE_PUSH_ALLOW_LOOPBACK"),
        (PRODUCTION | {"SIDEWISE_PUSH_ALLOW_LOOPBACK": "1"}, "SIDEWISE_PUSH_ALLOW_LOOPBACK"),
        ({"SIDEWISE_DISPATCH_IN_APP": "yes"}, "SIDEWISE_DISPATCH_IN_APP"),
        ({"SIDEWISE_DISPATCH_LEASE_SECONDS": "24"}, "SIDEWISE_DISPATCH_LEASE_SECONDS"),
        ({"SIDEWISE_DISPATCH_LEASE_SECONDS": "3601"}, "SIDEWISE_DISPATCH_LEASE_SECONDS"),
        ({"SIDEWISE_LIMIT_SIGN_IN": "30"}, "SIDEWISE_LIMIT_SIGN_IN"),
        ({"SIDEWISE_LIMIT_SIGN_UP": "0/1h"}, "SIDEWISE_LIMIT_SIGN_UP"),
        ({"SIDEWISE_LIMIT_EMAIL": "10/15d"}, "SIDEWISE_LIMIT_EMAIL"),
        ({"SIDEWISE_LIMIT_REGISTER": "ten/1h"}, "SIDEWISE_LIMIT_REGISTER"),
        ({"SIDEWISE_LIMIT_REGISTER_ACCOUNT": "20/0h"}, "SIDEWISE_LIMIT_REGISTER_ACCOUNT"),
        ({"SIDEWISE_SIGN_IN_FREE_FAILURES": "0"}, "SIDEWISE_SIGN_IN_FREE_FAILURES"),
        ({"SIDEWISE_MAX_DEVICES": "0"}, "SIDEWISE_MAX_DEVICES"),
        ({"SIDEWISE_MAX_SUBSCRIPTIONS": "0"}, "SIDEWISE_MAX_SUBSCRIPTIONS"),
        ({"SIDEWISE_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"}, "SIDEWISE_TRUSTED_PROXIES"),
    ],
)
def test_bad_settings_fail_with_the_variable_named(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)


def test_rates_and_proxies_are_read() -> None:
    settings = load_settings(
        {"SIDEWISE_LIMIT_SIGN_IN": "5/30s", "SIDEWISE_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}
    )
    assert settings.limit_sign_in == "5/30s"
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1")


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = load_settings({"SIDEWISE_DATA_DIR": str(tmp_path)})
    first = settings.resolved_secret_key()
    assert len(first) >= 40
    assert load_settings({"SIDEWISE_DATA_DIR": str(tmp_path)}).resolved_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    ("url", "setting", "in_app"),
    [
        ("", "auto", True),
        ("postgresql+asyncpg://sidewise@db/sidewise", "auto", False),
        ("postgresql+asyncpg://sidewise@db/sidewise", "1", True),
        ("", "0", False),
    ],
)
def test_the_web_server_dispatches_on_sqlite_unless_told(
    url: str, setting: str, in_app: bool
) -> None:
    environ = {"SIDEWISE_DATABASE_URL": url, "SIDEWISE_DISPATCH_IN_APP": setting}
    assert load_settings(environ).dispatches_in_app is in_app
