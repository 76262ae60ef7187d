"""/calendar/years: admin-entered official holidays and adjusted working days, with versions."""

from __future__ import annotations

from typing import Any

from service.commands.calendar import enter_year, uncovered_years
from service.core.bounds import EARLIEST_YEAR, LATEST_YEAR, year_problem
from service.core.clock import now
from service.core.errors import NotFound
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.calendar import (
    CalendarCoverageSchema,
    CalendarEnteredSchema,
    CalendarQuerySchema,
    CalendarYearDetailSchema,
    CalendarYearInSchema,
    CalendarYearSchema,
)
from service.http.auth import authenticate, require_role
from service.http.pagination import page_schema
from service.persistence.runtime import get_engine
from service.queries.calendar_years import version_view, versions, year_item

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="节假日日历")

# The path's year, documented with its bounds (the int converter alone says only "integer"). Kept
# out of the route itself, so that a year beyond them is a 422 naming the field, not a 404.
YEAR_PARAMETER = {"in": "path", "name": "year", "required": True,
                  "schema": {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR},
                  "description": f"年份（{EARLIEST_YEAR}-{LATEST_YEAR}）"}


@blp.get("/calendar/years")
@blp.arguments(CalendarQuerySchema, location="query")
@blp.response(200, page_schema(CalendarYearSchema))
def list_years(args: dict[str, Any]) -> dict[str, Any]:
    """管理员录入的年度节假日安排（每年的现行版本）"""
    authenticate()
    by_year = versions()
    years = sorted(by_year, reverse=True)
    start = (args["page"] - 1) * args["per_page"]
    items = [year_item(y, by_year[y]) for y in years[start:start + args["per_page"]]]
    return {"items": items, "total": len(years), "page": args["page"], "per_page": args["per_page"]}


@blp.get("/calendar/coverage")
@blp.response(200, CalendarCoverageSchema)
def coverage() -> dict[str, Any]:
    """日历尚未覆盖的年份（这些年份的期限暂按周末计算）"""
    authenticate()
    return {"uncovered_years": uncovered_years(now(), get_engine().calendar)}


@blp.get("/calendar/years/<int:year>", parameters=[YEAR_PARAMETER])
@blp.response(200, CalendarYearDetailSchema)
def get_year(year: int) -> dict[str, Any]:
    """某年的现行安排及全部历史版本"""
    authenticate()
    entries = versions(year).get(year) if year_problem("year", year) is None else None
    if not entries:
        raise NotFound(f"{year} 年尚未录入节假日安排。")
    return {**year_item(year, entries), "history": [version_view(e) for e in entries]}


@blp.put("/calendar/years/<int:year>", parameters=[YEAR_PARAMETER])
@blp.roles("admin")
@blp.arguments(CalendarYearInSchema)
@blp.response(200, CalendarEnteredSchema)
def put_year(args: dict[str, Any], year: int) -> dict[str, Any]:
    """录入（或更正）某年的法定节假日和调休工作日；新版本生效并重算相关流程的期限（仅管理员）"""
    actor = require_role("admin")
    result = enter_year(actor, year, args["holidays"], args["workdays"], args.get("note"))
    entries = versions(year)[year]
    return {**year_item(year, entries), "recomputed": result.recomputed,
            "recompute_failed": result.failed}
