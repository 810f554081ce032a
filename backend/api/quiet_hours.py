"""The account's quiet hours: no reminders then, and alert pushes wait for their end."""

from __future__ import annotations

import msgspec
from litestar import Controller, get, put
from litestar.di import Provide
from litestar.params import JSONBody

from backend.api.contract import JSON_BODY, SIGNED_IN, SIGNED_IN_CHANGE, problems
from backend.api.session import AccountDep, ServicesDep, provide_account


class QuietHoursBody(msgspec.Struct, forbid_unknown_fields=True):
    """HH:MM each, start inclusive, end exclusive (22:00–07:00 wraps midnight); both null: none."""

    start: str | None
    end: str | None


class QuietHoursController(Controller):
    path = "/api/me/quiet-hours"
    tags = ["push"]  # noqa: RUF012 (Litestar reads it as a class attribute)
    dependencies = {"account": Provide(provide_account)}  # noqa: RUF012

    @get("/", summary="This account's quiet hours", security=SIGNED_IN, responses=problems(401))
    async def read(self, account: AccountDep, services: ServicesDep) -> QuietHoursBody:
        quiet = await services.quiet_hours.get(account.account_id)
        if quiet is None:
            return QuietHoursBody(start=None, end=None)
        return QuietHoursBody(start=quiet.start, end=quiet.end)

    @put(
        "/",
        summary="Set quiet hours (both null: none); reminders are re-planned from now",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, 422),
    )
    async def write(
        self, account: AccountDep, data: JSONBody[QuietHoursBody], services: ServicesDep
    ) -> QuietHoursBody:
        await services.quiet_hours.set(account.account_id, data.start, data.end)
        return data
