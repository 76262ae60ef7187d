"""Timer commands the timer service calls: fire what is due, recompute deadlines after a calendar edit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from service.commands import reactions
from service.commands.actor import SYSTEM, first_grant
from service.commands.core import EventInfo, record, save
from service.commands.notify import add_notification
from service.commands.uow import unit_of_work
from service.config import get_settings
from service.core.labels import ROLE_NAMES, TIMER_NOTICE_NAMES, case_words
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import (
    SCOPE_KIND_BY_ROLE,
    HumanTask,
    PendingTimer,
    ProcessInstance,
)
from service.queries.holders import role_holders
from service.queries.views import summaries
from workflows.clock import require_aware
from workflows.engine import FiredTimer
from workflows.serialization import state_hash


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
    if kind == "county":
        return role_holders(notify, None)
    if task is not None and task.scope_kind == kind:
        return role_holders(notify, task.scope_id)
    scope = {"unit": instance.unit_id, "township": instance.township_id,
             "cadre": instance.cadre_id}.get(kind or "")
    return role_holders(notify, scope) if scope is not None else []


def _timer_words(row: ProcessInstance, timer: FiredTimer, task: HumanTask | None) -> str:
    """The case by its Chinese name, the step and, for a reminder, the deadline in Beijing time."""
    summary = summaries([row])[row.id]
    case = case_words(row.process_key, summary["village_name"], summary["cadre_name"])
    if task is None:
        return f"{case}：到期自动处理"
    if timer.kind == "deadline":
        return f"{case}：「{task.name}」已逾期，到期自动处理"
    who = ROLE_NAMES.get(task.role, task.role)
    due = ""
    if task.due_at is not None:
        due = f"，办理期限 {task.due_at.astimezone(get_settings().tz):%Y-%m-%d %H:%M}（北京时间）"
    return f"{case}：「{task.name}」待{who}办理{due}"


def _notify(row: ProcessInstance, timer: FiredTimer, tasks: dict[str, HumanTask], at: datetime) -> list[str]:
    label = TIMER_NOTICE_NAMES.get(timer.kind or "")
    if label is None:
        return []
    task = tasks.get(timer.task_id or "")
    notify = timer.notify or (task.role if task else None)
    if notify is None:
        return []
    message = f"【{label}】{_timer_words(row, timer, task)}。"
    logins = _recipients(notify, task, row)
    for login in logins:
        add_notification(login, kind=timer.kind or "reminder", message=message, at=at,
                         instance_id=row.id, task_id=timer.task_id)
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
                          started=[s.id for s in reactions.dispatch()])


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


@dataclass
class FailureResult:
    instance_id: str
    attempts: int
    next_attempt_at: datetime | None
    errored: bool  # the instance went to status `error`


def record_timer_failure(instance_id: str, timer_ids: list[str], at: datetime, error: str, *,
                         max_attempts: int, retry_base: timedelta) -> FailureResult:
    """A firing of `timer_ids` raised: count the attempt and back off exponentially; after
    `max_attempts` the instance goes to status `error` with the reason as a history event.

    Its own transaction (the failed firing was rolled back). The event changes no engine state,
    so it carries the unchanged state hash and a replay skips it.
    """
    at = require_aware(at).astimezone(UTC)
    reason = error[:2000]
    with unit_of_work():
        timers = db.session.execute(
            sa.select(PendingTimer).where(PendingTimer.id.in_(timer_ids))).scalars().all()
        attempts = max((t.attempts or 0 for t in timers), default=0) + 1
        give_up = attempts >= max_attempts
        retry_at = None if give_up else at + retry_base * (2 ** (attempts - 1))
        for timer in timers:
            timer.attempts = attempts
            timer.last_error = reason
            timer.next_attempt_at = retry_at
            timer.lock_owner = None
            timer.lock_expires_at = None
        row = db.session.get(ProcessInstance, instance_id)
        errored = False
        if give_up and row is not None and row.status == "running":
            errored = True
            row.status = "error"
            row.error = f"定时器连续 {attempts} 次触发失败：{reason}"
            row.updated_at = at
            db.session.flush()
            record(row.id, at, EventInfo(
                "timer_failed", {"timer_ids": sorted(timer_ids), "attempts": attempts}, SYSTEM,
                first_grant(SYSTEM), comment=row.error), state_hash(row.state))
    return FailureResult(instance_id, attempts, retry_at, errored)
