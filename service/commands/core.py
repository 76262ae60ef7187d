"""The steps every engine command shares: load an instance, save state + projections + event."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.commands import outbox
from service.commands.actor import scope_label
from service.commands.calendar_pins import pin_looked_up_years
from service.commands.runtime import (
    CALENDAR_SIGNATURE_WIDTH,
    calendar_signature_columns,
    definition_by_id,
    definition_of,
    get_engine,
    latest_definition_row,
)
from service.core.errors import NotFound
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.history import canonical
from service.persistence.models import (
    Cadre,
    HistoryEvent,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    Village,
)
from service.persistence.projections import NOTHING_PROJECTED, EngineView, business_field_changes
from service.persistence.store import EventRecord, InstanceChanges, record_event
from service.persistence.store import save as store_save
from workflows.engine import Definition, Instance, state_hash

TERMINAL = frozenset({"completed", "rejected", "withdrawn", "terminated"})


@dataclass
class Loaded:
    row: ProcessInstance
    definition: Definition
    instance: Instance
    # (seq, event_hash) of the instance's last history event as read with the row; None: unknown.
    head: tuple[int, str | None] | None = None
    # The engine's tasks and timers as restored, before the command: what the projection rows
    # hold (EngineView). None: loaded read-only, not to be saved.
    before: EngineView | None = None
    # (cadre names, village names) by id for the row's business columns as read with the row
    # (load(with_names=True)); a response summary then needs no names query of its own.
    names: tuple[dict[str, str], dict[str, str]] | None = None


NAMED_CADRE_COLUMNS = ("cadre_id", "old_cadre_id", "new_cadre_id")


def _name_columns() -> list[sa.ScalarSelect]:
    """Scalar subqueries: the names of the row's cadres and village (to ride along in load())."""
    cadres = [sa.select(Cadre.name).where(Cadre.id == getattr(ProcessInstance, c)).scalar_subquery()
              for c in NAMED_CADRE_COLUMNS]
    village = sa.select(Village.name).where(Village.id == ProcessInstance.village_id).scalar_subquery()
    return [*cadres, village]


@functools.cache
def _load_statement(with_names: bool, by_task: bool = False) -> sa.Select:
    """The statement of load() (by_task: of fetch_task(), the task row first), built once per
    process: its SQL is compiled and cached once too."""
    last = (sa.select(HistoryEvent.seq, HistoryEvent.event_hash)
            .where(HistoryEvent.instance_id == ProcessInstance.id)
            .order_by(HistoryEvent.seq.desc()).limit(1))
    columns = (ProcessInstance, ProcessDefinition.content_hash, *calendar_signature_columns(),
               last.with_only_columns(HistoryEvent.seq).scalar_subquery(),
               last.with_only_columns(HistoryEvent.event_hash).scalar_subquery(),
               *(_name_columns() if with_names else ()))
    if by_task:
        return (sa.select(HumanTask, *columns)
                .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                .where(HumanTask.id == sa.bindparam("task_id")))
    return (sa.select(*columns)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .where(ProcessInstance.id == sa.bindparam("instance_id")))


def load(instance_id: str, *, with_names: bool = False, read_only: bool = False) -> Loaded:
    """The instance row and its engine instance restored against the pinned definition version
    (`read_only`: for a page or a response, never saved; its EngineView is not taken).

    One round trip: the row, its definition's content hash (the parsed spec is cached), the
    calendar signature (the cached Engine), the head of its history chain and, `with_names`, the
    names of its cadres and village (Loaded.names, for the response). The head is safe to
    use later in the command: a writer that commits in between either bumps the revision (our
    versioned UPDATE then fails) or takes the next seq (unique (instance_id, seq) then fails).
    """
    found = db.session.execute(_load_statement(with_names), {"instance_id": instance_id}).one_or_none()
    if found is None:
        raise NotFound(f"流程实例 {instance_id} 不存在。")
    return restored(found, with_names=with_names, read_only=read_only)


def fetch_task(task_id: str, *, with_names: bool = False) -> tuple[HumanTask, tuple[Any, ...]]:
    """A task row and the rest of its result row (what load() reads for its instance, instance
    row first), in one round trip; the instance is restored (restored()) only once the command's
    checks have passed."""
    found = db.session.execute(_load_statement(with_names, by_task=True), {"task_id": task_id}).one_or_none()
    if found is None:
        raise NotFound(f"任务 {task_id} 不存在或无权查看。")
    return found[0], tuple(found[1:])


def restored(found: Any, *, with_names: bool = False, read_only: bool = False) -> Loaded:
    """Loaded from a row of load()'s statement: the engine instance restored from its state."""
    row, content_hash, *rest = found
    signature, rest = rest[:CALENDAR_SIGNATURE_WIDTH], rest[CALENDAR_SIGNATURE_WIDTH:]
    last_seq, last_hash, *named = rest
    definition = definition_by_id(row.definition_id, content_hash)
    instance = get_engine(signature).restore(definition, row.state, instance_id=row.id)
    names = None
    if with_names:
        cadre_names = {getattr(row, c): n for c, n in zip(NAMED_CADRE_COLUMNS, named, strict=False)
                       if getattr(row, c) and n is not None}
        village_names = {row.village_id: named[-1]} if row.village_id and named[-1] is not None else {}
        names = (cadre_names, village_names)
    before = None if read_only else EngineView.of(instance)
    return Loaded(row, definition, instance, (last_seq or 0, last_hash), before=before, names=names)


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
    if values["status"] in TERMINAL and row.ended_at is None:
        values["ended_at"] = at
    values.update(business_field_changes(row, instance.data))
    after = EngineView.of(instance)
    stored = store_save(InstanceChanges(row, values, before, after, at, event_record(info),
                                        state_hash(state), loaded.head, closed_task))
    pin_looked_up_years(instance.engine.calendar, at)  # a replay of this event reads them
    loaded.head, loaded.before = (stored.event.seq, stored.event.event_hash), after
    result = instance.last_result
    outbox.report(outbox.Reported(
        row, at, info.actor, info.grant,
        thrown_messages=list(result.thrown_messages) if result is not None else [],
        completed=was_running and row.status == "completed", data=instance.data,
        known_names=loaded.names))
    return Saved(stored.event, stored.open_tasks)


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
