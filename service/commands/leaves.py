"""request_leave: a stationed cadre asks for leave (请假); bpmn/leave.bpmn takes it from there.

The case's leave_requests row (the dates the presence tally and the overlap check read) is
written here with the case, and kept in step with it by commands/leave_sync.py.

The seed asks cadres to live and eat in the village (吃住在村) and says nothing about leave, so
the rules here are the county's settings (CADREFLOW_LEAVE_COUNTY_DAYS) and plain sense: a leave
starts today or later, ends on or after its start, lasts at most MAX_LEAVE_DAYS, and does not
overlap another leave of the same cadre that is pending or granted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from service.commands.actor import first_grant
from service.commands.core import start_latest
from service.commands.leave_sync import LEAVE_KEY
from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.bounds import latest_effective_date, year_problem
from service.core.clock import now
from service.core.errors import Forbidden, ValidationFailed
from service.core.labels import LEAVE_STATE_NAMES, LEAVE_TYPE_NAMES
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT, check_text
from service.persistence.db import db
from service.persistence.models import (
    HOLDING_STATES,
    LEAVE_TYPES,
    Cadre,
    LeaveRequest,
    ProcessInstance,
    Village,
)
from service.persistence.runtime import get_engine
from service.queries.cadre_standing import active_posting

# The longest leave one request may ask for, in calendar days (a maternity leave fits).
MAX_LEAVE_DAYS = 190


def _refuse(errors: dict[str, list[str]]) -> ValidationFailed:
    messages = "；".join(m for ms in errors.values() for m in ms)
    return ValidationFailed(f"请假申请有误：{messages}", errors=errors)


def _checked(payload: dict[str, Any], today: date) -> tuple[str, date, date, str]:
    """(type, first day, last day, reason), or a 422 naming every bad field."""
    errors: dict[str, list[str]] = {}
    leave_type = payload.get("leave_type")
    if leave_type not in LEAVE_TYPES:
        errors["leave_type"] = ["请选择请假类别（" + "、".join(LEAVE_TYPE_NAMES.values()) + "）。"]
    reason = str(payload.get("reason") or "").strip()
    if not reason:
        errors["reason"] = ["请填写请假事由。"]
    start, end = payload.get("start_date"), payload.get("end_date")
    for field, value, label in (("start_date", start, "请假开始日期"), ("end_date", end, "请假结束日期")):
        if not isinstance(value, date):
            errors[field] = [f"请填写有效的{label}（年-月-日）。"]
        elif (problem := year_problem(field, value.year, label)) is not None:
            errors[field] = [problem]
    if isinstance(start, date) and "start_date" not in errors:
        if start < today:
            errors["start_date"] = [f"请假开始日期不能早于今天（{today.isoformat()}），"
                                    f"现为 {start.isoformat()}。"]
        elif start > latest_effective_date(today):
            errors["start_date"] = [f"请假开始日期不能晚于 {latest_effective_date(today).isoformat()}。"]
    if isinstance(start, date) and isinstance(end, date) and "end_date" not in errors:
        if end < start:
            errors["end_date"] = [f"请假结束日期不能早于开始日期（{start.isoformat()}）。"]
        elif (end - start).days + 1 > MAX_LEAVE_DAYS:
            errors["end_date"] = [f"一次请假最长 {MAX_LEAVE_DAYS} 天，现为 {(end - start).days + 1} 天。"]
    if errors:
        raise _refuse(errors)
    check_text("reason", reason, SHORT_TEXT)
    assert isinstance(start, date) and isinstance(end, date) and isinstance(leave_type, str)
    return leave_type, start, end, reason


def overlapping(cadre_id: str, start: date, end: date) -> LeaveRequest | None:
    """A pending or granted leave of the cadre that shares a day with start..end."""
    return db.session.execute(sa.select(LeaveRequest).where(
        LeaveRequest.cadre_id == cadre_id, LeaveRequest.state.in_(HOLDING_STATES),
        LeaveRequest.start_date <= end, LeaveRequest.end_date >= start)
        .order_by(LeaveRequest.start_date).limit(1)).scalar_one_or_none()


def working_days(start: date, end: date) -> int:
    """Working days from start to end, both counted, on the engine's calendar (its holidays and
    adjusted working days; the years it looks up are pinned with the case's first event)."""
    calendar = get_engine().calendar
    return sum(calendar.is_workday(start + timedelta(days=n)) for n in range((end - start).days + 1))


def request_leave(actor: Principal, payload: dict[str, Any],
                  respond: Callable[[ProcessInstance], None] | None = None) -> ProcessInstance:
    """The cadre asks for their own leave. `respond(row)`, when given, runs inside the
    transaction just before the commit (the API builds its answer there)."""
    at = now()
    settings = get_settings()
    grant = first_grant(actor, "cadre")
    if grant is None:
        raise Forbidden("只有驻村干部本人可以请假。")
    leave_type, start, end, reason = _checked(payload, at.astimezone(settings.tz).date())
    with unit_of_work():
        # Locked: two requests of the same cadre at once are checked for overlap one after the
        # other (PostgreSQL; SQLite lets one writer in at a time anyway).
        cadre = db.session.execute(sa.select(Cadre).where(Cadre.id == grant.scope_id)
                                   .with_for_update()).scalar_one_or_none()
        posting = active_posting(cadre.id) if cadre is not None else None
        if cadre is None or posting is None:
            raise _refuse({"_form": ["您当前没有在村任职，无需请假。"]})
        clash = overlapping(cadre.id, start, end)
        if clash is not None:
            message = (f"请假日期与已有的请假（{clash.start_date.isoformat()} 至 "
                       f"{clash.end_date.isoformat()}，{LEAVE_STATE_NAMES[clash.state]}）重叠，"
                       "请调整请假开始或结束日期。")
            raise ValidationFailed(message, errors={"start_date": [message], "end_date": [message]},
                                   slug="leave-overlap")
        village = db.session.get_one(Village, posting.village_id)
        days, working = (end - start).days + 1, working_days(start, end)
        last_day = datetime.combine(end, time(0), tzinfo=settings.tz)
        data = {
            "cadre_id": cadre.id, "cadre_name": cadre.name, "village_id": village.id,
            "village_name": village.name, "township_id": village.township_id, "unit_id": cadre.unit_id,
            "posting_role": posting.role, "leave_type": leave_type, "reason": reason,
            "leave_start": start.isoformat(), "leave_end": end.isoformat(), "leave_days": days,
            "leave_working_days": working, **settings.process_leave_rules,
            "deadline_leave_end": last_day.isoformat(), "submitter": actor.login,
        }
        row = start_latest(LEAVE_KEY, data, at, actor=actor, grant=grant,
                           business_key=f"{LEAVE_KEY}:{cadre.id}:{start.isoformat()}", submitter=actor.login)
        db.session.add(LeaveRequest(instance_id=row.id, cadre_id=cadre.id, leave_type=leave_type,
                                    start_date=start, end_date=end, days=days, working_days=working,
                                    state="pending", created_at=at))
        if respond is not None:
            respond(row)
    return row
