"""The VAPID key: created once with safe permissions, loaded from a file or the environment."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from py_vapid import Vapid02

from backend.cli import main
from backend.push.vapid import (
    PUBLIC_KEY_FILE,
    VapidKey,
    VapidKeyMissing,
    create_key_file,
    load_vapid,
    vapid_command,
)
from backend.settings import load_settings


def test_the_command_creates_the_key_once_and_then_keeps_it(tmp_path: Path) -> None:
    settings = load_settings({"SIDEWISE_DATA_DIR": str(tmp_path)})
    created = vapid_command(settings)
    kept = vapid_command(settings)
    assert "(created)" in created
    assert "(kept)" in kept
    assert created.splitlines()[1:] == kept.splitlines()[1:]
    private = tmp_path / "vapid_private.pem"
    assert private.stat().st_mode & 0o777 == 0o600
    key = load_vapid(settings)
    assert (tmp_path / PUBLIC_KEY_FILE).read_text() == key.public_key + "\n"
    assert f"public key: {key.public_key}" in kept
    assert f"key id: {key.key_id}" in kept
    assert "PRIVATE" not in kept


def test_the_public_key_is_an_uncompressed_point_and_the_id_its_hash() -> None:
    key = VapidKey.generate()
    point = base64.urlsafe_b64decode(key.public_key + "=")
    assert (len(point), point[0]) == (65, 4)
    assert "=" not in key.public_key
    assert key.key_id == hashlib.sha256(point).hexdigest()[:16]


def test_a_configured_raw_key_wins_over_the_file(tmp_path: Path) -> None:
    on_disk = create_key_file(tmp_path / "vapid_private.pem")
    configured = VapidKey.generate()
    settings = load_settings(
        {"SIDEWISE_DATA_DIR": str(tmp_path), "SIDEWISE_VAPID_PRIVATE_KEY": configured.private_raw()}
    )
    loaded = load_vapid(settings)
    assert loaded.public_key == configured.public_key != on_disk.public_key
    assert "SIDEWISE_VAPID_PRIVATE_KEY" in vapid_command(settings)


def test_a_key_file_elsewhere_and_a_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "push.pem"
    settings = load_settings({"SIDEWISE_VAPID_KEY_FILE": str(path)})
    with pytest.raises(VapidKeyMissing, match="sidewise vapid"):
        load_vapid(settings)
    created = create_key_file(path)
    assert load_vapid(settings).public_key == created.public_key
    with pytest.raises(FileExistsError):
        create_key_file(path)  # never replaces the key subscriptions were made with


def test_the_authorization_header_verifies_with_the_public_key() -> None:
    key = VapidKey.generate()
    claims: dict[str, str | int] = {
        "aud": "https://fcm.googleapis.com",
        "exp": 2_000_000_000,
        "sub": "mailto:ops@sidewise.test",
    }
    header = key.authorization(claims)
    assert header.startswith("vapid t=")
    assert header.endswith(f",k={key.public_key}")
    assert Vapid02.verify(header)
    assert claims == {
        "aud": "https://fcm.googleapis.com",
        "exp": 2_000_000_000,
        "sub": "mailto:ops@sidewise.test",
    }


def test_sidewise_vapid_prints_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SIDEWISE_DATA_DIR", str(tmp_path))
    main(["vapid", "--private"])
    out = capsys.readouterr().out
    key = load_vapid(load_settings({"SIDEWISE_DATA_DIR": str(tmp_path)}))
    assert f"public key: {key.public_key}" in out
    assert f"SIDEWISE_VAPID_PRIVATE_KEY={key.private_raw()}" in out
