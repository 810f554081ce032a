"""Two real `sidewise serve` processes over one PostgreSQL database: a grant revoked, or a
patient account erased, through one process stops the clinician's very next request on the
other. Nothing is cached per worker; each clinician read checks the grant in the database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from bench.devices import PASSWORD, csrf, sign_up
from tests.support.two_servers import elsewhere, two_servers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    with two_servers(tmp_path_factory.mktemp("sharing"), "sidewise_sharing") as (a, b, _):
        yield a, b


async def granted(clinician: httpx.AsyncClient, patient: httpx.AsyncClient) -> int:
    code = (await clinician.post("/api/clinician/codes", json={}, headers=csrf(clinician))).json()
    body = {"code": code["code"], "scope": "summary"}
    response = await patient.post("/api/sharing/grants", json=body, headers=csrf(patient))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def listed(clinician: httpx.AsyncClient) -> list[str]:
    response = await clinician.get("/api/clinician/patients")
    assert response.status_code == 200, response.text
    return [p["email"] for p in response.json()["patients"]]


def test_revoking_on_one_process_stops_the_next_read_on_the_other(
    servers: tuple[str, str],
) -> None:
    first_url, second_url = servers

    async def run() -> None:
        clinician_a = await sign_up(first_url, "physio@example.com")
        clinician_b = elsewhere(second_url, clinician_a)
        patient = await sign_up(first_url, "patient@example.com")
        leaver = await sign_up(first_url, "leaver@example.com")
        leaver_b = elsewhere(second_url, leaver)
        try:
            for round_ in range(5):
                grant_id = await granted(clinician_a, patient)
                me = (await patient.get("/api/me")).json()["id"]
                # Warm both processes on this patient, then revoke through the first.
                assert "patient@example.com" in await listed(clinician_b)
                assert (await clinician_b.get(f"/api/clinician/patients/{me}")).status_code == 200
                revoked = await patient.delete(
                    f"/api/sharing/grants/{grant_id}", headers=csrf(patient)
                )
                assert revoked.status_code == 204, (round_, revoked.text)
                assert "patient@example.com" not in await listed(clinician_b)
                gone = await clinician_b.get(f"/api/clinician/patients/{me}")
                assert gone.status_code == 404, (round_, gone.text)

            # Erasing the account through the second process: the first forgets it at once.
            await granted(clinician_a, leaver)
            assert "leaver@example.com" in await listed(clinician_a)
            erased = await leaver_b.request(
                "DELETE", "/api/me", json={"password": PASSWORD}, headers=csrf(leaver)
            )
            assert erased.status_code == 204, erased.text
            assert await listed(clinician_a) == []

            log = (await patient.get("/api/sharing/log")).json()["events"]
            kinds = [e["kind"] for e in log]
            assert kinds.count("revoked") == 5
            assert kinds.count("viewed_summary") == 5
            assert kinds.count("viewed_list") == 5
        finally:
            for client in (clinician_a, clinician_b, patient, leaver, leaver_b):
                await client.aclose()

    asyncio.run(run())
