"""Share codes, the H:Q ratio and the patient summary's arithmetic, as pure functions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.catalogue import tagged
from backend.domain.errors import InvalidInput
from backend.domain.hq import REFERENCE_X1000, hq
from backend.domain.sharing import ALPHABET, CODE_LENGTH, display, new_code, parse_code
from backend.domain.strength import DayFigures
from backend.domain.symmetry import SessionLsi
from backend.domain.triage import attention, summarise, window_change

DAY = date(2026, 3, 2)


@given(random=st.binary(min_size=CODE_LENGTH, max_size=CODE_LENGTH), data=st.data())
def test_a_code_reads_back_however_it_is_typed(random: bytes, data: st.DataObject) -> None:
    code = new_code(random)
    assert len(code) == CODE_LENGTH
    assert set(code) <= set(ALPHABET)
    assert not set(code) & set("IO01")
    shown = display(code)
    assert [len(group) for group in shown.split("-")] == [4, 4, 4]
    # Any case, spaces or dashes anywhere, as read out over the phone.
    typed = "".join(
        data.draw(st.sampled_from([c.lower(), c])) + data.draw(st.sampled_from(["", " ", "-"]))
        for c in shown.replace("-", "")
    )
    assert parse_code(f"  {typed} ") == code


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("ABCD-EFGH-JKL", "this one has 11"),
        ("ABCD-EFGH-JKLMN", "this one has 13"),
        ("ABCD-EFGH-JKL0", "'0'"),
        ("ABCD-EFGH-JKLO", "'O'"),
        ("ABCD-EFGH-JK_1", "'1', '_'"),
        ("", "this one has 0"),
    ],
)
def test_a_mistyped_code_is_refused_saying_why(typed: str, words: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_code(typed)
    assert refused.value.code == "code_malformed"
    assert words in refused.value.detail


def leg(exercise: str, day: date, side: str, kg: float, reps: int = 1) -> DayFigures:
    grams = round(kg * 1000)
    return DayFigures(exercise, day, side, 1, grams * reps, grams, grams, reps, grams, grams, reps)


def test_catalogue_tags_name_the_hq_exercises() -> None:
    assert tagged("hq-hamstring") == ("single-leg-curl",)
    assert tagged("hq-quadriceps") == ("single-leg-extension",)


def test_hq_is_curl_over_extension_of_the_same_leg_and_day_flagged_after_two_below() -> None:
    days = [DAY + timedelta(days=n) for n in range(3)]
    figures = [
        # Left: 0.65, 0.59, 0.58 -> the last two below 0.6: flagged.
        *(leg("single-leg-extension", d, "left", 50) for d in days),
        leg("single-leg-curl", days[0], "left", 32.5),
        leg("single-leg-curl", days[1], "left", 29.5),
        leg("single-leg-curl", days[2], "left", 29),
        # Right: 0.55 then exactly 0.60 (not below); a curl on a day without extension counts
        # for nothing.
        leg("single-leg-extension", days[0], "right", 40),
        leg("single-leg-extension", days[2], "right", 40),
        leg("single-leg-curl", days[0], "right", 22),
        leg("single-leg-curl", days[1], "right", 10),
        leg("single-leg-curl", days[2], "right", 24),
        leg("single-leg-press", days[2], "right", 100),
    ]
    result = hq(figures)
    left, right = result.legs
    assert [s.ratio_x1000 for s in left.sessions] == [650, 590, 580]
    assert left.below
    assert [s.ratio_x1000 for s in right.sessions] == [550, 600]
    assert not right.below
    assert result.flagged == ("left",)
    assert result.reference_x1000 == REFERENCE_X1000
    assert "isokinetic" in result.note


def test_one_session_below_is_not_a_flag_and_no_pair_gives_no_ratio() -> None:
    one = hq(
        [leg("single-leg-extension", DAY, "left", 50), leg("single-leg-curl", DAY, "left", 20)]
    )
    assert one.legs[0].latest_x1000 == 400
    assert not one.legs[0].below
    assert one.legs[1].latest_x1000 is None


def session(day: date, lsi_x10: int) -> SessionLsi:
    return SessionLsi(day=day, left_e1rm_g=1000, right_e1rm_g=lsi_x10, lsi_x10=lsi_x10, low=False)


def test_window_change_is_the_mean_of_the_window_less_the_one_before() -> None:
    today = date(2026, 3, 31)
    series = [
        session(today - timedelta(days=12), 800),  # previous week
        session(today - timedelta(days=8), 820),  # previous week
        session(today - timedelta(days=3), 850),
        session(today, 871),
    ]
    assert window_change(series, today, 7) == (850 + 871) // 2 - (800 + 820) // 2
    assert window_change(series, today, 28) is None  # nothing in the 28 days before
    assert window_change(series[2:], today, 7) is None


def test_attention_ranks_alerts_then_low_lsi_and_names_the_reasons() -> None:
    today = date(2026, 3, 31)
    healthy = summarise(today, {"a": [session(today, 950)]}, {}, [], [], hq([]))
    low = summarise(today, {"a": [session(today, 800)]}, {"a": "Press"}, [], [], hq([]))
    assert healthy.attention == 0
    assert healthy.reasons == ()
    assert low.attention > healthy.attention
    assert low.reasons == ("LSI 80.0 % on Press",)
    assert attention(low) == (low.attention, low.reasons)
