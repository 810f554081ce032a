"""Errors that carry meaning, not HTTP status; the app maps each kind to one problem shape."""

from __future__ import annotations


class SidewiseError(Exception):
    """Base of every expected failure. ``code`` is stable and machine-readable."""

    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.extra = extra


class InvalidInput(SidewiseError):
    """The request is well-formed but its content breaks a rule."""

    code = "invalid_input"


class NotAuthenticated(SidewiseError):
    """No valid session."""

    code = "not_authenticated"


class Forbidden(SidewiseError):
    """Authenticated, but this thing belongs to someone else."""

    code = "forbidden"


class NotFound(SidewiseError):
    code = "not_found"


class Conflict(SidewiseError):
    """The request clashes with what is already stored."""

    code = "conflict"


class TooLarge(SidewiseError):
    """More items than one request may carry."""

    code = "too_large"


class Malformed(SidewiseError):
    """The body is not parseable as the expected message (bad JSON, types, unknown fields)."""

    code = "malformed"


class Unavailable(SidewiseError):
    """A feature the server is not configured for right now (e.g. push without a VAPID key)."""

    code = "unavailable"


class TooManyRequests(SidewiseError):
    """Throttled: the same kind of request may be tried again after ``retry_after_s``."""

    code = "too_many_requests"

    def __init__(self, detail: str, *, retry_after_s: int, code: str | None = None) -> None:
        # Also in the body: a page's fetch() may read it there without parsing headers.
        super().__init__(detail, code=code, retry_after_s=retry_after_s)
        self.retry_after_s = retry_after_s
