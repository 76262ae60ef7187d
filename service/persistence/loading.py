"""An instance row with its engine instance restored against the pinned definition version:
for a command that will save it, or read-only for a page or a response."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.persistence.db import db
from service.persistence.models import (
    AddedSigner,
    Cadre,
    HistoryEvent,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    Village,
)
from service.persistence.projections import EngineView
from service.persistence.runtime import (
    CALENDAR_SIGNATURE_WIDTH,
    calendar_signature_columns,
    definition_by_id,
    get_engine,
)
from workflows.engine import Definition, Instance


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
        # the first added signer (加签) still to sign before the task's holder may act
        pending_signer = (sa.select(AddedSigner.login)
                          .where(AddedSigner.task_id == HumanTask.id, AddedSigner.status == "open")
                          .order_by(AddedSigner.id).limit(1).scalar_subquery())
        return (sa.select(HumanTask, pending_signer, *columns)
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


@dataclass(frozen=True)
class FetchedTask:
    task: HumanTask
    pending_signer: str | None  # the login of an added signer (加签) who has still to sign
    found: tuple[Any, ...]  # the rest of the row: what load() reads for its instance, row first

    @property
    def instance_row(self) -> ProcessInstance:
        return self.found[0]


def fetch_task(task_id: str, *, with_names: bool = False) -> FetchedTask:
    """A task row, whether an added signer still holds it up, and its instance's row as load()
    reads it, in one round trip; the instance is restored (restored(fetched.found)) only once the
    command's checks have passed."""
    found = db.session.execute(_load_statement(with_names, by_task=True), {"task_id": task_id}).one_or_none()
    if found is None:
        raise NotFound(f"任务 {task_id} 不存在或无权查看。")
    return FetchedTask(found[0], found[1], tuple(found[2:]))


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
