"""Queryable projections of an engine instance, written by the store in the command's transaction.

human_tasks: the inbox; pending_timers: the timer service's truth; business columns of the
instance row for list filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import HumanTask, PendingTimer, ProcessInstance
from workflows.engine import HumanTask as EngineHumanTask
from workflows.engine import Instance
from workflows.engine import PendingTimer as EngineTimer

BUSINESS_FIELDS = ("village_id", "township_id", "unit_id")


def business_field_changes(row: ProcessInstance, data: dict[str, Any]) -> dict[str, str]:
    """The ids the list filters use, from the process data, where they differ from the row's
    (a known value is never blanked)."""
    values = {
        "cadre_id": data.get("cadre_id") or data.get("old_cadre_id"),
        "old_cadre_id": data.get("old_cadre_id"),
        "new_cadre_id": data.get("new_cadre_id") or data.get("nominee_id"),
        **{name: data.get(name) for name in BUSINESS_FIELDS},
    }
    return {name: str(value) for name, value in values.items()
            if value is not None and getattr(row, name) != str(value)}


@dataclass(frozen=True)
class EngineView:
    """What an engine instance projects into rows: its open user tasks and its waiting timers.

    Taken when the instance is restored, it is also what the projection rows hold: every command
    writes them from the state it saves, in the same transaction, and a command that works on
    stale state loses at its versioned UPDATE. save() therefore compares the view before the
    command with the view after it, instead of reading the rows back.
    """

    tasks: dict[str, EngineHumanTask]
    timers: dict[str, EngineTimer]

    @classmethod
    def of(cls, instance: Instance) -> EngineView:
        return cls({t.id: t for t in instance.open_tasks()},
                   {t.id: t for t in instance.pending_timers() if t.fire_at is not None})


NOTHING_PROJECTED = EngineView({}, {})
# Rows no session object stands for are written with plain table statements: one statement (or
# one executemany) per kind of change, without unit-of-work bookkeeping for rows nobody reads.
TASKS: sa.Table = HumanTask.__table__
TIMERS: sa.Table = PendingTimer.__table__
CANCEL_OPEN_TASKS = (TASKS.update()
                     .where(TASKS.c.id.in_(sa.bindparam("ids", expanding=True)), TASKS.c.status == "open")
                     .values(status="cancelled", completed_at=sa.bindparam("at")))
DELETE_TIMERS = TIMERS.delete().where(TIMERS.c.id.in_(sa.bindparam("ids", expanding=True)))
UPDATE_TIMER = TIMERS.update().where(TIMERS.c.id == sa.bindparam("row_id"))
INSERT_TASKS, INSERT_TIMERS = TASKS.insert(), TIMERS.insert()


def _run(statement: sa.Executable, parameters: Any = None) -> None:
    db.session.execute(statement, parameters)


def _insert(statement: sa.Insert, rows: list[dict[str, Any]]) -> None:
    if rows:
        _run(statement, rows)


def _session_row(model: type, ident: str) -> Any:
    """The row object this session already holds for `ident` (no query), or None."""
    return db.session.identity_map.get(db.session.identity_key(model, ident))


def sync_tasks(row: ProcessInstance, before: EngineView, after: EngineView, at: datetime) -> list[HumanTask]:
    """Insert newly ready user tasks, refresh due times, cancel open rows the engine dropped.

    Rows the session already holds (the completed task, rows the command read) are changed as
    objects; the others are written without being read, except the ones still open, which the
    response lists. Returns the instance's open task rows afterwards, ordered by (created_at, id)."""
    rows: dict[str, HumanTask] = {}
    unheld = []
    for task_id in before.tasks.keys() - after.tasks.keys():
        # Interrupted (withdrawal, a deadline timer) or the instance ended: nobody can act.
        task_row = _session_row(HumanTask, task_id)
        if task_row is None:
            unheld.append(task_id)
        elif task_row.status == "open":
            task_row.status, task_row.completed_at = "cancelled", at
    if unheld:
        _run(CANCEL_OPEN_TASKS, {"ids": unheld, "at": at})
    kept = [i for i in after.tasks if i in before.tasks]
    rows.update((i, r) for i in kept if (r := _session_row(HumanTask, i)) is not None)
    unread = [i for i in kept if i not in rows]
    if unread:  # open before and after (parallel branches): their rows are in the response
        rows.update((r.id, r) for r in db.session.execute(
            sa.select(HumanTask).where(HumanTask.id.in_(unread))).scalars())
    open_rows, new_rows = [], []
    for task_id, task in after.tasks.items():
        task_row = rows.get(task_id)
        if task_row is None:
            values = {
                "id": task_id, "instance_id": row.id, "spec_id": task.spec_id, "name": task.name,
                "role": task.role or "", "scope_kind": task.scope_kind or "", "scope_id": task.scope_value,
                "decisions": list(task.decisions), "status": "open", "created_at": task.ready_at,
                "due_at": task.due_at,
            }
            new_rows.append(values)
            task_row = HumanTask(**values)  # for the response only: the row is inserted below
        elif task_row.due_at != task.due_at:
            task_row.due_at = task.due_at
        open_rows.append(task_row)
    _insert(INSERT_TASKS, new_rows)
    return sorted(open_rows, key=lambda r: (r.created_at, r.id))


def sync_timers(row: ProcessInstance, before: EngineView, after: EngineView) -> None:
    """Make pending_timers equal to the engine's waiting timers: delete the ones it no longer
    waits for, add the new ones, move the recomputed ones. A kept row keeps its retry counters, and
    its lock columns unless its fire time changed (a recomputed deadline is a new appointment)."""
    unheld = []
    for timer_id in before.timers.keys() - after.timers.keys():
        held = _session_row(PendingTimer, timer_id)  # e.g. the timer service's claimed row
        if held is None:
            unheld.append(timer_id)
        else:
            db.session.delete(held)
    if unheld:
        _run(DELETE_TIMERS, {"ids": unheld})
    new_timers: list[dict[str, Any]] = []
    for timer_id, timer in after.timers.items():
        old = before.timers.get(timer_id)
        if old is None:
            new_timers.append({
                "id": timer_id, "instance_id": row.id, "spec_id": timer.spec_id,
                "kind": timer.kind or "deadline", "notify": timer.notify, "fire_at": timer.fire_at,
                "task_id": timer.task_id, "attempts": 0, "calendar_uncovered": timer.calendar_uncovered,
            })
            continue
        changes: dict[str, Any] = {}
        if old.fire_at != timer.fire_at:
            changes = {"fire_at": timer.fire_at, "lock_owner": None, "lock_expires_at": None}
        if changes or old.calendar_uncovered != timer.calendar_uncovered:
            changes["calendar_uncovered"] = timer.calendar_uncovered
            held = _session_row(PendingTimer, timer_id)
            if held is None:
                _run(UPDATE_TIMER.values(**changes), {"row_id": timer_id})
            else:
                for name, value in changes.items():
                    setattr(held, name, value)
    _insert(INSERT_TIMERS, new_timers)
