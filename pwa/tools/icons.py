"""Draw the app icons (a circle split into a left and a right half) as PNGs, stdlib only.

Run from the repository root: ``python3 pwa/tools/icons.py``. The maskable icon keeps its mark
inside the central 80 % circle that launchers may crop to.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

BACKGROUND = (0x0F, 0x17, 0x2A)
LEFT = (0x2D, 0xD4, 0xBF)
RIGHT = (0xFB, 0xBF, 0x24)
OUT = Path(__file__).resolve().parent.parent / "icons"


def _blend(under: tuple[int, ...], over: tuple[int, ...], alpha: float) -> tuple[int, ...]:
    return tuple(round(u + (o - u) * alpha) for u, o in zip(under, over, strict=True))


def draw(size: int, radius_share: float) -> bytes:
    """Raw RGB rows of the icon, each prefixed with PNG filter type 0."""
    centre = size / 2
    radius = size * radius_share
    gap = size * 0.025
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            px, py = x + 0.5 - centre, y + 0.5 - centre
            # Coverage from the signed distance to the edge gives smooth, anti-aliased borders.
            inside = min(max(radius - math.hypot(px, py) + 0.5, 0.0), 1.0)
            outside_gap = min(max(abs(px) - gap + 0.5, 0.0), 1.0)
            colour = LEFT if px < 0 else RIGHT
            rows.extend(_blend(BACKGROUND, colour, inside * outside_gap))
    return bytes(rows)


def png(size: int, rows: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, size, share in (
        ("icon-192.png", 192, 0.38),
        ("icon-512.png", 512, 0.38),
        ("maskable-512.png", 512, 0.3),
    ):
        (OUT / name).write_bytes(png(size, draw(size, share)))
        print(f"wrote {OUT / name}")


if __name__ == "__main__":
    main()
