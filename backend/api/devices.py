"""Devices: each install asks for an HLC node id bound to the signed-in account."""

from __future__ import annotations

from litestar import post
from litestar.di import Provide

from backend.api.contract import SIGNED_IN_CHANGE, THROTTLED, problems
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.api.structs import DeviceOut


@post(
    "/api/devices",
    status_code=201,
    dependencies={"account": Provide(provide_account)},
    tags=["sync"],
    summary="Register this device and get its 16-hex node id",
    security=SIGNED_IN_CHANGE,
    responses=problems(401, 403, *THROTTLED),
)
async def register_device(account: AccountDep, services: ServicesDep) -> DeviceOut:
    return DeviceOut(device_id=await services.devices.register(account.account_id))
