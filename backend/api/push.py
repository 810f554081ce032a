"""Push messages: the server's VAPID public key and this browser's subscription."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.di import Provide
from litestar.params import JSONBody

from backend.api.client_address import client_address
from backend.api.contract import (
    JSON_BODY,
    SIGNED_IN_CHANGE,
    THROTTLED,
    problems,
    success,
)
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.services.push_subscriptions import NewSubscription

_MAX_SAFE = 2**53 - 1


class VapidKeyOut(msgspec.Struct):
    public_key: str  # base64url of the uncompressed P-256 point: the applicationServerKey
    key_id: str  # 16 hex digits naming the key; subscriptions remember it


class SubscriptionKeys(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: str
    auth: str


class SubscriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    """``PushSubscription.toJSON()``, plus the device (HLC node id) it belongs to."""

    endpoint: str
    keys: SubscriptionKeys
    expirationTime: Annotated[int, msgspec.Meta(ge=0, le=_MAX_SAFE)] | None = None
    device_id: Annotated[str, msgspec.Meta(pattern="^[0-9a-f]{16}$")] | None = None


class SubscriptionOut(msgspec.Struct):
    id: int
    key_id: str  # the VAPID key the subscription is registered with


class EndpointIn(msgspec.Struct, forbid_unknown_fields=True):
    endpoint: str


@get(
    "/api/push/vapid-public-key",
    tags=["push"],
    summary="The applicationServerKey to subscribe with (503 push_unavailable without a key)",
    responses=problems(503),
)
async def vapid_public_key(services: ServicesDep) -> VapidKeyOut:
    key = services.subscriptions.current_key()
    return VapidKeyOut(public_key=key.public_key, key_id=key.key_id)


class SubscriptionController(Controller):
    path = "/api/push/subscriptions"
    tags = ["push"]  # noqa: RUF012 (Litestar reads it as a class attribute)
    dependencies = {"account": Provide(provide_account)}  # noqa: RUF012

    @post(
        "/",
        summary="Register this browser's push subscription (201 new, 200 already yours)",
        security=SIGNED_IN_CHANGE,
        responses={
            200: success(SubscriptionOut, "Already yours: its keys are renewed"),
            **problems(*JSON_BODY, 401, 403, 409, 422, *THROTTLED, 503),
        },
    )
    async def subscribe(
        self,
        request: Request[Any, Any, Any],
        account: AccountDep,
        data: JSONBody[SubscriptionIn],
        services: ServicesDep,
    ) -> Response[SubscriptionOut]:
        registered = await services.subscriptions.subscribe(
            account,
            NewSubscription(
                endpoint=data.endpoint,
                p256dh=data.keys.p256dh,
                auth=data.keys.auth,
                expires_at_ms=data.expirationTime,
                device_id=data.device_id,
            ),
            client_address(request),
        )
        return Response(
            SubscriptionOut(id=registered.id, key_id=registered.key_id),
            status_code=201 if registered.created else 200,
        )

    @delete(
        "/",
        status_code=204,
        summary="Forget this browser's subscription (yours only)",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403),
    )
    async def unsubscribe(
        self, account: AccountDep, data: JSONBody[EndpointIn], services: ServicesDep
    ) -> None:
        await services.subscriptions.unsubscribe(account.account_id, data.endpoint)
