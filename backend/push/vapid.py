"""The server's VAPID key (RFC 8292): the P-256 key push services know this server by.

Where it comes from, first match wins:

1. ``SIDEWISE_VAPID_PRIVATE_KEY``: the raw 32-byte private key in base64url (the form web-push
   tools print), for hosts configured only through the environment;
2. the PEM file ``SIDEWISE_VAPID_KEY_FILE``, by default ``DATA_DIR/vapid_private.pem``, which
   ``sidewise vapid`` creates once (mode 0600) beside ``vapid_public.txt`` (the public key).

Every host of one deployment must use the same key: a browser's subscription is bound to the key
it was made with, so a new key means every user subscribes again. That is why the key is never
generated on the fly the way the secret key is.

API:
- ``load_vapid(settings) -> VapidKey`` (raises ``VapidKeyMissing`` naming the fix);
- ``VapidKey.public_key``: base64url of the uncompressed public point, the
  ``applicationServerKey`` the PWA passes to ``pushManager.subscribe()``;
- ``VapidKey.key_id``: 16 hex digits of SHA-256 of that point, stored with each subscription so
  subscriptions made with another key can be found after a key change;
- ``VapidKey.authorization(claims) -> str``: the ``Authorization`` header value for ``claims``;
- ``vapid_command(settings, show_private=False) -> str``: what ``sidewise vapid`` prints.
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from backend.settings import PREFIX, Settings

PUBLIC_KEY_FILE = "vapid_public.txt"


class VapidKeyMissing(RuntimeError):
    """No VAPID key is configured and none was created yet."""


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class VapidKey:
    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError("a VAPID key must be on the P-256 curve")
        self._private_key = private_key
        self._signer = Vapid02(private_key)
        point = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.public_key = _b64url(point)
        self.key_id = hashlib.sha256(point).hexdigest()[:16]

    @classmethod
    def generate(cls) -> VapidKey:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_raw(cls, text: str) -> VapidKey:
        scalar = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return cls(ec.derive_private_key(int.from_bytes(scalar, "big"), ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: bytes) -> VapidKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the VAPID key file must hold an EC private key")
        return cls(key)

    def private_pem(self) -> bytes:
        return self._private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def private_raw(self) -> str:
        return _b64url(self._private_key.private_numbers().private_value.to_bytes(32, "big"))

    def authorization(self, claims: dict[str, str | int]) -> str:
        """``vapid t=<ES256 JWT>,k=<public key>``; py_vapid signs a copy of ``claims``."""
        header: str = self._signer.sign(claims)["Authorization"]
        return header


def key_file(settings: Settings) -> Path:
    if settings.vapid_key_file:
        return Path(settings.vapid_key_file)
    return settings.data_dir / "vapid_private.pem"


def load_vapid(settings: Settings) -> VapidKey:
    if settings.vapid_private_key:
        return VapidKey.from_raw(settings.vapid_private_key)
    path = key_file(settings)
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise VapidKeyMissing(
            f"no VAPID key at {path}: run `sidewise vapid` once, or set {PREFIX}VAPID_PRIVATE_KEY"
        ) from None
    return VapidKey.from_pem(pem)


def create_key_file(path: Path) -> VapidKey:
    """Write a new key to ``path`` (mode 0600, never over an existing file) and its public key."""
    key = VapidKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.private_pem())
    (path.parent / PUBLIC_KEY_FILE).write_text(key.public_key + "\n")
    return key


def vapid_command(settings: Settings, *, show_private: bool = False) -> str:
    """Create the key file unless a key exists; describe the key in use."""
    if settings.vapid_private_key:
        key, origin = load_vapid(settings), f"{PREFIX}VAPID_PRIVATE_KEY"
    elif key_file(settings).exists():
        key, origin = load_vapid(settings), f"{key_file(settings)} (kept)"
    else:
        key, origin = create_key_file(key_file(settings)), f"{key_file(settings)} (created)"
    lines = [f"VAPID key: {origin}", f"public key: {key.public_key}", f"key id: {key.key_id}"]
    if show_private:
        lines.append(f"{PREFIX}VAPID_PRIVATE_KEY={key.private_raw()}")
    return "\n".join(lines)
