"""Devices: each install asks for an HLC node id bound to the signed-in account."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from litestar.di import Provide

from backend.api.client_address import client_address
from backend.api.contract import SIGNED_IN_CHANGE, THROTTLED, problems
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.api.structs import DeviceOut


@post(
    "/api/devices",
    status_code=201,
    dependencies={"account": Provide(provide_account)},
    tags=["sync"],
    summary="Register this device and get its 16-hex node id (throttled; at most "
    "SIDEWISE_MAX_DEVICES per account)",
    security=SIGNED_IN_CHANGE,
    responses=problems(401, 403, 409, *THROTTLED),
)
async def register_device(
    request: Request[Any, Any, Any], account: AccountDep, services: ServicesDep
) -> DeviceOut:
    node = await services.devices.register(account.account_id, client_address(request))
    return DeviceOut(device_id=node)
