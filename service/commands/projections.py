"""Queryable projections of an engine instance, written in the command's transaction.

human_tasks: the inbox; pending_timers: the timer service's truth; business columns of the
instance row for list filters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.db import db
from service.models import HumanTask, PendingTimer, ProcessInstance
from workflows.engine import Instance

BUSINESS_FIELDS = ("village_id", "township_id", "unit_id")


def sync_business_fields(row: ProcessInstance, data: dict[str, Any]) -> None:
    """Copy the ids the list filters use from the process data (never blank a known value)."""
    values = {
        "cadre_id": data.get("cadre_id") or data.get("old_cadre_id"),
        "old_cadre_id": data.get("old_cadre_id"),
        "new_cadre_id": data.get("new_cadre_id") or data.get("nominee_id"),
        **{name: data.get(name) for name in BUSINESS_FIELDS},
    }
    for name, value in values.items():
        if value is not None and getattr(row, name) != str(value):
            setattr(row, name, str(value))


def _existing_rows(stmt: sa.Select, fresh: bool, known: list | None) -> dict[str, Any]:
    """The projection rows the engine's view is compared with, by id: none for an instance created
    in this transaction, the rows the command already read, or else a read with `stmt`."""
    if fresh:
        return {}
    if known is not None:
        return {r.id: r for r in known}
    return {r.id: r for r in db.session.execute(stmt).scalars()}


def sync_tasks(row: ProcessInstance, instance: Instance, at: datetime, *,
               fresh: bool = False, known: list[HumanTask] | None = None) -> list[HumanTask]:
    """Insert newly ready user tasks, refresh due times, cancel open rows the engine dropped.

    `fresh`: the instance was created in this transaction (no rows to read); `known`: its open
    rows as the command already read them in this transaction (not read again).
    Returns the instance's open task rows afterwards, ordered by (created_at, id)."""
    engine_tasks = {t.id: t for t in instance.open_tasks()}
    rows = _existing_rows(sa.select(HumanTask).where(
        HumanTask.instance_id == row.id, HumanTask.status == "open"), fresh, known)
    for task_id, task_row in rows.items():
        if task_id not in engine_tasks:
            # Interrupted (withdrawal, a deadline timer) or the instance ended: nobody can act.
            task_row.status = "cancelled"
            task_row.completed_at = at
    open_rows = []
    for task_id, task in engine_tasks.items():
        task_row = rows.get(task_id)
        if task_row is None:
            task_row = HumanTask(
                id=task_id, instance_id=row.id, spec_id=task.spec_id, name=task.name,
                role=task.role or "", scope_kind=task.scope_kind or "", scope_id=task.scope_value,
                decisions=list(task.decisions), status="open", created_at=task.ready_at,
                due_at=task.due_at,
            )
            db.session.add(task_row)
        elif task_row.due_at != task.due_at:
            task_row.due_at = task.due_at
        open_rows.append(task_row)
    return sorted(open_rows, key=lambda r: (r.created_at, r.id))


def read_projections(instance_id: str) -> tuple[list[HumanTask], list[PendingTimer]]:
    """The instance's open human_tasks rows and all its pending_timers rows in one round trip.

    Both outer-joined from the instance row: (open tasks x timers) rows, a handful per instance."""
    stmt = (sa.select(HumanTask, PendingTimer).select_from(ProcessInstance)
            .outerjoin(HumanTask, sa.and_(HumanTask.instance_id == ProcessInstance.id,
                                          HumanTask.status == "open"))
            .outerjoin(PendingTimer, PendingTimer.instance_id == ProcessInstance.id)
            .where(ProcessInstance.id == instance_id))
    tasks: dict[str, HumanTask] = {}
    timers: dict[str, PendingTimer] = {}
    for task_row, timer_row in db.session.execute(stmt):
        if task_row is not None:
            tasks[task_row.id] = task_row
        if timer_row is not None:
            timers[timer_row.id] = timer_row
    return list(tasks.values()), list(timers.values())


def sync_timers(row: ProcessInstance, instance: Instance, *, fresh: bool = False,
                known: list[PendingTimer] | None = None) -> None:
    """Make pending_timers equal to the engine's waiting timers (keeping lock columns of kept rows).

    `fresh`: the instance was created in this transaction (no rows to read); `known`: its rows
    as the command already read them in this transaction (not read again)."""
    pending = {t.id: t for t in instance.pending_timers() if t.fire_at is not None}
    rows = _existing_rows(sa.select(PendingTimer).where(PendingTimer.instance_id == row.id), fresh, known)
    for timer_id, timer_row in rows.items():
        if timer_id not in pending:
            db.session.delete(timer_row)
    for timer_id, timer in pending.items():
        timer_row = rows.get(timer_id)
        if timer_row is None:
            db.session.add(PendingTimer(
                id=timer_id, instance_id=row.id, spec_id=timer.spec_id, kind=timer.kind or "deadline",
                notify=timer.notify, fire_at=timer.fire_at, task_id=timer.task_id, attempts=0,
                calendar_uncovered=timer.calendar_uncovered,
            ))
        else:
            if timer_row.fire_at != timer.fire_at:
                timer_row.fire_at = timer.fire_at
                timer_row.lock_owner = None  # a recomputed deadline is a new appointment
                timer_row.lock_expires_at = None
            timer_row.calendar_uncovered = timer.calendar_uncovered
