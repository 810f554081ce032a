"""Built-in catalogue of common unilateral exercises. Ids are stable slugs stored on sets."""

from __future__ import annotations

import msgspec


class CatalogueExercise(msgspec.Struct, frozen=True):
    id: str
    name: str
    limb: str  # arm | leg | other
    movement: str  # what the opposite limb gains most in (transfer is movement-specific)
    # What a figure is read from: "hq-hamstring" and "hq-quadriceps" pair up as the H:Q ratio.
    tags: tuple[str, ...] = ()


CATALOGUE: tuple[CatalogueExercise, ...] = (
    CatalogueExercise("single-arm-biceps-curl", "Single-arm biceps curl", "arm", "elbow flexion"),
    CatalogueExercise("single-arm-hammer-curl", "Single-arm hammer curl", "arm", "elbow flexion"),
    CatalogueExercise(
        "single-arm-triceps-extension",
        "Single-arm overhead triceps extension",
        "arm",
        "elbow extension",
    ),
    CatalogueExercise("single-arm-pushdown", "Single-arm cable pushdown", "arm", "elbow extension"),
    CatalogueExercise("single-arm-db-press", "Single-arm dumbbell press", "arm", "horizontal push"),
    CatalogueExercise(
        "single-arm-overhead-press", "Single-arm overhead press", "arm", "vertical push"
    ),
    CatalogueExercise("single-arm-db-row", "Single-arm dumbbell row", "arm", "horizontal pull"),
    CatalogueExercise("single-arm-lat-pulldown", "Single-arm lat pulldown", "arm", "vertical pull"),
    CatalogueExercise("single-arm-lateral-raise", "Single-arm lateral raise", "arm", "abduction"),
    CatalogueExercise("wrist-curl", "Single-arm wrist curl", "arm", "wrist flexion"),
    CatalogueExercise("single-leg-press", "Single-leg press", "leg", "knee and hip extension"),
    CatalogueExercise(
        "single-leg-extension",
        "Single-leg extension",
        "leg",
        "knee extension",
        ("hq-quadriceps",),
    ),
    CatalogueExercise(
        "single-leg-curl", "Single-leg curl", "leg", "knee flexion", ("hq-hamstring",)
    ),
    CatalogueExercise(
        "bulgarian-split-squat", "Bulgarian split squat", "leg", "knee and hip extension"
    ),
    CatalogueExercise("split-squat", "Split squat", "leg", "knee and hip extension"),
    CatalogueExercise("step-up", "Step-up", "leg", "knee and hip extension"),
    CatalogueExercise("single-leg-rdl", "Single-leg Romanian deadlift", "leg", "hip hinge"),
    CatalogueExercise("single-leg-hip-thrust", "Single-leg hip thrust", "leg", "hip extension"),
    CatalogueExercise("single-leg-calf-raise", "Single-leg calf raise", "leg", "plantar flexion"),
    CatalogueExercise("pistol-squat", "Pistol squat", "leg", "knee and hip extension"),
    CatalogueExercise("suitcase-carry", "Suitcase carry", "other", "anti-lateral flexion"),
)

CATALOGUE_IDS: frozenset[str] = frozenset(exercise.id for exercise in CATALOGUE)


def tagged(tag: str) -> tuple[str, ...]:
    """The ids of the catalogue exercises carrying ``tag``."""
    return tuple(exercise.id for exercise in CATALOGUE if tag in exercise.tags)
