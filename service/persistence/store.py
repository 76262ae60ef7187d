"""The store: how an engine command's changes to a process instance reach the database.

Every command that moved the engine saves through save(); commands that change no engine state
(claims, transfers, resume, a timer's failure count) change a few columns of the same rows through
the ORM, under the same revision check, and append their event with record_event().

save() writes one command's changes to an instance, in the caller's transaction and in this order:
1. the instance row with its new state, guarded by its revision (SQLAlchemy's version counter:
   UPDATE ... WHERE revision = :read; a row changed by another transaction since it was read
   raises StaleDataError, which the unit of work turns into a 409);
2. the task the command completed;
3. the task and timer projections, as the engine's view changed between before and after;
4. the history event, chained to the instance's previous one.
The guarded UPDATE goes first, so a stale command fails before anything else of it is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.persistence.db import db
from service.persistence.history import append_event
from service.persistence.models import HistoryEvent, HumanTask, ProcessInstance
from service.persistence.projections import EngineView, sync_tasks, sync_timers


@dataclass(frozen=True)
class EventRecord:
    """What the history event of a command says, besides its time and the state hash."""

    kind: str
    inputs: dict[str, Any]
    actor_login: str | None
    actor_role: str | None = None
    actor_scope: str | None = None
    task_id: str | None = None
    task_spec_id: str | None = None
    decision: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class InstanceChanges:
    row: ProcessInstance
    values: dict[str, Any]  # the instance row's new column values (state, status, ...)
    before: EngineView  # the engine's tasks and timers as the command restored them
    after: EngineView  # ... and as the command leaves them
    at: datetime
    event: EventRecord
    state_hash: str
    # (seq, event_hash) of the instance's last event as read in this transaction; None: read it here
    head: tuple[int, str | None] | None = None
    closed_task: tuple[HumanTask, dict[str, Any]] | None = None  # the completed task, its new values


@dataclass(frozen=True)
class Stored:
    event: HistoryEvent
    open_tasks: list[HumanTask]  # the instance's open task rows afterwards, by (created_at, id)


def save(changes: InstanceChanges) -> Stored:
    row = changes.row
    for name, value in changes.values.items():
        setattr(row, name, value)
    if changes.closed_task is not None:
        task, values = changes.closed_task
        for name, value in values.items():
            setattr(task, name, value)
    db.session.flush()
    with db.session.no_autoflush:  # nothing else is pending: the projection rows need no flush first
        open_tasks = sync_tasks(row, changes.before, changes.after, changes.at)
        sync_timers(row, changes.before, changes.after)
        event = record_event(row.id, changes.at, changes.event, changes.state_hash, changes.head)
    return Stored(event, open_tasks)


def record_event(instance_id: str, at: datetime, event: EventRecord, state_hash: str,
                 head: tuple[int, str | None] | None = None) -> HistoryEvent:
    """Append a history event without changing the instance's state (claims, transfers, urges)."""
    return append_event(
        instance_id, at=at, kind=event.kind, inputs=event.inputs, state_hash=state_hash,
        actor_login=event.actor_login, actor_role=event.actor_role, actor_scope=event.actor_scope,
        task_id=event.task_id, task_spec_id=event.task_spec_id, decision=event.decision,
        comment=event.comment, head=head,
    )
