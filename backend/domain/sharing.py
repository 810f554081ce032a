"""Clinician sharing rules: share codes, scopes and what an access log entry says.

A clinician hands a patient a single-use code; the patient enters it and grants a scope. Codes
are 12 characters from an alphabet without look-alikes (no I, O, 0 or 1), shown in three groups
of four, and expire after 7 days. Randomness and time come in as arguments.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from backend.domain.errors import InvalidInput

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols: a byte mod 32 has no bias
CODE_LENGTH = 12  # 60 bits
CODE_TTL_MS = 7 * 86_400_000
MAX_NAME = 80

Scope = Literal["summary", "summary_sets"]
SCOPES: tuple[Scope, ...] = ("summary", "summary_sets")
SCOPE_TEXT: dict[str, str] = {
    "summary": "LSI, plan adherence, alerts and H:Q ratio",
    "summary_sets": "LSI, plan adherence, alerts and H:Q ratio, plus every set with its notes",
}
# What the patient's log records: grants and their changes, and each clinician read.
# granted | scope_changed | revoked | viewed_list | viewed_summary | viewed_sets | ended
VIEW_KIND: dict[str, str] = {"summary": "viewed_summary", "summary_sets": "viewed_sets"}
_SEPARATORS = str.maketrans("", "", " -\t")


def new_code(random: bytes) -> str:
    """A code from ``CODE_LENGTH`` random bytes."""
    if len(random) != CODE_LENGTH:
        raise ValueError(f"need {CODE_LENGTH} random bytes")
    return "".join(ALPHABET[b % len(ALPHABET)] for b in random)


def display(code: str) -> str:
    """ABCDEFGHJKLM -> ABCD-EFGH-JKLM."""
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def parse_code(text: str) -> str:
    """What the patient typed, in any case, with or without spaces and dashes, as the stored
    code; a clear refusal when it cannot be one."""
    code = text.translate(_SEPARATORS).upper()
    if len(code) != CODE_LENGTH:
        raise InvalidInput(
            f"a share code has {CODE_LENGTH} letters and digits (XXXX-XXXX-XXXX); "
            f"this one has {len(code)}",
            code="code_malformed",
        )
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        raise InvalidInput(
            "share codes never contain I, O, 0, 1 or punctuation; check the code for "
            + ", ".join(repr(c) for c in wrong),
            code="code_malformed",
        )
    return code


def code_key(code: str) -> str:
    """What is stored: the code's SHA-256, so a copy of the database reveals no usable code."""
    return hashlib.sha256(code.encode()).hexdigest()


def check_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = " ".join(name.split())
    if not name:
        return None
    if len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput(
            f"name must be printable text of at most {MAX_NAME} characters", code="bad_name"
        )
    return name


def label(name: str | None, email: str) -> str:
    """How a clinician is named to the patient: the name they gave, and their account email."""
    return f"{name} <{email}>" if name else email
