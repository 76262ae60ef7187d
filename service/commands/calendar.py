"""Admins enter a year's official holidays and adjusted working days; deadlines follow.

An entry is a new version of its year (append-only: the audit replay needs the calendar as it
stood at each event). Afterwards every running instance whose pending deadlines can reach that
year is recomputed through the `recompute_deadlines` command, so each change is in its history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.orm import ORMExecuteState, Session

from service.commands.timers import recompute_deadlines
from service.commands.uow import unit_of_work
from service.core.bounds import check_year
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, ValidationFailed
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import CalendarEntry, CalendarYear, PendingTimer, ProcessInstance
from workflows.working_days import SHANGHAI, WorkingCalendar

RECOMPUTE_TRIES = 3


class CalendarIsAppendOnly(RuntimeError):
    pass


def _refuse(_mapper: object, _connection: object, target: CalendarEntry) -> None:
    raise CalendarIsAppendOnly(f"日历录入记录只能追加（{target.year} 年第 {target.version} 版）")


sa_event.listen(CalendarEntry, "before_update", _refuse)
sa_event.listen(CalendarEntry, "before_delete", _refuse)


@sa_event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        getattr(m, "class_", None) is CalendarEntry for m in state.all_mappers
    ):
        raise CalendarIsAppendOnly("日历录入记录只能追加")


@dataclass
class EntryResult:
    entry: CalendarEntry
    recomputed: dict[str, list[str]] = field(default_factory=dict)  # instance id -> timer ids
    failed: list[str] = field(default_factory=list)  # instance ids left for a later entry/retry


def _validate(year: int, holidays: list[date], workdays: list[date]) -> None:
    # First: a year outside the window would be written and then fail in the date arithmetic of
    # the recomputation after the commit.
    check_year("year", year)
    errors: dict[str, list[str]] = {}
    for name, days in (("holidays", holidays), ("workdays", workdays)):
        wrong = sorted(d.isoformat() for d in days if d.year != year)
        if wrong:
            errors[name] = [f"日期不属于 {year} 年：{'、'.join(wrong)}"]
    both = sorted(d.isoformat() for d in set(holidays) & set(workdays))
    if both:
        errors.setdefault("workdays", []).append(f"日期既是假日又是调休工作日：{'、'.join(both)}")
    if errors:
        raise ValidationFailed("日历数据有误。", errors=errors)


def enter_year(actor: Principal, year: int, holidays: list[date], workdays: list[date],
               note: str | None = None) -> EntryResult:
    if not actor.has_role("admin"):
        raise Forbidden("只有管理员可以录入节假日安排。")
    _validate(year, holidays, workdays)
    at = now()
    with unit_of_work():
        latest = db.session.execute(sa.select(sa.func.max(CalendarEntry.version))
                                    .where(CalendarEntry.year == year)).scalar()
        entry = CalendarEntry(year=year, version=(latest or 0) + 1,
                              holidays=sorted(d.isoformat() for d in set(holidays)),
                              workdays=sorted(d.isoformat() for d in set(workdays)),
                              note=note, entered_by=actor.login, entered_at=at)
        db.session.add(entry)
        current = db.session.get(CalendarYear, year) or CalendarYear(year=year)
        current.holidays, current.workdays = entry.holidays, entry.workdays
        current.entered_by, current.entered_at = actor.login, at
        db.session.add(current)
    result = EntryResult(entry)
    for instance_id in affected_instances(year):
        for _ in range(RECOMPUTE_TRIES):
            try:
                changed = recompute_deadlines(instance_id, at, actor)
            except Conflict:
                continue  # a concurrent command on the instance: try again
            if changed:
                result.recomputed[instance_id] = changed
            break
        else:
            result.failed.append(instance_id)
    return result


def affected_instances(year: int) -> list[str]:
    """Running instances with a pending timer that may reach `year` (or was flagged uncovered).

    A deadline counted from before the year only reaches it if it ends in it or later.
    """
    start = datetime.combine(date(year, 1, 1), time(0), SHANGHAI).astimezone(UTC)
    stmt = (sa.select(PendingTimer.instance_id).join(ProcessInstance,
                                                      ProcessInstance.id == PendingTimer.instance_id)
            .where(ProcessInstance.status == "running",
                   sa.or_(PendingTimer.fire_at >= start, PendingTimer.calendar_uncovered.is_(True)))
            .distinct().order_by(PendingTimer.instance_id))
    return list(db.session.execute(stmt).scalars())


def uncovered_years(at: datetime, calendar: WorkingCalendar) -> list[int]:
    """Years the calendar does not know yet: this year and next, and years of flagged deadlines."""
    this_year = at.astimezone(SHANGHAI).year
    years = {y for y in (this_year, this_year + 1) if not calendar.is_covered(y)}
    flagged = db.session.execute(sa.select(PendingTimer.fire_at).join(
        ProcessInstance, ProcessInstance.id == PendingTimer.instance_id).where(
        ProcessInstance.status == "running", PendingTimer.calendar_uncovered.is_(True))).scalars()
    years |= {fire_at.astimezone(SHANGHAI).year for fire_at in flagged}
    return sorted(y for y in years if not calendar.is_covered(y))
