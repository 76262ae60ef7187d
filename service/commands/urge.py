"""催办: a person urges an open task; the candidates are notified, the urge goes into the history.

Who may urge: the instance's submitter; the county leading group office for any case; the
Organization Department for first-secretary cases and the Rural Revitalization Bureau for
work-team cases (the filing offices of those cases). Once per task per calendar day (Beijing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from service.commands.actor import first_grant
from service.commands.core import EventInfo, record
from service.commands.notify import add_notification
from service.commands.suspend import refuse_while_suspended
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import ApiError, Conflict, Forbidden
from service.core.labels import ROLE_NAMES
from service.core.principal import Grant, Principal
from service.core.text_limits import MESSAGE, check_text
from service.persistence.db import db
from service.persistence.models import HistoryEvent, HumanTask, ProcessInstance
from service.queries.access import can_see_task
from service.queries.holders import task_holders
from service.queries.tasks import task_not_found
from workflows.serialization import state_hash
from workflows.working_days import SHANGHAI

# The filing office of a case by the posting role it concerns (design.md §1.1).
OVERSIGHT_BY_ROLE = {"first_secretary": "org_dept", "team_member": "rrb"}


class RateLimited(ApiError):
    status = 429
    slug = "rate-limited"


@dataclass
class UrgeResult:
    task: HumanTask
    notified: list[str]
    at: datetime


def _urging_grant(actor: Principal, row: ProcessInstance) -> Grant | None:
    if row.submitter and row.submitter == actor.login:
        return first_grant(actor)
    county = first_grant(actor, "county")
    if county is not None:
        return county
    overseer = OVERSIGHT_BY_ROLE.get(_case_role(row) or "")
    if overseer is not None:
        return first_grant(actor, overseer)
    return None


def _case_role(row: ProcessInstance) -> str | None:
    # The posting role is in the start event's data; the instance row does not carry it.
    first = db.session.execute(sa.select(HistoryEvent.inputs).where(
        HistoryEvent.instance_id == row.id, HistoryEvent.seq == 1)).scalar_one_or_none()
    return ((first or {}).get("data") or {}).get("role")


def _day_bounds(at: datetime) -> tuple[datetime, datetime]:
    day = at.astimezone(SHANGHAI).date()
    start = datetime.combine(day, time(0), SHANGHAI).astimezone(UTC)
    return start, start + timedelta(days=1)


def urge_task(actor: Principal, task_id: str, message: str | None = None) -> UrgeResult:
    at = now()
    check_text("message", message, MESSAGE)
    with unit_of_work():
        task = db.session.get(HumanTask, task_id)
        if task is None:
            raise task_not_found(task_id)
        row = db.session.get_one(ProcessInstance, task.instance_id)
        if not can_see_task(actor, task, row):
            raise task_not_found(task_id)  # as if it did not exist: a 403 would say that it does
        grant = _urging_grant(actor, row)
        if grant is None:
            raise Forbidden("只有申请人、县驻村工作领导小组或本案的备案部门可以催办。")
        if task.status == "open":
            refuse_while_suspended(row, "催办")
        if task.status != "open" or row.status != "running":
            raise Conflict("任务已办结或流程已结束，无需催办。", slug="task-closed")
        start, end = _day_bounds(at)
        already = db.session.execute(sa.select(HistoryEvent.at).where(
            HistoryEvent.instance_id == row.id, HistoryEvent.kind == "urge",
            HistoryEvent.task_id == task.id, HistoryEvent.at >= start, HistoryEvent.at < end,
        ).limit(1)).scalar_one_or_none()
        if already is not None:
            raise RateLimited("该任务今天已催办过，每个任务每天只能催办一次。",
                              extra={"retry_after": end.isoformat()})
        # Bump the revision: two urges racing on the same task cannot both pass the check above.
        row.updated_at = at
        db.session.flush()
        urger = ROLE_NAMES.get(grant.role, grant.role) if grant else ""
        text = f"【催办】{actor.display_name}（{urger}）催办「{task.name}」"
        if task.due_at is not None:
            text += f"，期限 {task.due_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        text += f"。{message}" if message else "。"
        notified = task_holders(task)
        for login in notified:
            add_notification(login, kind="urge", message=text, at=at, instance_id=row.id, task_id=task.id)
        # Not an engine command: the recorded state hash is the unchanged state's.
        record(row.id, at, EventInfo("urge", {"task_id": task.id, "notified": notified}, actor, grant,
                                     task.id, task.spec_id, comment=message or None),
               state_hash(row.state))
    return UrgeResult(task, notified, at)
