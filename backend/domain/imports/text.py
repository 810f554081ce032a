"""Bytes of an uploaded file to text: the encodings exports really come in, never a guess.

UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such. A file that is not UTF-8
is read as Windows-1252 (Latin-1's superset) only when every byte means a printable character
there; UTF-16 without a BOM, NUL bytes and undefined bytes are refused rather than mis-read.
"""

from __future__ import annotations

import codecs

from backend.domain.errors import InvalidInput

# Windows-1252 leaves these bytes undefined; C1 controls never appear in a real CSV either.
_UNDEFINED_1252 = frozenset(b"\x81\x8d\x8f\x90\x9d")
_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b")


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of the encoding it was read in."""
    if not data.strip():
        raise InvalidInput("the file is empty", code="empty_file")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8")
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _strict(data[2:], codec, "UTF-16")
    if data.startswith(_BINARY_MAGIC):
        raise InvalidInput(
            "this is not a CSV file (it looks like an archive, PDF or image)", code="not_csv"
        )
    if b"\x00" in data:
        raise InvalidInput(
            "the file holds NUL bytes: it is binary, or UTF-16 without a byte-order mark; "
            "export it again as UTF-8 CSV",
            code="unknown_encoding",
        )
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if any(byte in _UNDEFINED_1252 for byte in data):
        raise InvalidInput(
            "the file is neither UTF-8 nor Windows-1252/Latin-1 text; export it again as UTF-8",
            code="unknown_encoding",
        )
    return data.decode("cp1252"), "Windows-1252 (Latin-1)"


def _strict(data: bytes, codec: str, name: str) -> tuple[str, str]:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"the file says it is {name} but byte {exc.start} is not", code="unknown_encoding"
        ) from None
    if "\x00" in text:
        raise InvalidInput("the file holds NUL characters: it is not text", code="not_csv")
    return text, name
