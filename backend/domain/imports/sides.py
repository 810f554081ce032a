"""What an export's words say about sides and exercises: a side named in a note or in the
exercise's name, unilateral wording, and the catalogue exercise a name most likely is."""

from __future__ import annotations

import re
from typing import Literal

from backend.domain.catalogue import CATALOGUE

Hint = Literal["left", "right"]

# "Split squat (Left)", "Row - R", "Curl [L]", "Lunge left": a side at the end of the name.
_NAME_SIDE = re.compile(
    r"^(?P<base>.*?)[\s\-–,:]*[(\[]?\s*(?P<side>left|right|l|r)\s*[)\]]?$", re.IGNORECASE
)
_NOTE_WORD = re.compile(r"\b(left|right|links|rechts)\b", re.IGNORECASE)
_NOTE_LETTER = re.compile(r"(?<![A-Za-z])([LR])(?![A-Za-z])")
_UNILATERAL = re.compile(
    r"single[\s-]?(arm|leg)|one[\s-]?(arm|leg)|unilateral|bulgarian|split squat|pistol|"
    r"step[\s-]?up|lunge|suitcase|\b1[\s-]?(arm|leg)\b",
    re.IGNORECASE,
)
_LEG = re.compile(
    r"leg|squat|lunge|calf|hamstring|quad|glute|hip|deadlift|rdl|step|pistol|knee", re.IGNORECASE
)
_ARM = re.compile(
    r"arm|curl|tricep|bicep|press|row|raise|pulldown|pushdown|fly|wrist|shoulder|chest",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")


def _side(text: str) -> Hint | None:
    lowered = text.lower()
    return "left" if lowered in ("left", "l", "links") else "right"


def split_name(name: str) -> tuple[str, Hint | None]:
    """The exercise without a side suffix, and that side: "Row (Left)" -> ("Row", "left")."""
    match = _NAME_SIDE.match(name)
    if match is None or not match.group("base").strip():
        return name, None
    side_text = match.group("side")
    # A bare trailing "L"/"R" only counts when set apart ("Row R", "Row (R)"), never "Curl".
    if len(side_text) == 1 and not re.search(r"[\s\-–,:(\[]\s*[LRlr]\s*[)\]]?$", name):
        return name, None
    return match.group("base").strip(), _side(side_text)


def note_side(text: str) -> Hint | None:
    """A side a note or comment clearly names; None when it names none or both."""
    found = {_side(m) for m in _NOTE_WORD.findall(text)}
    found |= {_side(m) for m in _NOTE_LETTER.findall(text)}
    return found.pop() if len(found) == 1 else None


def looks_unilateral(name: str) -> bool:
    return _UNILATERAL.search(name) is not None


def limb_of(name: str) -> str:
    """arm | leg | other from the name's wording (leg words win: "leg press")."""
    if _LEG.search(name):
        return "leg"
    if _ARM.search(name):
        return "arm"
    return "other"


def _words(name: str) -> set[str]:
    return set(_WORD.findall(name.lower().replace("single-", "single ")))


def catalogue_match(name: str) -> str | None:
    """The catalogue exercise whose name's words the imported name holds best, if any holds all
    of them ("Single Leg Press (Machine)" -> single-leg-press); only a suggestion to confirm."""
    words = _words(name)
    best: tuple[int, str] | None = None
    for exercise in CATALOGUE:
        wanted = _words(exercise.name)
        if wanted <= words and (best is None or len(wanted) > best[0]):
            best = (len(wanted), exercise.id)
    return best[1] if best else None
