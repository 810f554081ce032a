"""The charts API answers what the domain computes from the raw sets, in the account's zone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from backend.domain.charts import chart_of_sets
from backend.domain.strength import Formula, Limb, SetEntry
from backend.domain.symmetry import LSI_INJURED
from tests.conftest import open_client
from tests.domain.histories import acl, at, steady
from tests.support.api import User, new_id, sign_up
from tests.support.sets import push_all, set_ops

PRESS = "single-leg-press"


@pytest.fixture
async def user(app: Litestar) -> AsyncIterator[User]:
    async with open_client(app) as client:
        yield await sign_up(client, "charts@example.com")


def expected(
    sets: list[SetEntry],
    zone: str,
    formula: Formula = "epley",
    start: date | None = None,
    end: date | None = None,
    injured: Limb | None = None,
    since: date | None = None,
) -> dict[str, Any]:
    view = chart_of_sets(
        [msgspec.structs.replace(s, exercise=PRESS) for s in sets],
        PRESS,
        zone=ZoneInfo(zone),
        formula=formula,
        injured=injured,
        injured_since=since,
        start=start,
        end=end,
    )
    return msgspec.json.decode(msgspec.json.encode(view))  # type: ignore[no-any-return]


async def get_chart(user: User, **params: str) -> dict[str, Any]:
    response = await user.client.get(f"/api/charts/{PRESS}", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def set_zone(user: User, zone: str) -> None:
    response = await user.client.put(
        "/api/me/time-zone", json={"time_zone": zone}, headers=user.csrf
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("zone", ["UTC", "Australia/Lord_Howe", "America/New_York"])
async def test_chart_equals_the_domain_on_raw_sets(user: User, zone: str) -> None:
    history = steady(50, 38, weeks=6)
    now = at(45)
    await set_zone(user, zone)
    await push_all(user, set_ops(user, history, now, exercise=PRESS))
    body = await get_chart(user)
    assert body["time_zone"] == zone
    assert body["chart"] == expected(history, zone)
    assert len(body["chart"]["lsi"]) == 18
    ranged = await get_chart(
        user, **{"from": "2026-01-12", "to": "2026-01-25", "formula": "brzycki"}
    )
    assert ranged["chart"] == expected(
        history, zone, "brzycki", date(2026, 1, 12), date(2026, 1, 25)
    )


async def test_injured_limb_gets_its_formula_and_pre_injury_baseline(user: User) -> None:
    history, now = acl(4), at(30)
    await push_all(user, set_ops(user, history, now, exercise=PRESS))
    knee = new_id(now)
    status = {"limb": "right_leg", "status": "injured", "since": "2026-01-05"}
    await push_all(user, [user.op("limb_status", knee, f, v, now) for f, v in status.items()])
    body = (await get_chart(user, **{"from": "2026-01-12"}))["chart"]
    since = date(2026, 1, 5)
    assert body == expected(history, "UTC", start=date(2026, 1, 12), injured="right", since=since)
    assert body["lsi_formula"] == LSI_INJURED
    # The best before the injury lies before the range shown, and still anchors the baseline.
    assert body["baseline"] == {
        "side": "right",
        "e1rm_g": 78_533,
        "day": "2026-01-02",
        "injured_since": "2026-01-05",
    }


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    sets=st.lists(
        st.builds(
            SetEntry,
            exercise=st.just(PRESS),
            side=st.sampled_from(["left", "right", "both"]),
            reps=st.integers(0, 40),
            weight_g=st.integers(0, 300_000),
            performed_at=st.integers(at(0), at(60)),
        ),
        max_size=40,
    ),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "Asia/Kathmandu"]),
    formula=st.sampled_from(["epley", "brzycki"]),
)
async def test_any_history_charts_like_the_domain(
    app: Litestar, sets: list[SetEntry], zone: str, formula: Formula
) -> None:
    async with open_client(app) as client:
        user = await sign_up(client, f"{new_id(at(0))}@example.com")
        await set_zone(user, zone)
        if sets:
            await push_all(user, set_ops(user, sets, at(60), exercise=PRESS))
        assert (await get_chart(user, formula=formula))["chart"] == expected(sets, zone, formula)


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/api/charts/no such exercise", {}, 422, "unknown_exercise"),
        (f"/api/charts/{PRESS}", {"from": "2026-02-30"}, 400, "malformed"),
        (f"/api/charts/{PRESS}", {"from": "2026-03-01", "to": "2026-02-01"}, 422, "invalid_range"),
        (f"/api/charts/{PRESS}", {"formula": "lombardi"}, 400, "malformed"),
    ],
)
async def test_bad_chart_requests_are_4xx_problems(
    user: User, path: str, params: dict[str, str], status: int, code: str
) -> None:
    response = await user.client.get(path, params=params)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code


async def test_charts_need_a_session(client: Any) -> None:
    response = await client.get(f"/api/charts/{PRESS}")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


async def test_unknown_time_zone_is_refused_and_changes_nothing(user: User) -> None:
    response = await user.client.put(
        "/api/me/time-zone", json={"time_zone": "Mars/Olympus_Mons"}, headers=user.csrf
    )
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_time_zone"
    assert (await user.client.get("/api/me")).json()["time_zone"] == "UTC"
    await set_zone(user, "Asia/Kathmandu")
    assert (await user.client.get("/api/me")).json()["time_zone"] == "Asia/Kathmandu"
