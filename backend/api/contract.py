"""What the OpenAPI document promises beyond handler signatures: the one problem shape, the error
statuses each operation answers, and the two credentials (session cookie, CSRF header).

``tests/api/test_contract.py`` provokes every status declared here and checks each answer
against the document, so the contract cannot drift from the handlers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.di import Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Schema, SecurityRequirement, SecurityScheme
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition

from backend.api.problems import MEDIA_TYPE
from sync.wire import OpResult


class Problem(msgspec.Struct):
    """Every error: ``code`` is stable and machine-readable, ``detail`` is for people."""

    type: str  # /problems/<code>
    title: str
    status: int
    code: str
    detail: str


class PushProblem(Problem, kw_only=True):
    """With ``code`` ``ops_rejected`` it carries every op's result: the accepted ops are committed
    and must not be resent; after ``clock_skew`` re-stamp with a new device (``server_time_ms``)."""

    results: list[OpResult] | None = None
    server_hlc: str | None = None
    server_time_ms: int | None = None


# Why each status happens, whichever operation answers it.
REASONS: dict[int, str] = {
    400: "Malformed: not JSON, not UTF-8, too deep, wrong types, unknown fields or bad parameters",
    401: "Not signed in (`not_authenticated`), or wrong email or password (`bad_credentials`)",
    403: "CSRF check failed (`csrf_failed`), the device belongs to another account, or the "
    "current password is wrong (`wrong_password`)",
    404: "No such thing of yours: an unknown share code (`code_unknown`), or no grant (`no_grant`)",
    409: "Conflicts with what is stored, or a per-account cap is reached (`too_many_devices`, "
    "`too_many_subscriptions`)",
    413: "Body too large, or more ops than one push may carry",
    415: "The body is not `application/json`",
    422: "Well-formed, but the content breaks a rule; `code` says which",
    429: "Too many attempts; retry after the `Retry-After` seconds",
    503: "Push messages are off: the server has no VAPID key (`push_unavailable`)",
}

JSON_BODY = (400, 413, 415)  # any operation that reads a JSON body
THROTTLED = (429,)  # sign-up, sign-in, device and subscription registration


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """Error responses in the problem shape."""
    return {
        status: ResponseSpec(
            Problem, generate_examples=False, description=REASONS[status], media_type=MEDIA_TYPE
        )
        for status in statuses
    }


def success(container: Any, description: str) -> ResponseSpec:
    """A second success status (e.g. 200 next to 201) with its JSON body."""
    return ResponseSpec(container, generate_examples=False, description=description)


def ops_rejected() -> ResponseSpec:
    return ResponseSpec(
        PushProblem,
        generate_examples=False,
        description="Some ops were rejected (`ops_rejected`, with every op's result: the "
        "accepted ones are committed), or the batch breaks a rule (`unsupported_schema`)",
        media_type=MEDIA_TYPE,
    )


def streamed(media_type: str, description: str) -> ResponseSpec:
    """A success streamed in a media type of its own (CSV, JSON lines, a JSON document)."""
    return ResponseSpec(
        str, generate_examples=False, description=description, media_type=media_type
    )


def no_content(description: str) -> ResponseSpec:
    """A success without a body (Litestar would document ``Response[None]`` as JSON)."""
    return ResponseSpec(None, description=description)


class StrictStructs(OpenAPISchemaPlugin):
    """Request structs that refuse unknown fields say so: ``additionalProperties: false``."""

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        if field_definition.is_union or not field_definition.is_subclass_of(msgspec.Struct):
            return False
        info = msgspec.inspect.type_info(field_definition.type_)
        return isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = StructSchemaPlugin().to_openapi_schema(field_definition, schema_creator)
        schema.additional_properties = False
        return schema


def documented_body(shape: Any) -> dict[str, Provide]:
    """Describe a request body the handler decodes itself with a cached typed decoder.

    Litestar documents the ``data`` parameter of a route's dependencies as its body; no handler
    asks for this one, so it never runs and Litestar never decodes the body a second time.
    """
    return {"documented_body": Provide(shape, sync_to_thread=False)}


SESSION = "session"
CSRF = "csrf"
SIGNED_IN: list[SecurityRequirement] = [{SESSION: []}]
SIGNED_IN_CHANGE: list[SecurityRequirement] = [{SESSION: [], CSRF: []}]
ANY_CHANGE: list[SecurityRequirement] = [{CSRF: []}]


def security_schemes(session_cookie: str) -> Mapping[str, SecurityScheme]:
    return {
        SESSION: SecurityScheme(
            type="apiKey",
            security_scheme_in="cookie",
            name=session_cookie,
            description="Set by sign-up and sign-in (HttpOnly); without it: 401",
        ),
        CSRF: SecurityScheme(
            type="apiKey",
            security_scheme_in="header",
            name="x-csrftoken",
            description="Every POST, PUT and DELETE echoes the `csrftoken` cookie that any GET "
            "hands out; without it: 403 `csrf_failed`",
        ),
    }
