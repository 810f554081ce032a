from __future__ import annotations

import json
import sys
import unicodedata

import pytest
from hypothesis import given

from sync.canon import MAX_SAFE_INT, InvalidValue, Scalar, canon, check_value

from .strategies import scalars, valid_texts, vectors


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-7, "-7"),
        (MAX_SAFE_INT, "9007199254740991"),
        (-MAX_SAFE_INT, "-9007199254740991"),
        ("", '""'),
        ('say "hi"', '"say \\"hi\\""'),
        ("C:\\x", '"C:\\\\x"'),
        ("/", '"/"'),
        ("é😀한", '"é😀한"'),
        ("a\u2028b", '"a\u2028b"'),
    ],
)
def test_canon_table(value: Scalar, text: str) -> None:
    assert check_value(value) is value
    assert canon(value) == text
    assert json.loads(text) == value


def test_bool_stays_bool() -> None:
    assert check_value(True) is True
    assert check_value(False) is False
    assert canon(True) != canon(1)
    assert canon(False) != canon(0)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (1.0, "float"),
        (0.0, "float"),
        (20.5, "float"),
        (float("nan"), "float"),
        (MAX_SAFE_INT + 1, "int_range"),
        (-MAX_SAFE_INT - 1, "int_range"),
        (10**30, "int_range"),
        ("a\x00b", "control_char"),
        ("\x1f", "control_char"),
        ("\x7f", "control_char"),
        ("\x85", "control_char"),
        ("\x9f", "control_char"),
        ("line\nbreak", "control_char"),
        ("e\u0301", "not_nfc"),
        ("\u212b", "not_nfc"),
        ("\u1112\u1161\u11ab", "not_nfc"),
        ("\ud800", "lone_surrogate"),
        ("a\udfff", "lone_surrogate"),
        ("\ud800\x00", "lone_surrogate"),  # a lone surrogate is reported first
        ("e\u0301\x00", "control_char"),  # then a control character, then normalisation
        (b"bytes", "type"),
        ([1], "type"),
        ({}, "type"),
    ],
)
def test_check_value_rejects(value: object, reason: str) -> None:
    with pytest.raises(InvalidValue) as info:
        check_value(value)
    assert info.value.reason == reason
    assert str(info.value)


def test_canon_refuses_non_scalars() -> None:
    with pytest.raises(InvalidValue):
        canon(1.0)  # type: ignore[arg-type]


def test_control_chars_are_exactly_category_cc() -> None:
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cs":
            continue
        try:
            check_value(char)
            reason = None
        except InvalidValue as exc:
            reason = exc.reason
        assert (reason == "control_char") == (unicodedata.category(char) == "Cc"), hex(code)


@given(valid_texts)
def test_valid_text_round_trips(text: str) -> None:
    assert check_value(text) == text
    assert json.loads(canon(text)) == text


@given(scalars, scalars)
def test_str_order_is_utf8_byte_order(a: Scalar, b: Scalar) -> None:
    ca, cb = canon(a), canon(b)
    assert (ca < cb) == (ca.encode() < cb.encode())
    assert (ca == cb) == (a == b and type(a) is type(b))


def test_astral_sorts_after_private_use_as_utf8() -> None:
    # UTF-16 code units would order these the other way round.
    assert canon("😀").encode() > canon("\ue000").encode()
    assert canon("😀") > canon("\ue000")


def test_vector_encodings_replay() -> None:
    entries = vectors()["canon"]
    reasons = set()
    for entry in entries:
        value = json.loads(entry["json"])
        if "error" in entry:
            with pytest.raises(InvalidValue) as info:
                check_value(value)
            assert info.value.reason == entry["error"], entry
            reasons.add(entry["error"])
        else:
            assert canon(check_value(value)) == entry["canon"], entry
    assert reasons == {"float", "int_range", "control_char", "not_nfc", "lone_surrogate", "type"}
