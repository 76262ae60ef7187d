"""The alert when a confirmed month falls short (在村天数不足): to the township that confirmed it
and to the HR of the cadre's dispatch unit, once per cadre and month (presence_months.alerted_at),
in the transaction that confirmed or imported the month."""

from __future__ import annotations

from datetime import datetime

from service.commands.notify import add_notification
from service.persistence.db import db
from service.persistence.models import Cadre, Org, PresenceMonth, Village
from service.queries.holders import role_holders
from service.queries.presence import MonthTally, month_of

KIND = "presence_short"


def alert_if_short(row: PresenceMonth, at: datetime) -> MonthTally:
    """Tell the township and the unit when the confirmed month `row` is below the rule."""
    tally = month_of(row.cadre_id, row.year, row.month)
    if row.status != "confirmed" or not tally.short or row.alerted_at is not None:
        return tally
    cadre = db.session.get_one(Cadre, row.cadre_id)
    village = db.session.get_one(Village, row.village_id)
    unit = db.session.get(Org, cadre.unit_id)
    excused = f"（批准请假 {tally.leave_days} 天已扣除）" if tally.leave_days else ""
    message = (f"【在村不足】{village.name} {cadre.name} {row.year} 年 {row.month} 月在村 "
               f"{row.days_present} 天，低于规定的 {tally.required_days} 天{excused}。"
               "请督促其坚持吃住在村。")
    logins = role_holders("township", row.township_id)
    if unit is not None and unit.kind == "dispatch_unit":
        logins += role_holders("unit_hr", unit.id)
    for login in sorted(set(logins)):
        add_notification(login, kind=KIND, message=message, at=at)
    row.alerted_at = at
    return tally
