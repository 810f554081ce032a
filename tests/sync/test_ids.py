from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.ids import is_uuid7, uuid7, uuid7_ms

millis = st.integers(0, (1 << 48) - 1)
rands = st.binary(min_size=10, max_size=10)


def test_rfc_9562_example() -> None:
    # RFC 9562 appendix A.6: unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
    rand = (0xCC3 << 68 | 0x18C4DC0C0C07398F).to_bytes(10, "big")
    assert uuid7(0x017F22E279B0, rand) == "017f22e2-79b0-7cc3-98c4-dc0c0c07398f"


@given(millis, rands)
def test_layout(ms: int, rand: bytes) -> None:
    text = uuid7(ms, rand)
    parsed = uuid.UUID(text)
    assert str(parsed) == text
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert parsed.int >> 80 == ms
    bits = int.from_bytes(rand, "big")
    assert (parsed.int >> 64) & 0xFFF == bits >> 68
    assert parsed.int & ((1 << 62) - 1) == bits & ((1 << 62) - 1)
    assert is_uuid7(text)
    assert uuid7_ms(text) == ms


@given(millis, millis, rands, rands)
def test_monotonic_in_ms(a: int, b: int, ra: bytes, rb: bytes) -> None:
    if a < b:
        assert uuid7(a, ra) < uuid7(b, rb)


@pytest.mark.parametrize(
    "text",
    [
        "",
        str(uuid.UUID("017f22e2-79b0-4cc3-98c4-dc0c0c07398f")),  # version 4
        "017f22e2-79b0-1cc3-98c4-dc0c0c07398f",  # version 1
        "017f22e2-79b0-8cc3-98c4-dc0c0c07398f",  # version 8
        "017F22E2-79B0-7CC3-98C4-DC0C0C07398F",  # upper case
        "{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}",
        "urn:uuid:017f22e2-79b0-7cc3-98c4-dc0c0c07398f",
        "017f22e279b07cc398c4dc0c0c07398f",
        "017f22e2-79b0-7cc3-08c4-dc0c0c07398f",  # variant 0xxx (NCS)
        "017f22e2-79b0-7cc3-c8c4-dc0c0c07398f",  # variant 110x (Microsoft)
        "017f22e2-79b0-7cc3-f8c4-dc0c0c07398f",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398f\n",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398",
        "017f22e2-79b0-7cc3-98c4-dc0c0c07398g",
    ],
)
def test_is_uuid7_rejects(text: str) -> None:
    assert not is_uuid7(text)
    with pytest.raises(ValueError, match="UUIDv7"):
        uuid7_ms(text)


def test_v4_is_rejected() -> None:
    assert not is_uuid7(str(uuid.uuid4()))


@pytest.mark.parametrize(("ms", "rand"), [(-1, bytes(10)), (1 << 48, bytes(10)), (0, bytes(9))])
def test_uuid7_refuses_bad_input(ms: int, rand: bytes) -> None:
    with pytest.raises(ValueError, match="must"):
        uuid7(ms, rand)
