"""Rules for sign-up input: what counts as an email address and an acceptable password."""

from __future__ import annotations

import re
import unicodedata

from backend.domain.errors import InvalidInput

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
MAX_EMAIL = 320
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]+")


def normalize_email(raw: str) -> str:
    email = unicodedata.normalize("NFC", raw.strip()).lower()
    if len(email) > MAX_EMAIL or _EMAIL.fullmatch(email) is None:
        raise InvalidInput("email must look like name@example.com", code="invalid_email")
    return email


def check_password(password: str, email: str | None = None) -> None:
    """A new password: long enough, printable, and not the account's own address."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(
            f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters", code="invalid_password"
        )
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        raise InvalidInput("password must not contain control characters", code="invalid_password")
    if email and password.strip().lower() in (email, email.split("@")[0]):
        raise InvalidInput("password must not be your email address", code="invalid_password")
