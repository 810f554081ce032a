"""The built-in exercise catalogue."""

from __future__ import annotations


async def test_catalogue_is_public_and_lists_unilateral_exercises(client) -> None:
    response = await client.get("/api/catalogue")
    assert response.status_code == 200
    ids = {exercise["id"] for exercise in response.json()}
    assert {"single-leg-press", "single-arm-biceps-curl", "bulgarian-split-squat"} <= ids
