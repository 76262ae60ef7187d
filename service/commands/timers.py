"""Timer commands the timer service calls: fire what is due, recompute deadlines after a calendar edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa

from service.auth import Principal
from service.commands.actor import SYSTEM, first_grant
from service.commands.core import EventInfo, load, save
from service.commands.uow import unit_of_work
from service.db import db
from service.labels import ROLE_NAMES
from service.models import SCOPE_KIND_BY_ROLE, HumanTask, Notification, ProcessInstance, User, UserRole
from workflows.clock import require_aware
from workflows.engine import FiredTimer

NOTIFIED_KINDS = {"reminder": "催办", "escalation": "督办", "deadline": "逾期"}


@dataclass
class FireResult:
    instance_id: str
    fired: list[FiredTimer] = field(default_factory=list)
    status: str | None = None
    notified: list[str] = field(default_factory=list)  # logins
    event_seq: int | None = None
    started: list[str] = field(default_factory=list)  # instance ids (handovers)


def _recipients(notify: str, task: HumanTask | None, instance: ProcessInstance) -> list[str]:
    """Users holding the notified role in the scope of the task (or of the instance)."""
    kind = SCOPE_KIND_BY_ROLE.get(notify)
    stmt = sa.select(User.login).join(UserRole).where(UserRole.role == notify, User.active.is_(True))
    if kind != "county":
        if task is not None and task.scope_kind == kind:
            scope = task.scope_id
        else:
            scope = {"unit": instance.unit_id, "township": instance.township_id,
                     "cadre": instance.cadre_id}.get(kind or "")
        stmt = stmt.where(UserRole.scope_id == scope)
    return sorted(set(db.session.execute(stmt).scalars()))


def _notify(row: ProcessInstance, timer: FiredTimer, tasks: dict[str, HumanTask], at: datetime) -> list[str]:
    label = NOTIFIED_KINDS.get(timer.kind or "")
    if label is None:
        return []
    task = tasks.get(timer.task_id or "")
    notify = timer.notify or (task.role if task else None)
    if notify is None:
        return []
    what = f"「{task.name}」" if task else ""
    due = f"，期限 {task.due_at.astimezone(UTC).isoformat()}" if task and task.due_at else ""
    who = ROLE_NAMES.get(task.role, task.role) if task else ""
    message = f"【{label}】{row.process_key} 流程{what}待{who}办理{due}。"
    logins = _recipients(notify, task, row)
    for login in logins:
        db.session.add(Notification(login=login, instance_id=row.id, task_id=timer.task_id,
                                    kind=timer.kind, message=message, created_at=at))
    return logins


def fire_due_timers(instance_id: str, at: datetime, actor: Principal = SYSTEM) -> FireResult:
    """Fire every timer of the instance due strictly before `at`; one history event `timer`."""
    at = require_aware(at).astimezone(UTC)
    with unit_of_work():
        loaded = load(instance_id)
        row = loaded.row
        if row.status != "running":
            return FireResult(instance_id, status=row.status)
        tasks = {t.id: t for t in db.session.execute(
            sa.select(HumanTask).where(HumanTask.instance_id == row.id)).scalars()}
        result = loaded.instance.fire_due_timers(at)
        if not result.fired_timers:
            db.session.rollback()
            return FireResult(instance_id, status=row.status)
        saved = save(loaded, at, EventInfo("timer", {}, actor, first_grant(actor)))
        notified: list[str] = []
        for timer in result.fired_timers:
            notified += _notify(row, timer, tasks, at)
        return FireResult(instance_id, fired=list(result.fired_timers), status=row.status,
                          notified=notified, event_seq=saved.event.seq,
                          started=[s.id for s in saved.started])


def recompute_deadlines(instance_id: str, at: datetime, actor: Principal = SYSTEM) -> list[str]:
    """After a calendar year was entered: recompute waiting deadlines; returns the changed timer ids."""
    at = require_aware(at).astimezone(UTC)
    with unit_of_work():
        loaded = load(instance_id)
        if loaded.row.status != "running":
            return []
        changed = loaded.instance.recompute_deadlines(at)
        if not changed:
            db.session.rollback()
            return []
        save(loaded, at, EventInfo("recompute_deadlines", {}, actor, first_grant(actor)))
    return changed
