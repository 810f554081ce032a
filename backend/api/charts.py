"""Charts: per-side daily best e1RM, LSI and weekly volume of one exercise."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from litestar import get
from litestar.di import Provide
from litestar.params import FromPath, FromQuery, QueryParameter

from backend.api.contract import SIGNED_IN, problems
from backend.api.session import AccountDep, ServicesDep, provide_account
from backend.services.charts import ChartView


@get(
    "/api/charts/{exercise:str}",
    dependencies={"account": Provide(provide_account)},
    tags=["insight"],
    summary="One exercise's left/right e1RM, LSI and weekly volume (account's time zone)",
    security=SIGNED_IN,
    responses=problems(400, 401, 422),
)
async def exercise_chart(
    exercise: FromPath[str],
    account: AccountDep,
    services: ServicesDep,
    start: Annotated[date | None, QueryParameter(name="from")] = None,
    end: Annotated[date | None, QueryParameter(name="to")] = None,
    formula: FromQuery[Literal["epley", "brzycki"]] = "epley",
) -> ChartView:
    return await services.charts.chart(
        account.account_id, exercise, start=start, end=end, formula=formula
    )
