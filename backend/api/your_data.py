"""Import (preview, then commit) and export of an account's data.

Imports are ``multipart/form-data``: the file, the weight ``unit`` for files that name none, and
for the commit the ``plan`` (JSON: the choice per imported exercise). The commit answers a stream
of JSON lines — progress per written chunk, then the outcome — so the app can show progress.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Stream

from backend.api.contract import (
    SIGNED_IN,
    SIGNED_IN_CHANGE,
    documented_body,
    problems,
    streamed,
    success,
)
from backend.api.edges import BODY_MEDIA_TYPE
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.domain.errors import InvalidInput, Malformed
from backend.services.importer import MAX_FILE_BYTES, Event, Preview
from backend.services.importer import Plan as ImportPlan

# The file plus the form's framing; the sync endpoints keep their own, far smaller limit.
MAX_UPLOAD = MAX_FILE_BYTES + 64 * 1024
_plan_decoder = msgspec.json.Decoder(ImportPlan)
_event_encoder = msgspec.json.Encoder()


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str | None, Any]:
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Malformed("send the export as the form's `file` part", code="no_file")
    unit = form.get("unit") or None
    if unit is not None and not isinstance(unit, str):
        raise InvalidInput("unit must be kg or lb", code="invalid_unit")
    return await upload.read(), unit, form.get("plan")


@dataclass
class ImportForm:
    """The upload's parts (the handlers read them from the form themselves)."""

    file: UploadFile  # a Strong, Hevy or FitNotes CSV export, or a Sidewise JSON export
    unit: str | None = None  # kg or lb, for Strong's unitless weights
    plan: str | None = None  # commit only: JSON {exercises: [{name, target, side, new?}]}


def _import_form(
    data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
) -> ImportForm:
    return data


_MULTIPART = {BODY_MEDIA_TYPE: "multipart/form-data"}
_UPLOAD_PROBLEMS = (400, 401, 403, 413, 415, 422)


class ExportedRecord(msgspec.Struct):
    type: str
    id: str
    fields: dict[str, str | int | bool | None]


class ExportDocument(msgspec.Struct):
    """The shape of ``records.json`` (streamed, never built in memory)."""

    format: str  # "sidewise"
    version: int
    exported_at: int  # epoch ms
    time_zone: str
    records: list[ExportedRecord]


def _stamp(kind: str) -> str:
    return f"sidewise-{kind}-{datetime.now(UTC).strftime('%Y-%m-%d')}"


class YourDataController(Controller):
    path = "/api"
    tags = ["your data"]  # noqa: RUF012 (Litestar reads it as a class attribute)
    dependencies = {"account": Provide(provide_account)}  # noqa: RUF012

    @post(
        "/import/preview",
        status_code=200,
        summary="What importing this Strong, Hevy, FitNotes or Sidewise file would add",
        responses=problems(*_UPLOAD_PROBLEMS),
        dependencies=documented_body(_import_form),
        request_max_body_size=MAX_UPLOAD,
        opt=_MULTIPART,
        security=SIGNED_IN_CHANGE,
    )
    async def preview(
        self, request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
    ) -> Preview:
        data, unit, _plan = await _upload(request)
        return await services.importer.preview(account.account_id, data, unit)

    @post(
        "/import/commit",
        status_code=200,
        summary="Import the file with a choice per exercise; answers JSON lines of progress",
        responses={
            200: streamed("application/x-ndjson", "One JSON object a line: progress, then done"),
            **problems(*_UPLOAD_PROBLEMS),
        },
        dependencies=documented_body(_import_form),
        request_max_body_size=MAX_UPLOAD,
        opt=_MULTIPART,
        security=SIGNED_IN_CHANGE,
    )
    async def commit(
        self, request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
    ) -> Stream:
        data, unit, plan_text = await _upload(request)
        try:
            plan = _plan_decoder.decode(plan_text or "{}")
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise InvalidInput(
                f"plan is not a valid import plan: {exc}", code="invalid_plan"
            ) from None
        events = await services.importer.commit(account.account_id, data, unit, plan.exercises)

        async def lines() -> AsyncIterator[bytes]:
            event: Event
            async for event in events:
                yield _event_encoder.encode(event) + b"\n"

        return Stream(lines(), media_type="application/x-ndjson")

    @get(
        "/export/sets.csv",
        summary="Every set as CSV (streamed)",
        security=SIGNED_IN,
        responses={200: streamed("text/csv", "Every set, one a row"), **problems(401)},
    )
    async def sets_csv(self, account: AccountDep, services: ServicesDep) -> Stream:
        return Stream(
            services.exporter.sets_csv(account.account_id),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{_stamp("sets")}.csv"'},
        )

    @get(
        "/export/records.json",
        summary="Every record as a JSON document Sidewise imports",
        security=SIGNED_IN,
        responses={
            200: success(ExportDocument, "Every existing record with its fields, streamed"),
            **problems(401),
        },
    )
    async def records_json(self, account: AccountDep, services: ServicesDep) -> Stream:
        now = services.clock.now_ms()
        return Stream(
            services.exporter.document(account.account_id, now),
            media_type="application/json",
            headers={"content-disposition": f'attachment; filename="{_stamp("data")}.json"'},
        )
