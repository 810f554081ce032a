"""The built-in exercise catalogue, as the API serves it."""

from __future__ import annotations

from backend.domain.catalogue import CATALOGUE, CatalogueExercise

__all__ = ["CatalogueExercise", "built_in_exercises"]


def built_in_exercises() -> tuple[CatalogueExercise, ...]:
    return CATALOGUE
