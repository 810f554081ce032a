from __future__ import annotations

from sync.vectors import VECTORS_PATH, render


def test_committed_vectors_are_current() -> None:
    # Regenerate with `python -m sync.vectors` after changing sync/ on purpose.
    committed = VECTORS_PATH.read_text(encoding="utf-8")
    assert render() == committed, "sync/vectors.json is stale: run python -m sync.vectors"


def test_vectors_stay_small_and_ascii() -> None:
    data = VECTORS_PATH.read_bytes()
    assert len(data) < 3_000_000
    assert data.isascii()
