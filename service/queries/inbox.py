"""The inbox (待办) narrowed and ordered as its reader asks, for the page and GET /api/v1/tasks:
a search over the names of the case's cadres and village, the process, the township, the dispatch
unit, how near the deadline is, and the order.

Every filter is a WHERE clause added to the caller's own list (queries.tasks: role and
jurisdiction), so a filter can only narrow what the caller may already act on; nothing is
filtered in Python after the page is cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from service.core.labels import PROCESS_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Cadre, HumanTask, Org, ProcessInstance, Village
from service.queries.access import todo_clause
from service.queries.deadlines import display_calendar, due_within_end

SORTS = {"due": "期限近的在前", "received": "新收到的在前", "process": "按流程"}
OVERDUE = "overdue"
# "Due within N working days" goes this far: beyond it a deadline is not near.
MAX_DUE_DAYS = 60
# A search text longer than any cadre's or village's name finds nothing anyway.
MAX_SEARCH = 50


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""  # words, each found in the name of one of the case's cadres or its village
    process: str = ""  # a process key
    township_id: str = ""
    unit_id: str = ""  # the case's dispatch unit
    due: str = ""  # "" | "overdue" | a number of working days ("0": due today)
    sort: str = "due"  # one of SORTS

    @property
    def active(self) -> bool:
        """Whether anything narrows the list (the page says "no match" rather than "nothing to do")."""
        return bool(self.q or self.process or self.township_id or self.unit_id or self.due)


def normal_due(raw: str) -> str | None:
    """The due filter as InboxFilters holds it ("overdue" or a number of working days without
    leading zeros, "" for none), or None when `raw` is neither."""
    if raw in ("", OVERDUE):
        return raw
    if raw.isascii() and raw.isdigit() and len(raw) <= 3 and int(raw) <= MAX_DUE_DAYS:
        return str(int(raw))
    return None


def _words_clause(q: str) -> sa.ColumnElement[bool]:
    """Each word is in the name of the case's cadre (old or new, for a handover) or village."""
    clauses = []
    for word in q.split():
        cadres = sa.select(Cadre.id).where(Cadre.name.contains(word, autoescape=True))
        villages = sa.select(Village.id).where(Village.name.contains(word, autoescape=True))
        clauses.append(sa.or_(
            ProcessInstance.cadre_id.in_(cadres), ProcessInstance.old_cadre_id.in_(cadres),
            ProcessInstance.new_cadre_id.in_(cadres), ProcessInstance.village_id.in_(villages)))
    return sa.and_(*clauses)


def _case_clauses(filters: InboxFilters) -> list[sa.ColumnElement[bool]]:
    clauses: list[sa.ColumnElement[bool]] = []
    if filters.q.strip():
        clauses.append(_words_clause(filters.q))
    if filters.process:
        clauses.append(ProcessInstance.process_key == filters.process)
    if filters.township_id:
        clauses.append(ProcessInstance.township_id == filters.township_id)
    if filters.unit_id:
        clauses.append(ProcessInstance.unit_id == filters.unit_id)
    return clauses


def _due_clause(due: str, at: datetime) -> sa.ColumnElement[bool]:
    if due == OVERDUE:
        return sa.and_(HumanTask.due_at.is_not(None), HumanTask.due_at <= at)  # as `deadline` shows it
    end = due_within_end(at, int(due), display_calendar())
    return sa.and_(HumanTask.due_at > at, HumanTask.due_at < end)


def narrow(stmt: sa.Select, filters: InboxFilters, at: datetime) -> sa.Select:
    """`stmt` (a list of HumanTask: queries.tasks) with the filters and the order applied; `at`:
    now, for the deadline filters."""
    case_clauses = _case_clauses(filters)
    if case_clauses or filters.sort == "process":
        stmt = stmt.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id).where(*case_clauses)
    if filters.due:
        stmt = stmt.where(_due_clause(filters.due, at))
    if filters.sort == "received":
        stmt = stmt.order_by(None).order_by(HumanTask.created_at.desc(), HumanTask.id)
    elif filters.sort == "process":
        # In the order the processes are listed everywhere (core.labels), then by deadline.
        rank = sa.case({key: n for n, key in enumerate(PROCESS_NAMES)}, value=ProcessInstance.process_key,
                       else_=len(PROCESS_NAMES))
        stmt = stmt.order_by(None).order_by(rank, HumanTask.due_at, HumanTask.id)
    return stmt


def inbox_places(principal: Principal) -> tuple[dict[str, str], dict[str, str]]:
    """(townships, dispatch units) by id -> name that the caller's open tasks are about: the
    choices of the page's filters, never a place outside the caller's inbox."""
    rows = db.session.execute(
        sa.select(ProcessInstance.township_id, ProcessInstance.unit_id).distinct()
        .join(HumanTask, HumanTask.instance_id == ProcessInstance.id)
        .where(todo_clause(principal))).all()
    ids = {i for row in rows for i in row if i}
    names = dict(db.session.execute(sa.select(Org.id, Org.name).where(Org.id.in_(ids))).all()) if ids else {}

    def named(wanted: set[str]) -> dict[str, str]:
        return {i: names.get(i, i) for i in sorted(wanted)}  # by id, as the other pages' lists

    return named({t for t, _ in rows if t}), named({u for _, u in rows if u})
