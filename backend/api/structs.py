"""Request and response bodies of the account endpoints (sync bodies live in ``sync.wire``)."""

from __future__ import annotations

import msgspec


class Credentials(msgspec.Struct, forbid_unknown_fields=True):
    email: str = msgspec.field()
    password: str = msgspec.field()


class AccountOut(msgspec.Struct):
    id: int
    email: str
    time_zone: str  # IANA zone the account's days are counted in


class TimeZoneIn(msgspec.Struct, forbid_unknown_fields=True):
    time_zone: str = msgspec.field()


class DeviceOut(msgspec.Struct):
    device_id: str


class Health(msgspec.Struct):
    status: str
    database: str
    schema: str  # the migration revision the database is at
