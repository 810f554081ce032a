"""The fast paths of the op checks give the same answers as the straightforward versions they
replace, kept here as oracles: ``Hlc.parse`` (one shape match, fields sliced from fixed offsets,
days cached) against full regular-expression parsing; ``check_value``'s plain-int and
printable-ASCII shortcuts and ``canon``'s nothing-to-escape shortcut against the general rules.
Inputs are valid stamps and values, their near misses, and arbitrary text."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from sync.canon import MAX_SAFE_INT, InvalidValue, Scalar, canon, check_value
from sync.hlc import MAX_COUNTER, MAX_WALL_MS, Hlc, HlcFormatError
from tests.sync.strategies import hlcs

# -- the oracles: the previous implementations -------------------------------------------------

_TEXT = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\.([0-9]{3})Z"
    r"-([0-9A-F]{4})-([0-9a-f]{16})"
)
_EPOCH = date(1970, 1, 1).toordinal()


def slow_parse(text: str) -> Hlc:
    match = _TEXT.fullmatch(text)
    if match is None:
        raise HlcFormatError(text)
    year, month, day, hour, minute, sec, millis = (int(g) for g in match.groups()[:7])
    try:
        days = date(year, month, day).toordinal() - _EPOCH
    except ValueError:
        raise HlcFormatError(text) from None
    if hour > 23 or minute > 59 or sec > 59:
        raise HlcFormatError(text)
    wall_ms = days * 86_400_000 + ((hour * 60 + minute) * 60 + sec) * 1000 + millis
    counter, node = int(match.group(8), 16), match.group(9)
    if not 0 <= wall_ms <= MAX_WALL_MS or not 0 <= counter <= MAX_COUNTER:
        raise HlcFormatError(text)
    if re.fullmatch(r"[0-9a-f]{16}", node) is None:
        raise HlcFormatError(text)
    return Hlc(wall_ms, counter, node)


def slow_check(value: object) -> Scalar:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if -MAX_SAFE_INT <= value <= MAX_SAFE_INT:
            return value
        raise InvalidValue("int_range", "")
    if isinstance(value, float):
        raise InvalidValue("float", "")
    if isinstance(value, str):
        if re.search("[\ud800-\udfff]", value):
            raise InvalidValue("lone_surrogate", "")
        if re.search("[\x00-\x1f\x7f-\x9f]", value):
            raise InvalidValue("control_char", "")
        if not unicodedata.is_normalized("NFC", value):
            raise InvalidValue("not_nfc", "")
        return value
    raise InvalidValue("type", "")


def slow_canon(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def outcome(run: object, arg: object) -> tuple[str, object]:
    try:
        return "ok", run(arg)  # type: ignore[operator]
    except HlcFormatError:
        return "HlcFormatError", None
    except InvalidValue as exc:
        return "InvalidValue", exc.reason


# -- HLC text -------------------------------------------------------------------------------

# Characters a near miss may swap in: digits' neighbours, hex of the other case, separators,
# non-ASCII digits (which \d and str.isdigit would take), and a surrogate.
SWAPS = "0123456789:/-.TZtzABCDEFGabcdefg \u0663\uff11\u00b2\ud800"


@st.composite
def near_misses(draw: st.DrawFn) -> str:
    text = list(draw(hlcs).encode())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text) - 1))
        text[at] = draw(st.sampled_from(SWAPS))
    return "".join(text)


hlc_texts = st.one_of(hlcs.map(Hlc.encode), near_misses(), st.text(max_size=60))


@given(hlc_texts)
@example("1969-12-31T23:59:59.999Z-0000-0000000000000000")  # before the epoch
@example("0000-01-01T00:00:00.000Z-0000-0000000000000000")  # no year 0
@example("2024-02-30T00:00:00.000Z-0000-0000000000000000")
@example("2023-02-29T00:00:00.000Z-0000-0000000000000000")
@example("2024-02-29T24:00:00.000Z-0000-0000000000000000")
@example("2024-02-29T23:60:00.000Z-0000-0000000000000000")
@example("2024-02-29T23:59:60.000Z-0000-0000000000000000")
@example("9999-12-31T23:59:59.999Z-FFFF-ffffffffffffffff")
@example("2024-02-29T23:59:59.999Z-00a0-0000000000000000")
@example("2024-02-29T23:59:59.999Z-0000-000000000000000F")
@example("2024-02-29T23:59:59.999Z-0000-0000000000000000\n")
def test_hlc_parse_answers_as_full_matching_does(text: str) -> None:
    assert outcome(Hlc.parse, text) == outcome(slow_parse, text)


# -- values -----------------------------------------------------------------------------------

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-MAX_SAFE_INT - 2, MAX_SAFE_INT + 2),
    st.sampled_from([MAX_SAFE_INT, -MAX_SAFE_INT, MAX_SAFE_INT + 1, 2**64]),
    st.floats(),
    st.text(),
    st.text(st.characters(codec="ascii")),
    st.text(st.characters(min_codepoint=0, max_codepoint=0xFFFF)),  # surrogates too
    st.lists(st.integers(), max_size=2),
)


@given(values)
@example("")
@example("a\x7f")
@example("tab\there")
@example("e\u0301")  # not NFC
@example("\x85")  # a C1 control
def test_check_value_answers_as_the_general_rules_do(value: object) -> None:
    assert outcome(check_value, value) == outcome(slow_check, value)


@given(st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"])))
@example('say "hi"')
@example("back\\slash")
def test_canon_of_a_string_is_the_escaped_text(text: str) -> None:
    assert canon(text) == slow_canon(text)
