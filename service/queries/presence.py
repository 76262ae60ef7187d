"""A cadre's presence in the village, month by month (在村天数): the days recorded, the days of
granted leave, and the days the county's rule asks for.

The rule (CADREFLOW_PRESENCE_MIN_DAYS, default 20) asks for that many days in the village each
month, but never more than the days the cadre was posted there that month (a posting that starts
on the 20th cannot owe 20 days) less the days of leave granted (approved or returned: a leave the
township granted is not an absence). Days up to today count for the month under way. A month
falls short when its recorded days are below what it asks for.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from service.config import get_settings
from service.core.clock import now
from service.core.errors import NotFound
from service.core.labels import LEAVE_STATE_NAMES, LEAVE_TYPE_NAMES, PRESENCE_STATUS_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import (
    GRANTED_STATES,
    Cadre,
    LeaveRequest,
    Posting,
    PresenceMonth,
    ProcessInstance,
    Village,
)
from service.queries.access import can_see_cadre, instance_clause, presence_clause


def county_today() -> date:
    return now().astimezone(get_settings().tz).date()


def month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _overlap(a: tuple[date, date], b: tuple[date, date]) -> tuple[date, date] | None:
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


def _days_covered(spans: Iterable[tuple[date, date]], within: tuple[date, date]) -> set[date]:
    days: set[date] = set()
    for span in spans:
        part = _overlap(span, within)
        if part is not None:
            days.update(part[0] + timedelta(days=n) for n in range((part[1] - part[0]).days + 1))
    return days


def posting_spans(postings: Sequence[Posting], today: date) -> list[tuple[date, date]]:
    """Each posting's days: from its start to its end, or to today while it runs."""
    return [(p.term_start, p.term_end or today) for p in postings]


@dataclass(frozen=True)
class MonthTally:
    year: int
    month: int
    posted_days: int  # days of the month (up to today) the cadre held a posting
    leave_days: int  # of those, days of granted leave
    required_days: int  # what the rule asks for this month
    record: PresenceMonth | None
    posted_village_id: str | None = None  # the village of the month's (latest) posting

    @property
    def days_present(self) -> int | None:
        return self.record.days_present if self.record is not None else None

    @property
    def short(self) -> bool | None:
        """Below what the month asks for (None: nothing recorded yet)."""
        return None if self.record is None else self.record.days_present < self.required_days

    def as_dict(self, village_names: dict[str, str] | None = None) -> dict[str, Any]:
        r = self.record
        return {
            "year": self.year, "month": self.month, "posted_days": self.posted_days,
            "leave_days": self.leave_days, "required_days": self.required_days,
            "days_present": self.days_present, "short": self.short,
            "record_id": r.id if r else None, "status": r.status if r else None,
            "status_name": PRESENCE_STATUS_NAMES.get(r.status) if r else "未填报",
            "village_id": r.village_id if r else self.posted_village_id,
            "village_name": (village_names or {}).get(r.village_id if r else self.posted_village_id or ""),
            "note": r.note if r else None,
        }


def tally_month(postings: Sequence[Posting], leaves: Sequence[LeaveRequest], record: PresenceMonth | None,
                year: int, month: int, today: date, min_days: int) -> MonthTally:
    first, last = month_span(year, month)
    within = (first, min(last, today))
    posted = _days_covered(posting_spans(postings, today), within) if within[0] <= within[1] else set()
    leave = _days_covered(((lv.start_date, lv.end_date) for lv in leaves if lv.state in GRANTED_STATES),
                          within) & posted
    required = min(min_days, len(posted) - len(leave))
    during = [p for p, span in zip(postings, posting_spans(postings, today), strict=True)
              if _overlap(span, within) is not None] if within[0] <= within[1] else []
    village = max(during, key=lambda p: p.term_start).village_id if during else None
    return MonthTally(year, month, len(posted), len(leave), required, record, village)


def cadre_postings(cadre_id: str) -> list[Posting]:
    return list(db.session.execute(sa.select(Posting).where(Posting.cadre_id == cadre_id)
                                   .order_by(Posting.term_start, Posting.id)).scalars())


def cadre_leaves(cadre_id: str, first: date | None = None, last: date | None = None) -> list[LeaveRequest]:
    stmt = sa.select(LeaveRequest).where(LeaveRequest.cadre_id == cadre_id)
    if first is not None:
        stmt = stmt.where(LeaveRequest.end_date >= first)
    if last is not None:
        stmt = stmt.where(LeaveRequest.start_date <= last)
    return list(db.session.execute(stmt.order_by(LeaveRequest.start_date)).scalars())


def month_of(cadre_id: str, year: int, month: int) -> MonthTally:
    """One month of a cadre, with the settings' rule and today's date."""
    first, last = month_span(year, month)
    record = db.session.execute(sa.select(PresenceMonth).where(
        PresenceMonth.cadre_id == cadre_id, PresenceMonth.year == year, PresenceMonth.month == month)
    ).scalar_one_or_none()
    return tally_month(cadre_postings(cadre_id), cadre_leaves(cadre_id, first, last), record, year, month,
                       county_today(), get_settings().presence_min_days)


def year_of(cadre_id: str, year: int) -> dict[str, Any]:
    """A cadre's year: each month posted or recorded up to now, the totals and the leaves."""
    today = county_today()
    first, last = date(year, 1, 1), date(year, 12, 31)
    postings, leaves = cadre_postings(cadre_id), cadre_leaves(cadre_id, first, last)
    records = {r.month: r for r in db.session.execute(sa.select(PresenceMonth).where(
        PresenceMonth.cadre_id == cadre_id, PresenceMonth.year == year)).scalars()}
    min_days = get_settings().presence_min_days
    last_month = 12 if year < today.year else today.month if year == today.year else 0
    months = [tally_month(postings, leaves, records.get(m), year, m, today, min_days)
              for m in range(1, last_month + 1)]
    months = [t for t in months if t.posted_days or t.record is not None]
    names = village_names({r.village_id for r in records.values()}
                          | {t.posted_village_id for t in months if t.posted_village_id})
    return {
        "cadre_id": cadre_id, "year": year, "min_days": min_days,
        "months": [t.as_dict(names) for t in months],
        "totals": {"days_present": sum(t.days_present or 0 for t in months),
                   "leave_days": sum(t.leave_days for t in months),
                   "short_months": sum(1 for t in months if t.short)},
        "leaves": leave_items(leaves),
    }


def village_names(ids: Iterable[str]) -> dict[str, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(Village.id, Village.name).where(Village.id.in_(wanted))).all())


def leave_items(leaves: Sequence[LeaveRequest]) -> list[dict[str, Any]]:
    """Leaves as the API and the pages show them (newest first), with their case's status."""
    statuses = dict(db.session.execute(sa.select(ProcessInstance.id, ProcessInstance.status).where(
        ProcessInstance.id.in_([lv.instance_id for lv in leaves]))).all()) if leaves else {}
    return [{
        "instance_id": lv.instance_id, "cadre_id": lv.cadre_id, "leave_type": lv.leave_type,
        "leave_type_name": LEAVE_TYPE_NAMES.get(lv.leave_type, lv.leave_type),
        "start_date": lv.start_date, "end_date": lv.end_date, "days": lv.days,
        "working_days": lv.working_days, "state": lv.state,
        "state_name": LEAVE_STATE_NAMES.get(lv.state, lv.state), "return_date": lv.return_date,
        "instance_status": statuses.get(lv.instance_id), "created_at": lv.created_at,
    } for lv in sorted(leaves, key=lambda lv: (lv.start_date, lv.created_at), reverse=True)]


def presence_items(rows: Sequence[PresenceMonth]) -> list[dict[str, Any]]:
    """Months as the API and the pages list them, each with what it asks for and whether it is short."""
    from_cadres = {r.cadre_id for r in rows}
    names = dict(db.session.execute(sa.select(Cadre.id, Cadre.name).where(Cadre.id.in_(from_cadres))).all()) \
        if from_cadres else {}
    villages = village_names(r.village_id for r in rows)
    out = []
    for r in rows:
        tally = month_of(r.cadre_id, r.year, r.month)
        out.append({
            "id": r.id, "cadre_id": r.cadre_id, "cadre_name": names.get(r.cadre_id), "year": r.year,
            "month": r.month, "village_id": r.village_id, "village_name": villages.get(r.village_id),
            "township_id": r.township_id, "days_present": r.days_present, "note": r.note,
            "status": r.status, "status_name": PRESENCE_STATUS_NAMES.get(r.status, r.status),
            "recorded_by": r.recorded_by, "recorded_at": r.recorded_at, "confirmed_by": r.confirmed_by,
            "confirmed_at": r.confirmed_at, "source": r.source, "revision": r.revision,
            "required_days": tally.required_days, "leave_days": tally.leave_days, "short": tally.short,
        })
    return out


def visible_presence_statement(principal: Principal, filters: dict[str, Any]) -> sa.Select:
    stmt = sa.select(PresenceMonth)
    clause = presence_clause(principal)
    if clause is not None:
        stmt = stmt.where(clause)
    for name in ("cadre_id", "township_id", "year", "month", "status"):
        if filters.get(name) is not None:
            stmt = stmt.where(getattr(PresenceMonth, name) == filters[name])
    return stmt.order_by(PresenceMonth.year.desc(), PresenceMonth.month.desc(), PresenceMonth.cadre_id)


def visible_leaves_statement(principal: Principal, filters: dict[str, Any]) -> sa.Select:
    """Leaves whose case the caller may see (the access policy of instances)."""
    stmt = sa.select(LeaveRequest).join(ProcessInstance, ProcessInstance.id == LeaveRequest.instance_id)
    clause = instance_clause(principal)
    if clause is not None:
        stmt = stmt.where(clause)
    if filters.get("cadre_id") is not None:
        stmt = stmt.where(LeaveRequest.cadre_id == filters["cadre_id"])
    if filters.get("state") is not None:
        stmt = stmt.where(LeaveRequest.state == filters["state"])
    if filters.get("year") is not None:
        first, last = date(filters["year"], 1, 1), date(filters["year"], 12, 31)
        stmt = stmt.where(LeaveRequest.end_date >= first, LeaveRequest.start_date <= last)
    return stmt.order_by(LeaveRequest.start_date.desc(), LeaveRequest.instance_id)


def visible_cadre(principal: Principal, cadre_id: str) -> Cadre:
    cadre = db.session.get(Cadre, cadre_id)
    if cadre is None or not can_see_cadre(principal, cadre):
        raise NotFound(f"干部 {cadre_id} 不存在或无权查看。")
    return cadre
