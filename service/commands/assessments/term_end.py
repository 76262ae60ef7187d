"""期满考核: a posting's term-end assessment, started when its planned end comes (the timer service,
hourly, like the term-end reminders) or earlier by the county leading group for a given posting.

Once per posting and planned end (the business key): the timer service never starts one that
exists in any state (an administrator may have terminated it on purpose), the county may start
one again only after a terminated one. The posting row is locked while it is checked, so two
timer processes never start the same one twice.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from service.commands.actor import SYSTEM, first_grant
from service.commands.assessments.start import start_assessment
from service.commands.uow import unit_of_work
from service.commands.violations import refuse, unknown
from service.config import get_settings
from service.core.clock import now
from service.core.errors import Forbidden
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import Posting, ProcessDefinition, ProcessInstance
from service.queries.assessments.keys import PROCESS_KEY, TERM_END, term_end_business_key
from workflows.clock import require_aware
from workflows.rules import violation

TERM_END_ROLES = ("county",)


def _existing(key: str, *, terminated_too: bool) -> ProcessInstance | None:
    stmt = sa.select(ProcessInstance).where(ProcessInstance.process_key == PROCESS_KEY,
                                            ProcessInstance.business_key == key)
    if not terminated_too:
        stmt = stmt.where(ProcessInstance.status != "terminated")
    return db.session.execute(stmt.limit(1)).scalar_one_or_none()


def _start(posting: Posting, planned_end: date, at: datetime, actor: Principal,
           grant: Grant | None) -> ProcessInstance:
    return start_assessment(posting, TERM_END, planned_end.year, (posting.term_start, planned_end), at,
                            actor=actor, grant=grant,
                            business_key=term_end_business_key(posting.id, planned_end))


def start_term_end(actor: Principal, posting_id: int) -> ProcessInstance:
    """The county starts a posting's term-end assessment (before or after its planned end)."""
    at = now()
    with unit_of_work():
        grant = first_grant(actor, *TERM_END_ROLES)
        if grant is None:
            raise Forbidden("无权发起期满考核：需要县驻村工作领导小组。")
        posting = db.session.execute(sa.select(Posting).where(Posting.id == posting_id)
                                     .with_for_update()).scalar_one_or_none()
        if posting is None:
            raise unknown("posting_id", "unknown_posting", f"任职 {posting_id} 不存在")
        if not posting.active:
            refuse([violation("posting_not_active", "posting_id", "该任职已结束")], "无法发起期满考核。")
        if posting.planned_end is None:
            refuse([violation("no_planned_end", "posting_id", "该任职没有计划期满日")], "无法发起期满考核。")
        assert posting.planned_end is not None
        if _existing(term_end_business_key(posting.id, posting.planned_end), terminated_too=False):
            refuse([violation("duplicate_term_end", "posting_id", "该任期的期满考核已经发起")],
                   "无法发起期满考核。")
        row = _start(posting, posting.planned_end, at, actor, grant)
    return row


def _due(today: date) -> list[int]:
    """Active postings at or past their planned end without a term-end assessment of that end."""
    started = set(db.session.execute(sa.select(ProcessInstance.business_key).where(
        ProcessInstance.process_key == PROCESS_KEY,
        ProcessInstance.business_key.like(f"{PROCESS_KEY}:{TERM_END}:%"))).scalars())
    rows = db.session.execute(sa.select(Posting.id, Posting.planned_end).where(
        Posting.active.is_(True), Posting.planned_end.is_not(None), Posting.planned_end <= today)
        .order_by(Posting.planned_end, Posting.id)).all()
    return [row.id for row in rows if term_end_business_key(row.id, row.planned_end) not in started]


def start_due_term_ends(at: datetime) -> list[str]:
    """Start the term-end assessments that are due (Beijing dates), each in its own transaction;
    the ids started. Nothing while the process is not deployed. Called outside any transaction."""
    at = require_aware(at)
    if db.session.execute(sa.select(ProcessDefinition.id).where(
            ProcessDefinition.key == PROCESS_KEY).limit(1)).first() is None:
        return []
    due = _due(at.astimezone(get_settings().tz).date())
    db.session.rollback()  # each posting in a transaction of its own
    started = []
    for posting_id in due:
        with unit_of_work():
            posting = db.session.execute(sa.select(Posting).where(Posting.id == posting_id)
                                         .with_for_update()).scalar_one()
            if not posting.active or posting.planned_end is None:
                continue
            if _existing(term_end_business_key(posting.id, posting.planned_end), terminated_too=True):
                continue
            started.append(_start(posting, posting.planned_end, at, SYSTEM, first_grant(SYSTEM)).id)
    return started
