"""What a reminder says, and the push payload that carries it within 3 KB."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.cross_education import PRESCRIPTION, Prescription
from backend.domain.notification import (
    ELLIPSIS,
    MAX_PAYLOAD_BYTES,
    Notification,
    encode_notification,
)
from backend.domain.reminders import ReminderLimb, reminder_message

PRESS = ("single-leg-press", "Single-leg press")
CURL = ("single-leg-curl", "Single-leg curl")
CUSTOM = ("0190f5c8-6b1e-7b3a-9c1d-2e3f4a5b6c7d", "Cable kickback")


def prescription(sets: int, reps: int, eccentric_ms: int) -> Prescription:
    return msgspec.structs.replace(
        PRESCRIPTION,
        sets_min=sets,
        sets_max=sets,
        reps_min=reps,
        reps_max=reps,
        eccentric_ms_min=eccentric_ms,
        eccentric_ms_max=eccentric_ms,
    )


CROSS_EDUCATION = prescription(3, 8, 3000)


@pytest.mark.parametrize(
    ("limb", "exercises", "dose", "title", "body", "url"),
    [
        (
            "left_leg",
            [PRESS],
            CROSS_EDUCATION,
            "Left leg day",
            "Single-leg press 3 × 8, slow eccentric",
            "/#/log?exercise=single-leg-press&side=left",
        ),
        (
            "right_leg",
            [PRESS, CURL],
            prescription(4, 6, 0),
            "Right leg day",
            "Single-leg press 4 × 6\nSingle-leg curl 4 × 6",
            "/#/log?exercise=single-leg-press&side=right",
        ),
        (
            "right_arm",
            [CUSTOM],
            None,
            "Right arm day",
            "Cable kickback",
            f"/#/log?exercise={CUSTOM[0]}&side=right",
        ),
        ("left_arm", [], None, "Left arm day", "Time to train your left arm.", "/#/log?side=left"),
        (
            "left_arm",
            [("single-arm-db-row", "Single-arm dumbbell row")],
            PRESCRIPTION,  # the plan's ranges
            "Left arm day",
            "Single-arm dumbbell row 3–5 × 6–10, slow eccentric",
            "/#/log?exercise=single-arm-db-row&side=left",
        ),
    ],
)
def test_reminder_messages(
    limb: ReminderLimb,
    exercises: list[tuple[str, str]],
    dose: Prescription | None,
    title: str,
    body: str,
    url: str,
) -> None:
    message = reminder_message(limb, exercises, dose, trained_today=False)
    assert message == Notification(title=title, body=body, tag=f"reminder-{limb}", url=url)


def test_no_reminder_once_the_limb_was_trained_that_day() -> None:
    assert reminder_message("left_leg", [PRESS], CROSS_EDUCATION, trained_today=True) is None


def decode(payload: bytes) -> Notification:
    return msgspec.json.decode(payload, type=Notification)


def test_a_normal_reminder_is_encoded_whole() -> None:
    message = reminder_message("left_leg", [PRESS, CURL], CROSS_EDUCATION, trained_today=False)
    assert message is not None
    assert decode(encode_notification(message)) == message


def test_a_long_body_is_cut_at_a_whole_line() -> None:
    names = [(f"0190f5c8-6b1e-7b3a-9c1d-{i:012}", f"Übung {i} " + "ä" * 60) for i in range(40)]
    message = reminder_message("left_arm", names, CROSS_EDUCATION, trained_today=False)
    assert message is not None
    payload = encode_notification(message)
    shown = decode(payload)
    assert len(payload) <= MAX_PAYLOAD_BYTES
    assert shown.body.endswith(ELLIPSIS)
    kept = shown.body.removesuffix(ELLIPSIS).split("\n")
    assert kept == message.body.split("\n")[: len(kept)]
    assert (shown.title, shown.url, shown.tag) == (message.title, message.url, message.tag)


def test_a_body_without_lines_fills_the_payload_to_the_byte() -> None:
    payload = encode_notification(Notification(title="t", body="a" * 5000, tag="t", url="/"))
    assert len(payload) == MAX_PAYLOAD_BYTES


def test_a_cut_never_splits_a_letter_from_its_accent() -> None:
    message = Notification(title="t", body="e\u0301" * 3000, tag="t", url="/")
    body = decode(encode_notification(message)).body.removesuffix(ELLIPSIS)
    assert body == "e\u0301" * (len(body) // 2)


def test_fixed_fields_too_long_to_fit_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="limit"):
        encode_notification(Notification(title="x" * 4000, body="", tag="t", url="/"))


@given(st.text(max_size=4000), st.text(max_size=80))
def test_every_payload_fits_and_keeps_a_prefix_of_the_body(body: str, title: str) -> None:
    message = Notification(title=title, body=body, tag="reminder-left_leg", url="/#/log")
    payload = encode_notification(message)
    shown = decode(payload)
    assert len(payload) <= MAX_PAYLOAD_BYTES
    if shown.body != body:
        assert shown.body.endswith(ELLIPSIS)
        assert body.startswith(shown.body.removesuffix(ELLIPSIS))
