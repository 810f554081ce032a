"""Liveness plus a database round trip, for load balancers and the deploy smoke test."""

from __future__ import annotations

from litestar import get

from backend.api.session import ServicesDep
from backend.api.structs import Health
from backend.domain.errors import Unavailable


@get("/healthz", tags=["ops"], summary="Server and database are up, the schema is the one served")
async def healthz(services: ServicesDep) -> Health:
    revision = await services.db.schema_revision()
    if not services.db.serves_schema(revision):
        # Restored from an older backup under a running server: take it out of rotation.
        raise Unavailable(
            f"the database schema is at revision {revision or 'none'} but this server needs "
            f"{services.db.schema_head}: run `sidewise migrate`, then restart the server",
            code="schema_mismatch",
        )
    return Health(status="ok", database=services.db.dialect, schema=revision or "")
