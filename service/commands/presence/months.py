"""record_presence / confirm_presence: one cadre's days in the village in one month.

A cadre records their own month (status `recorded`) until the township confirms it; the township
confirms, correcting the days if need be (status `confirmed`), or records a month itself for a
cadre who has not (confirmed at once). A confirmed month is no longer the cadre's to change. The
days may not exceed the days the cadre was posted that month (up to today for the month under
way), and a month still to come cannot be recorded.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from service.commands.actor import first_grant
from service.commands.presence.alerts import alert_if_short
from service.commands.roster.record import check_source, record
from service.commands.uow import unit_of_work
from service.core.bounds import year_problem
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT
from service.persistence.db import db
from service.persistence.models import Cadre, Posting, PresenceMonth, Village
from service.queries.access import can_see_cadre, can_see_presence
from service.queries.presence import county_today, month_of, month_span

FIELDS = ("cadre_id", "year", "month", "days_present", "note")
# Who may record or confirm for others: the township of the village; the county's bodies may too.
CONFIRMERS = ("township",)


def presence_entity_id(cadre_id: str, year: int, month: int) -> str:
    return f"{cadre_id}:{year:04d}-{month:02d}"


def month_snapshot(row: PresenceMonth) -> dict[str, Any]:
    return {"cadre_id": row.cadre_id, "year": row.year, "month": row.month, "village_id": row.village_id,
            "days_present": row.days_present, "note": row.note, "status": row.status,
            "confirmed_by": row.confirmed_by}


def _refuse(errors: dict[str, list[str]], what: str = "在村天数") -> ValidationFailed:
    messages = "；".join(m for ms in errors.values() for m in ms)
    return ValidationFailed(f"{what}未通过校验：{messages}", errors=errors)


def checked_month(year: Any, month: Any, today: date, errors: dict[str, list[str]],
                  prefix: str = "") -> tuple[int, int] | None:
    """A month that has begun, in the years the service knows; else the fields' messages."""
    if isinstance(year, bool) or not isinstance(year, int):
        errors[f"{prefix}year"] = ["年份须为整数。"]
    elif (problem := year_problem("year", year, "年份")) is not None:
        errors[f"{prefix}year"] = [problem]
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= 12:
        errors[f"{prefix}month"] = ["月份须为 1 至 12 的整数。"]
    if f"{prefix}year" in errors or f"{prefix}month" in errors:
        return None
    if (year, month) > (today.year, today.month):
        errors[f"{prefix}month"] = [f"{year} 年 {month} 月尚未到来，不能填报在村天数。"]
        return None
    return year, month


def posting_in_month(cadre_id: str, year: int, month: int, today: date) -> Posting | None:
    """The cadre's posting during the month (the latest to start, when there were two)."""
    first, last = month_span(year, month)
    return db.session.execute(sa.select(Posting).where(
        Posting.cadre_id == cadre_id, Posting.term_start <= min(last, today),
        sa.or_(Posting.term_end.is_(None), Posting.term_end >= first))
        .order_by(Posting.term_start.desc(), Posting.id.desc()).limit(1)).scalar_one_or_none()


def checked_days(days: Any, cadre_id: str, year: int, month: int, errors: dict[str, list[str]],
                 field: str = "days_present") -> int | None:
    """Whole days, no more than the cadre was posted that month (up to today)."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        errors[field] = ["在村天数须为不小于 0 的整数。"]
        return None
    posted = month_of(cadre_id, year, month).posted_days
    if days > posted:
        errors[field] = [f"在村天数不能超过该月在村任职的天数（{posted} 天），现为 {days} 天。"]
        return None
    return days


def checked_note(note: Any, errors: dict[str, list[str]], field: str = "note") -> str | None:
    if note is None or (isinstance(note, str) and not note.strip()):
        return None
    if not isinstance(note, str):
        errors[field] = ["备注须为文字。"]
        return None
    if len(note.strip()) > SHORT_TEXT:
        errors[field] = [f"备注过长：最多 {SHORT_TEXT} 字，现为 {len(note.strip())} 字。"]
        return None
    return note.strip()


def write_month(actor: Principal, role: str, cadre: Cadre, posting: Posting, year: int, month: int,
                days: int, note: str | None, *, confirmed: bool, source: str, at: datetime,
                row: PresenceMonth | None) -> PresenceMonth:
    """Create or change the month's row and log it; a confirmed month is checked for the alert."""
    village = db.session.get_one(Village, posting.village_id)
    before = month_snapshot(row) if row is not None else None
    if row is None:
        row = PresenceMonth(cadre_id=cadre.id, year=year, month=month, recorded_by=actor.login,
                            recorded_at=at)
        db.session.add(row)
    elif not confirmed and row.status == "recorded":
        row.recorded_by, row.recorded_at = actor.login, at
    row.village_id, row.township_id = village.id, village.township_id
    row.days_present, row.note, row.source = days, note, source
    if confirmed:
        row.status, row.confirmed_by, row.confirmed_at = "confirmed", actor.login, at
    else:
        row.status = "recorded"
    db.session.flush()
    action = "create" if before is None else "confirm" if confirmed else "update"
    record(actor, role, entity="presence", entity_id=presence_entity_id(cadre.id, year, month), action=action,
           before=before, after=month_snapshot(row), source=source)
    if confirmed:
        alert_if_short(row, at)
    return row


def _actor_role(actor: Principal, cadre_id: Any) -> tuple[str, str]:
    """(role, cadre id): a cadre records their own month; a township records for a cadre."""
    own = first_grant(actor, "cadre")
    if own is not None and (cadre_id is None or cadre_id == own.scope_id):
        return "cadre", own.scope_id
    if first_grant(actor, *CONFIRMERS) is None:
        raise Forbidden("无权填报在村天数：驻村干部填报本人的，乡镇填报或确认本乡镇驻村干部的。")
    if not isinstance(cadre_id, str) or not cadre_id:
        raise _refuse({"cadre_id": ["请指明驻村干部（cadre_id）。"]})
    return "township", cadre_id


def record_presence(actor: Principal, payload: dict[str, Any], *, source: str) -> PresenceMonth:
    """The cadre's own month (recorded), or a month the township records itself (confirmed)."""
    check_source(source)
    at, today = now(), county_today()
    unknown = sorted(set(payload) - set(FIELDS))
    if unknown:
        raise _refuse({name: ["未知字段。"] for name in unknown})
    role, cadre_id = _actor_role(actor, payload.get("cadre_id"))
    errors: dict[str, list[str]] = {}
    when = checked_month(payload.get("year"), payload.get("month"), today, errors)
    note = checked_note(payload.get("note"), errors)
    with unit_of_work():
        cadre = db.session.get(Cadre, cadre_id)
        if cadre is None or (role == "township" and not can_see_cadre(actor, cadre)):
            raise NotFound(f"干部 {cadre_id} 不存在或无权查看。")
        posting = posting_in_month(cadre.id, *when, today) if when else None
        if when is not None and posting is None:
            errors["month"] = [f"{when[0]} 年 {when[1]} 月没有在村任职，无需填报在村天数。"]
        days = None
        if posting is not None and when is not None:
            days = checked_days(payload.get("days_present"), cadre.id, *when, errors)
        if errors:
            raise _refuse(errors)
        assert when is not None and posting is not None and days is not None
        if role == "township" and posting_township(posting) not in actor.scopes("township"):
            raise Forbidden(f"{cadre.name} {when[0]} 年 {when[1]} 月不在本乡镇的村任职，由其所在乡镇填报。")
        row = db.session.execute(sa.select(PresenceMonth).where(
            PresenceMonth.cadre_id == cadre.id, PresenceMonth.year == when[0],
            PresenceMonth.month == when[1])).scalar_one_or_none()
        if role == "cadre" and row is not None and row.status == "confirmed":
            raise Conflict(f"{when[0]} 年 {when[1]} 月的在村天数已由乡镇确认，不能再修改；"
                           "如有出入请与乡镇联系。", errors={"month": ["该月已由乡镇确认。"]},
                           slug="presence-confirmed")
        row = write_month(actor, role, cadre, posting, *when, days, note, confirmed=role == "township",
                          source=source, at=at, row=row)
    return row


def posting_township(posting: Posting) -> str:
    return db.session.get_one(Village, posting.village_id).township_id


def confirm_presence(actor: Principal, record_id: int, payload: dict[str, Any], *,
                     source: str) -> PresenceMonth:
    """The township confirms a month the cadre recorded, with the days corrected if given.
    `revision` (optional): the row's revision the township saw; a row changed since is a 409."""
    check_source(source)
    at = now()
    unknown = sorted(set(payload) - {"days_present", "note", "revision"})
    if unknown:
        raise _refuse({name: ["未知字段。"] for name in unknown})
    with unit_of_work():
        row = db.session.get(PresenceMonth, record_id)
        if row is None or not can_see_presence(actor, row):
            raise NotFound(f"在村天数记录 {record_id} 不存在或无权查看。")
        if row.township_id not in actor.scopes("township"):
            raise Forbidden("只有该村所在乡镇可以确认在村天数。")
        seen = payload.get("revision")
        if seen is not None and seen != row.revision:
            raise Conflict("该月在村天数刚被修改，请刷新后再确认。", slug="stale-revision")
        errors: dict[str, list[str]] = {}
        days: int | None = row.days_present
        if payload.get("days_present") is not None:
            days = checked_days(payload["days_present"], row.cadre_id, row.year, row.month, errors)
        note = checked_note(payload["note"], errors) if "note" in payload else row.note
        if errors:
            raise _refuse(errors)
        assert days is not None
        cadre = db.session.get_one(Cadre, row.cadre_id)
        posting = posting_in_month(cadre.id, row.year, row.month, county_today())
        if posting is None:  # the posting was removed from the roster since
            raise _refuse({"month": ["该月没有在村任职记录，无法确认。"]})
        row = write_month(actor, "township", cadre, posting, row.year, row.month, days, note, confirmed=True,
                          source=source, at=at, row=row)
    return row
