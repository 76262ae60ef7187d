"""期满提醒: some days before a posting's planned end, its supplier's HR, its township and the county
leading group are told, so that the term-end assessment and the rotation are prepared in time.

Once per posting and planned end: each reminder is recorded in term_reminders (migration 0010) in
the same transaction as its notifications, and the primary key refuses a second record, so the
hourly job, a restart or two timer processes at once never remind twice. A posting already past
its end when first seen is reminded once too (it is overdue, and nobody was told).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from service.commands.notify import add_notification
from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.errors import Conflict
from service.core.labels import POSTING_ROLE_NAMES
from service.persistence.db import db
from service.persistence.models import Cadre, Org, Posting, TermReminder, User, UserRole, Village
from workflows.clock import require_aware

KIND = "term_ending"
# Who hears of a term's end besides the supplier's HR and the village's township.
COUNTY_ROLE = "county"


@dataclass(frozen=True)
class TermReminderSent:
    posting_id: int
    planned_end: date
    notified: list[str]


def _due(today: date, notice_days: int) -> list[sa.Row]:
    """Active postings whose planned end is at most `notice_days` away and not yet reminded of."""
    township = aliased(Org)
    supplier = aliased(Org)
    supplier_id = sa.func.coalesce(Posting.supplier_id, Cadre.unit_id)
    reminded = sa.select(TermReminder.posting_id).where(
        TermReminder.posting_id == Posting.id, TermReminder.planned_end == Posting.planned_end).exists()
    stmt = (sa.select(Posting.id, Posting.role, Posting.planned_end, Cadre.name.label("cadre_name"),
                      supplier_id.label("supplier_id"), supplier.name.label("supplier_name"),
                      Village.name.label("village_name"), Village.township_id,
                      township.name.label("township_name"))
            .join(Cadre, Cadre.id == Posting.cadre_id)
            .join(Village, Village.id == Posting.village_id)
            .join(township, township.id == Village.township_id)
            .outerjoin(supplier, supplier.id == supplier_id)
            .where(Posting.active.is_(True), Posting.planned_end.is_not(None),
                   Posting.planned_end <= today + timedelta(days=notice_days), ~reminded)
            .order_by(Posting.planned_end, Posting.id))
    return list(db.session.execute(stmt).all())


def _recipients(supplier_id: str, township_id: str) -> list[str]:
    """Active users who are the supplier's HR, the village's township or the county leading group."""
    who = sa.or_(sa.and_(UserRole.role == "unit_hr", UserRole.scope_id == supplier_id),
                 sa.and_(UserRole.role == "township", UserRole.scope_id == township_id),
                 UserRole.role == COUNTY_ROLE)
    stmt = (sa.select(User.login).join(UserRole, UserRole.login == User.login)
            .where(User.active.is_(True), who))
    return sorted(set(db.session.execute(stmt).scalars()))


def _message(row: sa.Row, today: date) -> str:
    left = (row.planned_end - today).days
    end = f"{row.planned_end:%Y年%m月%d日}"
    role = POSTING_ROLE_NAMES.get(row.role, row.role)
    who = (f"{row.township_name}{row.village_name}{role}{row.cadre_name}"
           f"（{row.supplier_name or row.supplier_id}选派）")
    if left >= 0:
        when = f"任期将于 {end} 届满（还有 {left} 天）" if left else f"任期于今天（{end}）届满"
        return f"【期满提醒】{who}{when}，请及时安排期满考核和轮换交接。"
    return f"【期满提醒】{who}任期已于 {end} 届满（已过 {-left} 天），仍在岗，请尽快安排轮换交接。"


def remind_term_ends(at: datetime) -> list[TermReminderSent]:
    """Remind of every term within the notice (CADREFLOW_TERM_END_NOTICE_DAYS) not yet reminded
    of, each in its own transaction; returns what was sent. Dates are Beijing (county) dates."""
    at = require_aware(at)
    settings = get_settings()
    today = at.astimezone(settings.tz).date()
    due = _due(today, settings.term_end_notice_days)
    db.session.rollback()  # the read above ends here; each reminder below is its own transaction
    sent: list[TermReminderSent] = []
    for row in due:
        try:
            with unit_of_work():
                logins = _recipients(row.supplier_id, row.township_id)
                db.session.add(TermReminder(posting_id=row.id, planned_end=row.planned_end, sent_at=at,
                                            notified=",".join(logins)))
                db.session.flush()  # a concurrent run's record makes this one fail before anyone is told
                message = _message(row, today)
                for login in logins:
                    add_notification(login, kind=KIND, message=message, at=at)
        except Conflict:
            continue  # another timer process reminded of this term first
        sent.append(TermReminderSent(row.id, row.planned_end, logins))
    return sent
