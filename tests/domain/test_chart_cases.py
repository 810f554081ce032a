"""The chart cases the web app replays: current, and covering what the chart rules turn on."""

from __future__ import annotations

import json
from typing import Any

from tests.domain.chart_cases import CASES_PATH, EDGE_REPS, ZONES, render


def test_committed_chart_cases_are_current() -> None:
    # Regenerate with `make vectors` after changing the strength, symmetry or chart rules.
    committed = CASES_PATH.read_text(encoding="utf-8")
    assert render() == committed, f"{CASES_PATH.name} is stale: run make vectors"


def _cases() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CASES_PATH.read_text(encoding="utf-8"))
    return data


def test_chart_cases_cover_zones_formulas_injuries_reps_and_ranges() -> None:
    data = _cases()
    charts = data["charts"]
    sides = data["set_fields"].index("side")
    reps = data["set_fields"].index("reps")
    assert {c["zone"] for c in charts} == set(ZONES)
    assert {(c["formula"], c["injured"]) for c in charts if c["expect"]["baseline"]} >= {
        ("epley", "left"),
        ("epley", "right"),
        ("brzycki", "left"),
        ("brzycki", "right"),
    }
    assert {r[reps] for c in charts for r in c["sets"]} >= set(EDGE_REPS)
    assert any(r[sides] == "both" for c in charts for r in c["sets"])
    assert {(c["start"] is None, c["end"] is None) for c in charts} == {
        (True, True),
        (True, False),
        (False, True),
        (False, False),
    }
    lsi = [s for c in charts for s in c["expect"]["lsi"]]
    assert {s["low"] for s in lsi} == {True, False}
    assert any(s["lsi_x10"] == 900 and not s["low"] for s in lsi)
    assert any(c["name"].endswith("-swapped") and c["injured"] for c in charts)


def test_involvement_cases_include_each_outcome() -> None:
    found = [c["expect"] for c in _cases()["involvement"]]
    assert None in found
    assert {(e["side"], e["kind"], e["status"]) for e in found if e} == {
        (side, kind, status)
        for side in ("left", "right")
        for kind in ("arm", "leg")
        for status in ("injured", "recovering")
    }


def test_chart_cases_stay_small_and_ascii() -> None:
    data = CASES_PATH.read_bytes()
    assert len(data) < 1_500_000
    assert data.isascii()
