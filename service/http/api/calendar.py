"""/calendar/years: admin-entered official holidays and adjusted working days, with versions."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

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
from service.persistence.db import db
from service.persistence.models import CalendarEntry
from service.persistence.runtime import get_engine

blp = Blueprint("calendar", __name__, url_prefix="/api/v1", description="节假日日历")

# The path's year, documented with its bounds (the int converter alone says only "integer"). Kept
# out of the route itself, so that a year beyond them is a 422 naming the field, not a 404.
YEAR_PARAMETER = {"in": "path", "name": "year", "required": True,
                  "schema": {"type": "integer", "minimum": EARLIEST_YEAR, "maximum": LATEST_YEAR},
                  "description": f"年份（{EARLIEST_YEAR}-{LATEST_YEAR}）"}


def _version(entry: CalendarEntry) -> dict[str, Any]:
    return {"version": entry.version, "holidays": entry.holidays, "workdays": entry.workdays,
            "note": entry.note, "entered_by": entry.entered_by, "entered_at": entry.entered_at}


def _versions(year: int | None = None) -> dict[int, list[CalendarEntry]]:
    stmt = sa.select(CalendarEntry).order_by(CalendarEntry.year, CalendarEntry.version)
    if year is not None:
        stmt = stmt.where(CalendarEntry.year == year)
    by_year: dict[int, list[CalendarEntry]] = {}
    for entry in db.session.execute(stmt).scalars():
        by_year.setdefault(entry.year, []).append(entry)
    return by_year


def _year_item(year: int, entries: list[CalendarEntry]) -> dict[str, Any]:
    return {"year": year, "versions": len(entries), **_version(entries[-1])}


@blp.get("/calendar/years")
@blp.arguments(CalendarQuerySchema, location="query")
@blp.response(200, page_schema(CalendarYearSchema))
def list_years(args: dict[str, Any]) -> dict[str, Any]:
    """管理员录入的年度节假日安排（每年的现行版本）"""
    authenticate()
    by_year = _versions()
    years = sorted(by_year, reverse=True)
    start = (args["page"] - 1) * args["per_page"]
    items = [_year_item(y, by_year[y]) for y in years[start:start + args["per_page"]]]
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
    entries = _versions(year).get(year) if year_problem("year", year) is None else None
    if not entries:
        raise NotFound(f"{year} 年尚未录入节假日安排。")
    return {**_year_item(year, entries), "history": [_version(e) for e in entries]}


@blp.put("/calendar/years/<int:year>", parameters=[YEAR_PARAMETER])
@blp.roles("admin")
@blp.arguments(CalendarYearInSchema)
@blp.response(200, CalendarEnteredSchema)
def put_year(args: dict[str, Any], year: int) -> dict[str, Any]:
    """录入（或更正）某年的法定节假日和调休工作日；新版本生效并重算相关流程的期限（仅管理员）"""
    actor = require_role("admin")
    result = enter_year(actor, year, args["holidays"], args["workdays"], args.get("note"))
    entries = _versions(year)[year]
    return {**_year_item(year, entries), "recomputed": result.recomputed,
            "recompute_failed": result.failed}
