"""Auditor pages: search instances, verify one (hash chain + replay), its state at a moment, export.

The audit module (service/audit) does the work; these pages only read it.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import render_template, request, send_file
from werkzeug.wrappers import Response

from service.audit import InstanceNotStarted, state_at, verify_instance, write_ledger_xlsx
from service.config import get_settings
from service.core.bounds import year_problem
from service.core.clock import now
from service.core.errors import Conflict, ValidationFailed
from service.core.labels import PROCESS_NAMES, STATUS_NAMES
from service.http.pagination import paginate
from service.http.web import bp
from service.http.web.forms import parse_date
from service.http.web.paging import PER_PAGE, page_arg, page_count
from service.http.web.session import require_principal, roles_required
from service.persistence.models import Cadre, ProcessInstance, Village
from service.queries.instances import visible_instance
from service.queries.views import instance_items

AUDITORS = ("auditor",)


def _search_stmt(args: dict[str, str]) -> sa.Select:
    stmt = (sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
            .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id))
    if args.get("process") in PROCESS_NAMES:
        stmt = stmt.where(ProcessInstance.process_key == args["process"])
    if args.get("status") in STATUS_NAMES:
        stmt = stmt.where(ProcessInstance.status == args["status"])
    if args.get("cadre"):
        # A name or an id; old and new cadres of a handover count too.
        ids = sa.select(Cadre.id).where(sa.or_(Cadre.id == args["cadre"], Cadre.name.contains(args["cadre"])))
        # A union of one index lookup per column: an OR of the three made PostgreSQL scan every
        # instance (0.8 s at 500,000 instances, bench/province.py).
        cases = sa.union(*(sa.select(ProcessInstance.id).where(column.in_(ids)) for column in (
            ProcessInstance.cadre_id, ProcessInstance.old_cadre_id, ProcessInstance.new_cadre_id)))
        stmt = stmt.where(ProcessInstance.id.in_(cases))
    if args.get("village"):
        ids = sa.select(Village.id).where(sa.or_(Village.id == args["village"],
                                                 Village.name.contains(args["village"])))
        stmt = stmt.where(ProcessInstance.village_id.in_(ids))
    return stmt


@bp.get("/audit")
@roles_required(*AUDITORS)
def audit_search() -> str:
    args = {k: request.args.get(k, "").strip() for k in ("process", "status", "cadre", "village")}
    page = paginate(_search_stmt(args), page_arg(), PER_PAGE)
    return render_template("web/audit_search.html", items=instance_items(page["items"]), total=page["total"],
                           page=page["page"], pages=page_count(page["total"]), args=args,
                           processes=PROCESS_NAMES, statuses=STATUS_NAMES,
                           this_year=now().astimezone(get_settings().tz).year)


def _parse_local(raw: str) -> datetime | None:
    """A datetime-local value (Beijing time, no offset) as an aware datetime."""
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=get_settings().tz)


@bp.get("/audit/instances/<string:instance_id>")
@roles_required(*AUDITORS)
def audit_instance(instance_id: str) -> str:
    row = visible_instance(require_principal(), instance_id)
    verification = verify_instance(row.id) if request.args.get("verify") == "1" else None
    raw_at = request.args.get("at", "")
    state, state_error = None, None
    if raw_at:
        at = _parse_local(raw_at)
        if at is None:
            state_error = "请填写有效的日期和时间。"
        else:
            try:
                state = state_at(row.id, at)
            except InstanceNotStarted:
                state_error = "该时刻实例尚未发起。"
            except (Conflict, ValidationFailed) as err:
                state_error = err.detail
    return render_template("web/audit_instance.html", instance=instance_items([row])[0],
                           verification=verification, at=raw_at, state=state, state_error=state_error)


def _export_period(args: dict[str, str]) -> tuple[date, date, str] | str:
    """The ledger's days from the query, both included, and the file's name for them: a whole
    year (year=2026) or start and end dates; the problem in Chinese otherwise."""
    raw_year = args.get("year", "").strip()
    if raw_year:
        if not raw_year.isdigit():
            return "年度须为四位数字年份，如 2026。"
        year = int(raw_year)
        problem = year_problem("year", year, "年度")
        return problem if problem else (date(year, 1, 1), date(year, 12, 31), f"审批台账_{year}年")
    start, end = parse_date(args.get("start", "")), parse_date(args.get("end", ""))
    if start is None or end is None or end < start:
        return "请填写有效的起止日期（起始不晚于截止），或填写年度。"
    problem = year_problem("start", start.year) or year_problem("end", end.year)
    return problem if problem else (start, end, f"审批台账_{start.isoformat()}_{end.isoformat()}")


@bp.get("/audit/export")
@roles_required(*AUDITORS)
def audit_export() -> Response | tuple[str, int]:
    """The approval ledger (审批台账) of a year or a date range as an Excel file (service/audit).

    The workbook is written to an unnamed temporary file as the rows are read and sent from there
    in chunks: a province's year never sits in memory, as rows or as the file.
    """

    period = _export_period(request.args.to_dict())
    if isinstance(period, str):
        return render_template("web/error.html", status=400, title="请求有误", detail=period), 400
    start, end, name = period
    tz = get_settings().tz
    out = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after the last chunk
    try:
        write_ledger_xlsx(datetime.combine(start, time.min, tz),
                          datetime.combine(end + timedelta(days=1), time.min, tz), out)
        out.seek(0)
    except BaseException:
        out.close()
        raise
    return send_file(out, as_attachment=True, download_name=f"{name}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
