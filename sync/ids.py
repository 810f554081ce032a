"""UUIDv7 record and op ids (RFC 9562): time-ordered, so new rows land at the end of an index."""

from __future__ import annotations

import re

_UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def uuid7(unix_ms: int, rand: bytes) -> str:
    """A UUIDv7 for ``unix_ms`` whose 74 random bits come from the 10 bytes of ``rand``.

    ``rand_a`` takes the first 12 bits of ``rand`` and ``rand_b`` the last 62; the 6 bits between
    them are unused.
    """
    if not 0 <= unix_ms < 1 << 48:
        raise ValueError(f"unix_ms must fit in 48 bits: {unix_ms}")
    if len(rand) != 10:
        raise ValueError(f"rand must be exactly 10 bytes, got {len(rand)}")
    bits = int.from_bytes(rand, "big")
    rand_a = bits >> 68
    rand_b = bits & ((1 << 62) - 1)
    value = unix_ms << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def is_uuid7(text: str) -> bool:
    """Whether ``text`` is a UUIDv7 in canonical lower-case hyphenated form."""
    return _UUID7.fullmatch(text) is not None


def uuid7_ms(text: str) -> int:
    """The Unix time in milliseconds embedded in a UUIDv7."""
    if not is_uuid7(text):
        raise ValueError(f"not a canonical UUIDv7: {text!r}")
    return int(text[:8] + text[9:13], 16)
