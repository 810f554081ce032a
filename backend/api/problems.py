"""One problem-details shape (RFC 9457) for every error the API answers."""

from __future__ import annotations

from typing import Any

from litestar import Response

from backend.domain.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    Malformed,
    NotAuthenticated,
    NotFound,
    SidewiseError,
    TooLarge,
    TooManyRequests,
    Unavailable,
)

MEDIA_TYPE = "application/problem+json"

STATUS: dict[type[SidewiseError], int] = {
    Malformed: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooLarge: 413,
    InvalidInput: 422,
    TooManyRequests: 429,
    Unavailable: 503,
}

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    409: "Conflict",
    413: "Request too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


def problem_body(status: int, code: str, detail: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": f"/problems/{code}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "code": code,
        "detail": detail,
        **extra,
    }


def problem(status: int, code: str, detail: str, **extra: Any) -> Response[dict[str, Any]]:
    return Response(
        problem_body(status, code, detail, **extra), status_code=status, media_type=MEDIA_TYPE
    )


def error_problem(error: SidewiseError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """An expected failure's status, problem body and extra headers."""
    status = status_of(error)
    headers = (
        {"Retry-After": str(error.retry_after_s)} if isinstance(error, TooManyRequests) else {}
    )
    return status, problem_body(status, error.code, error.detail, **error.extra), headers


def status_of(error: SidewiseError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 400
