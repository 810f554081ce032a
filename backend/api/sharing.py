"""Clinician sharing: codes and patient reads for the clinician; grants, the access log and the
H:Q ratio for the patient. Any account can act as either."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import Provide
from litestar.params import JSONBody, Parameter

from backend.api.client_address import client_address
from backend.api.contract import (
    JSON_BODY,
    SIGNED_IN,
    SIGNED_IN_CHANGE,
    THROTTLED,
    no_content,
    problems,
)
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.services.sharing import (
    AccessEntry,
    CodePreview,
    GrantView,
    Hq,
    PatientDetail,
    PatientItem,
    ShareCodeView,
)

# Ids are database keys: a number past them is refused here rather than by the driver. The
# bound is 2^53 − 1, which JSON Schema tools (floats) compare exactly; ids stay far below it.
Id = Annotated[int, Parameter(ge=1, le=2**53 - 1)]


class NewCodeIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str | None = None  # how the patient will see the clinician, beside the email


class CodeIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str  # as typed: any case, spaces and dashes allowed


class GrantIn(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    scope: str  # summary | summary_sets


class ScopeIn(msgspec.Struct, forbid_unknown_fields=True):
    scope: str


class PatientsOut(msgspec.Struct):
    patients: list[PatientItem]  # those needing attention first


class GrantsOut(msgspec.Struct):
    grants: list[GrantView]


class AccessLogOut(msgspec.Struct):
    events: list[AccessEntry]  # newest first, at most 200


class ClinicianController(Controller):
    path = "/api/clinician"
    tags = ["clinician"]  # noqa: RUF012 (Litestar reads it as a class attribute)
    dependencies = {"account": Provide(provide_account)}  # noqa: RUF012

    @post(
        "/codes",
        status_code=201,
        summary="A single-use share code for a patient to enter (expires in 7 days)",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, 422),
    )
    async def create_code(
        self, account: AccountDep, data: JSONBody[NewCodeIn], services: ServicesDep
    ) -> ShareCodeView:
        return await services.sharing.create_code(account.account_id, data.name)

    @get(
        "/patients",
        summary="The patients who granted access, those needing attention first (logged)",
        security=SIGNED_IN,
        responses=problems(401),
    )
    async def patients(self, account: AccountDep, services: ServicesDep) -> PatientsOut:
        return PatientsOut(await services.sharing.patients(account.account_id))

    @get(
        "/patients/{patient_id:int}",
        summary="One patient's summary, charts and H:Q; sets and notes under that scope (logged)",
        security=SIGNED_IN,
        responses=problems(400, 401, 404),
    )
    async def patient(
        self, patient_id: Id, account: AccountDep, services: ServicesDep
    ) -> PatientDetail:
        return await services.sharing.patient(account.account_id, patient_id)


class SharingController(Controller):
    path = "/api/sharing"
    tags = ["clinician"]  # noqa: RUF012
    dependencies = {"account": Provide(provide_account)}  # noqa: RUF012

    @post(
        "/preview",
        status_code=200,
        summary="Who a share code belongs to and what each scope shows, before granting",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, 404, 409, 422, *THROTTLED),
    )
    async def preview(
        self,
        request: Request[Any, Any, Any],
        account: AccountDep,
        data: JSONBody[CodeIn],
        services: ServicesDep,
    ) -> CodePreview:
        address = client_address(request)
        return await services.sharing.preview(account.account_id, data.code, address)

    @post(
        "/grants",
        status_code=201,
        summary="Grant the clinician of a share code read access with a scope (uses the code)",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, 404, 409, 422, *THROTTLED),
    )
    async def grant(
        self,
        request: Request[Any, Any, Any],
        account: AccountDep,
        data: JSONBody[GrantIn],
        services: ServicesDep,
    ) -> GrantView:
        address = client_address(request)
        return await services.sharing.grant(account.account_id, data.code, data.scope, address)

    @get(
        "/grants",
        summary="The clinicians this account granted access to",
        security=SIGNED_IN,
        responses=problems(401),
    )
    async def grants(self, account: AccountDep, services: ServicesDep) -> GrantsOut:
        return GrantsOut(await services.sharing.grants(account.account_id))

    @patch(
        "/grants/{grant_id:int}",
        summary="Change a grant's scope",
        security=SIGNED_IN_CHANGE,
        responses=problems(*JSON_BODY, 401, 403, 404, 422),
    )
    async def change_scope(
        self,
        grant_id: Id,
        account: AccountDep,
        data: JSONBody[ScopeIn],
        services: ServicesDep,
    ) -> GrantView:
        return await services.sharing.change_scope(account.account_id, grant_id, data.scope)

    @delete(
        "/grants/{grant_id:int}",
        status_code=204,
        summary="Revoke a grant: the clinician's next request no longer sees this account",
        security=SIGNED_IN_CHANGE,
        responses={204: no_content("Revoked"), **problems(400, 401, 403, 404)},
    )
    async def revoke(
        self, grant_id: Id, account: AccountDep, services: ServicesDep
    ) -> Response[None]:
        await services.sharing.revoke(account.account_id, grant_id)
        return Response(None, status_code=204)

    @get(
        "/log",
        summary="Who viewed this account's data, and its grants' changes, newest first",
        security=SIGNED_IN,
        responses=problems(401),
    )
    async def access_log(self, account: AccountDep, services: ServicesDep) -> AccessLogOut:
        return AccessLogOut(await services.sharing.access_log(account.account_id))


@get(
    "/api/me/hq",
    dependencies={"account": Provide(provide_account)},
    tags=["insight"],
    summary="This account's hamstring-to-quadriceps ratio per leg (leg curl ÷ leg extension)",
    security=SIGNED_IN,
    responses=problems(401),
)
async def own_hq(account: AccountDep, services: ServicesDep) -> Hq:
    return await services.sharing.own_hq(account.account_id)
