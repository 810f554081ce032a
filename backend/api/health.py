"""Liveness plus a database round trip, for load balancers and the deploy smoke test."""

from __future__ import annotations

from litestar import get

from backend.api.session import ServicesDep
from backend.api.structs import Health


@get("/healthz", tags=["ops"], summary="Server and database are up")
async def healthz(services: ServicesDep) -> Health:
    await services.db.ping()
    return Health(status="ok", database=services.db.dialect)
