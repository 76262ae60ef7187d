"""The steps every engine command shares: save state + projections + event, start an instance.

Loading an instance for a command is service.persistence.loading (queries use it read-only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.commands import outbox
from service.commands.actor import scope_label
from service.commands.calendar_pins import pin_looked_up_years
from service.commands.stalls import record_stall
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.history import canonical
from service.persistence.loading import Loaded
from service.persistence.models import (
    HistoryEvent,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
)
from service.persistence.projections import NOTHING_PROJECTED, EngineView, business_field_changes
from service.persistence.runtime import (
    definition_of,
    get_engine,
    latest_definition_row,
)
from service.persistence.store import EventRecord, InstanceChanges, record_event
from service.persistence.store import save as store_save
from workflows.stall import stall_of

TERMINAL = frozenset({"completed", "rejected", "withdrawn", "terminated"})


@dataclass(frozen=True)
class EventInfo:
    kind: str
    inputs: dict[str, Any]
    actor: Principal
    grant: Grant | None
    task_id: str | None = None
    task_spec_id: str | None = None
    decision: str | None = None
    comment: str | None = None


@dataclass
class Saved:
    event: HistoryEvent
    open_tasks: list[HumanTask]  # the instance's open task rows after the command


def save(loaded: Loaded, at: datetime, info: EventInfo,
         closed_task: tuple[HumanTask, dict[str, Any]] | None = None) -> Saved:
    """Save the command's changes to the instance through the store, and report what the engine
    threw or finished to the unit of work (commands.outbox), whose reactions act on it.

    `closed_task`: the task row the command completed, with its new column values."""
    row, instance, before = loaded.row, loaded.instance, loaded.before
    if before is None:
        raise ValueError(f"instance {row.id} was loaded read-only")
    state = instance.state()
    was_running = row.status == "running"
    # every command bumps the revision, even one that leaves the state as is
    values: dict[str, Any] = {"state": state, "status": instance.status, "updated_at": at}
    # Running with nothing left to wait for: stored in `error`, saying where it stopped.
    stall = stall_of(instance) if values["status"] == "running" else None
    if stall is not None:
        values.update(status="error", error=stall.reason)
    if values["status"] in TERMINAL and row.ended_at is None:
        values["ended_at"] = at
    values.update(business_field_changes(row, instance.data))
    after = EngineView.of(instance)
    cancelled = _cancelled_tasks(row.id, set(before.tasks) - set(after.tasks)
                                 - ({closed_task[0].id} if closed_task else set()))
    stored = store_save(InstanceChanges(row, values, before, after, at, event_record(info),
                                        instance.state_hash(), loaded.head, closed_task))
    pin_looked_up_years(instance.engine.calendar, at)  # a replay of this event reads them
    loaded.head, loaded.before = (stored.event.seq, stored.event.event_hash), after
    if stall is not None:
        loaded.head = record_stall(row.id, at, stall, instance.state_hash(), loaded.head)
    result = instance.last_result
    outbox.report(outbox.Reported(
        row, loaded.definition, at, info.actor, info.grant,
        thrown_messages=list(result.thrown_messages) if result is not None else [],
        completed=was_running and row.status == "completed", data=instance.data,
        known_names=loaded.names,
        opened_tasks=[task for task in stored.open_tasks if task.id not in before.tasks],
        decision=info.decision,
        ended_as=row.status if was_running and row.status in TERMINAL else None,
        cancelled_tasks=cancelled, completed_task=closed_task[0] if closed_task else None,
        comment=info.comment))
    return Saved(stored.event, stored.open_tasks)


def _cancelled_tasks(instance_id: str, ids: set[str]) -> list[HumanTask]:
    """The task rows about to be closed without a decision (nearly always none: no query then).
    Closing them changes their status only; who held them (role, scope, claimant) stays."""
    if not ids:
        return []
    return list(db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.id.in_(ids), HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)).scalars())


def event_record(info: EventInfo) -> EventRecord:
    return EventRecord(info.kind, info.inputs, info.actor.login,
                       info.grant.role if info.grant else None, scope_label(info.grant),
                       info.task_id, info.task_spec_id, info.decision, info.comment)


def record(instance_id: str, at: datetime, info: EventInfo, state_hash: str) -> HistoryEvent:
    """An event that changes no engine state (claims, transfers, urges)."""
    return record_event(instance_id, at, event_record(info), state_hash)


def start(definition_row: ProcessDefinition, data: dict[str, Any], at: datetime, *,
          actor: Principal, grant: Grant | None, business_key: str | None,
          submitter: str | None) -> ProcessInstance:
    """Create an instance: the first event's inputs hold the id and the full start data
    (deadlines included), so a replay needs nothing but the events."""
    engine = get_engine()
    definition = definition_of(definition_row)
    instance_id = str(uuid.uuid4())
    full_data = canonical({**engine.deadlines, **data})
    instance = engine.start(definition, full_data, instance_id=instance_id, at=at)
    row = ProcessInstance(
        id=instance_id, definition_id=definition_row.id, process_key=definition_row.key,
        business_key=business_key, status="running", state={}, submitter=submitter,
        created_at=at, updated_at=at,
    )
    db.session.add(row)
    db.session.flush()  # inserted at revision 1; save() then writes the state (revision 2)
    info = EventInfo(kind="start", inputs={"instance_id": instance_id, "data": full_data},
                     actor=actor, grant=grant)
    save(Loaded(row, definition, instance, head=(0, None), before=NOTHING_PROJECTED), at, info)  # no rows yet
    return row


def start_latest(key: str, data: dict[str, Any], at: datetime, **kwargs: Any) -> ProcessInstance:
    return start(latest_definition_row(key), data, at, **kwargs)
