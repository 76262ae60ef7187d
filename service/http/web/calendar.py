"""节假日 pages: which years deadlines count on an official holiday calendar, and for administrators
the form entering a year's holidays and adjusted working days (调休上班).

The county bodies read them too (deadlines are theirs to keep); entering runs the same command as
PUT /api/v1/calendar/years/{year} (commands/calendar.py): a new version, deadlines recomputed.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.commands.calendar import enter_year, uncovered_years
from service.config import get_settings
from service.core.bounds import year_problem
from service.core.clock import now
from service.core.errors import NotFound, ValidationFailed
from service.http.web import bp
from service.http.web.day_lists import days_text, parse_days
from service.http.web.forms import field_errors
from service.http.web.session import require_principal, roles_required
from service.persistence.runtime import get_engine
from service.queries.calendar_years import coverage, versions, year_coverage
from service.queries.deadlines import display_calendar

READERS = ("admin", "county", "org_dept", "rrb")
EDITORS = ("admin",)
FORM_FIELDS = {"holidays", "workdays", "note"}
NOTE_LIMIT = 500  # as the API's schema (CalendarYearInSchema)
HOLIDAYS, WORKDAYS = "放假日期", "调休上班日期"


def _this_year() -> int:
    return now().astimezone(get_settings().tz).year


@bp.get("/calendar")
@roles_required(*READERS)
def calendar_years() -> str:
    missing = uncovered_years(now(), get_engine().calendar)  # the administrators' banner's years
    years, earlier = coverage(_this_year(), display_calendar(), missing)
    return render_template("web/calendar_years.html", years=years, earlier=earlier, missing=missing,
                           this_year=_this_year(), may_enter=require_principal().has_role(*EDITORS))


def _render_year(year: int, values: dict[str, Any] | None, errors: dict[str, list[str]],
                 status: int = 200) -> tuple[str, int]:
    if year_problem("year", year):
        raise NotFound(f"{year} 年不在可录入的年份范围内。")
    row = year_coverage(year, display_calendar())
    if values is None:  # the form starts from what counts now
        values = {"holidays": days_text(row.holidays), "workdays": days_text(row.workdays),
                  "note": row.entry.note if row.entry and row.entry.note else ""}
    history = list(reversed(versions(year).get(year, [])))
    return render_template("web/calendar_year.html", year=row, history=history, values=values, errors=errors,
                           may_enter=require_principal().has_role(*EDITORS), note_limit=NOTE_LIMIT,
                           this_year=_this_year()), status


@bp.get("/calendar/<int:year>")
@roles_required(*READERS)
def calendar_year(year: int) -> tuple[str, int]:
    return _render_year(year, None, {})


@bp.post("/calendar/<int:year>")
@roles_required(*EDITORS)
def calendar_year_enter(year: int) -> Response | tuple[str, int]:
    values = request.form.to_dict()
    holidays, holiday_problems = parse_days(values.get("holidays", ""), HOLIDAYS)
    workdays, workday_problems = parse_days(values.get("workdays", ""), WORKDAYS)
    note = values.get("note", "").strip()
    errors = {name: problems for name, problems in (("holidays", holiday_problems),
                                                     ("workdays", workday_problems)) if problems}
    if not holidays and "holidays" not in errors:
        errors["holidays"] = [f"{HOLIDAYS}：请填写该年放假的日期（国务院办公厅通知所列）。"]
    if len(note) > NOTE_LIMIT:
        errors["note"] = [f"依据过长：最多 {NOTE_LIMIT} 字，现为 {len(note)} 字。"]
    if errors:
        return _render_year(year, values, errors, 422)
    try:
        result = enter_year(require_principal(), year, holidays, workdays, note or None)
    except ValidationFailed as err:
        named = {field: [f"{HOLIDAYS if field == 'holidays' else WORKDAYS}：{m}" for m in messages]
                 if field in ("holidays", "workdays") else messages
                 for field, messages in (err.errors or {"_form": [err.detail]}).items()}
        return _render_year(year, values, field_errors(named, FORM_FIELDS), 422)
    recomputed = len(result.recomputed)
    flash(f"已录入 {year} 年节假日安排（第 {result.entry.version} 版）"
          + (f"，已重算 {recomputed} 个在办流程的期限。" if recomputed else "。"), "ok")
    if result.failed:
        flash(f"{len(result.failed)} 个流程正在办理，期限未能重算：请稍后再次保存本年安排以重试。", "error")
    return redirect(url_for("web.calendar_year", year=year))
