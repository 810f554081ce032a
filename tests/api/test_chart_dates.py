"""Chart ranges: any day in ``from``/``to`` gets a chart or a clear 422, never a 5xx.

Sets can only fall on the days between ``FIRST_DAY`` and ``LAST_DAY`` (their instants are
bounded); days outside are refused with the range in the answer, so no week arithmetic ever
leaves the calendar.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from backend.domain.charts import FIRST_DAY, LAST_DAY
from tests.api.test_bad_input import assert_problem
from tests.conftest import open_client
from tests.domain.histories import acl, at
from tests.support.api import User, new_id, sign_up
from tests.support.sets import push_all, set_ops

PRESS = "single-leg-press"
RANGE = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


@pytest.fixture
async def user(app: Litestar) -> AsyncIterator[User]:
    """An account with an injured limb and sets of PRESS on both sides, before and after."""
    async with open_client(app) as client:
        user = await sign_up(client, "dates@example.com")
        now = at(30)
        await push_all(user, set_ops(user, acl(4), now, exercise=PRESS))
        status = {"limb": "right_leg", "status": "injured", "since": "2026-01-05"}
        knee = new_id(now)
        await push_all(user, [user.op("limb_status", knee, f, v, now) for f, v in status.items()])
        yield user


async def chart(user: User, **params: str) -> tuple[int, dict[str, object]]:
    response = await user.client.get(f"/api/charts/{PRESS}", params=params)
    assert response.status_code < 500, response.text
    return response.status_code, response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"from": "0001-01-01"},
        {"from": "0001-01-01", "to": "0001-01-01"},
        {"to": "0001-01-01"},
        {"from": "9999-12-31"},
        {"to": "9999-12-31"},
        {"from": "1999-12-30"},
        {"to": "2100-01-03"},
    ],
)
async def test_days_outside_the_calendar_of_sets_are_a_clear_422(
    user: User, params: dict[str, str]
) -> None:
    response = await user.client.get(f"/api/charts/{PRESS}", params=params)
    problem = assert_problem(response, 422, "date_out_of_range")
    assert RANGE in problem["detail"]


async def test_the_first_and_last_days_are_charted(user: User) -> None:
    first, last = FIRST_DAY.isoformat(), LAST_DAY.isoformat()
    status, body = await chart(user, **{"from": first, "to": last})
    assert status == 200, body
    assert body["chart"]["days"]  # type: ignore[index]
    assert body["chart"] == (await chart(user))[1]["chart"]


ONE_DAY = timedelta(days=1)
EDGES = [date.min, date.max, FIRST_DAY, LAST_DAY, FIRST_DAY - ONE_DAY, LAST_DAY + ONE_DAY]
days = st.dates() | st.sampled_from(EDGES)  # the whole calendar, its ends and the range's


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(start=st.none() | days, end=st.none() | days)
async def test_any_days_get_a_chart_or_a_clear_4xx(
    user: User, start: date | None, end: date | None
) -> None:
    params = {k: d.isoformat() for k, d in (("from", start), ("to", end)) if d is not None}
    status, body = await chart(user, **params)
    outside = [d for d in (start, end) if d is not None and not FIRST_DAY <= d <= LAST_DAY]
    if outside:
        assert (status, body["code"]) == (422, "date_out_of_range")
    elif start is not None and end is not None and start > end:
        assert (status, body["code"]) == (422, "invalid_range")
    else:
        assert status == 200, body
