"""Sidewise's own JSON export: every record of an account, which Sidewise imports back.

``{"format": "sidewise", "version": 1, "exported_at": ms, "time_zone": zone,
"records": [{"type", "id", "fields": {field: value}}]}``; every field is checked against the
record whitelist, so a document can add nothing a device could not.
"""

from __future__ import annotations

import msgspec

from backend.domain.errors import InvalidInput
from backend.domain.records import RECORD_FIELDS, FieldError, check_field, is_record_id

FORMAT = "sidewise"
VERSION = 1
Scalar = int | str | bool | None


class DocumentRecord(msgspec.Struct, forbid_unknown_fields=True):
    type: str
    id: str
    fields: dict[str, Scalar]


class Document(msgspec.Struct, forbid_unknown_fields=True):
    format: str
    version: int
    exported_at: int
    time_zone: str
    records: list[DocumentRecord]


_decoder = msgspec.json.Decoder(Document)


def looks_like_document(text: str) -> bool:
    return text.lstrip().startswith("{")


def read(text: str) -> tuple[list[DocumentRecord], list[tuple[int, str, str]]]:
    """The document's valid records, and (record number, reason, detail) for the others."""
    try:
        document = _decoder.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise InvalidInput(f"not a Sidewise JSON export: {exc}", code="not_sidewise_json") from None
    if document.format != FORMAT or document.version != VERSION:
        raise InvalidInput(
            f"a Sidewise export of format version {VERSION} is needed", code="not_sidewise_json"
        )
    good: list[DocumentRecord] = []
    bad: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    for number, record in enumerate(document.records, start=1):
        if record.type not in RECORD_FIELDS or not is_record_id(record.id) or record.id in seen:
            bad.append((number, "bad_record", f"record {record.id!r} of type {record.type!r}"))
            continue
        try:
            for name, value in record.fields.items():
                check_field(record.type, name, value)
        except FieldError as exc:
            bad.append((number, exc.reason, exc.detail))
            continue
        seen.add(record.id)
        good.append(record)
    return good, bad
