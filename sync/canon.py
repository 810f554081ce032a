"""Field values and their canonical text.

A value is a JSON scalar that every replica can represent exactly: integers within the range a
JavaScript number holds exactly, NFC strings without control characters, booleans and null.
Canonical text is compact JSON; merge ties compare it as UTF-8 bytes. For strings without lone
surrogates (which ``check_value`` refuses), Python's code-point order of ``str`` equals UTF-8
byte order, so canonical strings can be compared directly. JavaScript compares UTF-16 code units,
which order astral characters before U+E000..U+FFFF, so it must compare encoded bytes instead.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, TypeAlias

Scalar: TypeAlias = int | str | bool | None
Reason: TypeAlias = Literal[
    "float", "int_range", "control_char", "not_nfc", "lone_surrogate", "type"
]

MAX_SAFE_INT = 2**53 - 1

# Unicode's stability policy fixes the Cc category to exactly these code points.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# A str only holds a surrogate code point when it came unpaired (e.g. a lone "\ud800" escape).
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidValue(ValueError):
    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason: Reason = reason


def check_value(value: object) -> Scalar:
    """Return ``value`` if it is a valid field value, else raise ``InvalidValue``.

    A string with several faults reports the first of: lone surrogate, control character, not NFC.
    """
    # Fast paths for what nearly every op carries: a plain int, and printable ASCII text, which
    # holds no control character (ASCII's are 0x00-0x1f and 0x7f), no surrogate and is NFC.
    if type(value) is int and -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
        return value
    if isinstance(value, str) and value.isascii() and value.isprintable():
        return value
    # bool before int: it is an int subclass but must stay a boolean.
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            return value
        raise InvalidValue("int_range", "integers must be within ±(2**53 - 1)")
    if isinstance(value, float):
        raise InvalidValue("float", "floats are not allowed; use integers in fixed units")
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise InvalidValue("lone_surrogate", "strings must not contain lone surrogates")
        if _CONTROL.search(value):
            raise InvalidValue("control_char", "strings must not contain control characters")
        if not unicodedata.is_normalized("NFC", value):
            raise InvalidValue("not_nfc", "strings must be NFC-normalised")
        return value
    raise InvalidValue("type", f"not a JSON scalar: {type(value).__name__}")


def canon(value: Scalar) -> str:
    """Compact JSON text of a value that passed ``check_value``.

    Strings escape only ``\\`` and ``"``: control characters are refused, and everything else
    stays raw so the text has a single spelling.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        if "\\" not in value and '"' not in value:  # nothing to escape
            return f'"{value}"'
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise InvalidValue("type", f"not a JSON scalar: {type(value).__name__}")
