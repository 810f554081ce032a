"""The built-in catalogue of unilateral exercises (public: the app needs it before sign-in)."""

from __future__ import annotations

from litestar import get

from backend.services.catalogue import CatalogueExercise, built_in_exercises


@get(
    "/api/catalogue",
    tags=["exercises"],
    summary="Built-in unilateral exercises; sets refer to them by id",
    cache=3600,
)
async def catalogue() -> list[CatalogueExercise]:
    return list(built_in_exercises())
