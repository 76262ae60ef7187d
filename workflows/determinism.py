"""Deterministic task ids and timestamps for the duration of one command.

SpiffWorkflow draws task ids from `uuid4` and stamps `last_state_change` from `time.time()`, both
module attributes of `SpiffWorkflow.task`. For replay to reproduce states byte for byte we swap
them, for one command at a time, for ids derived from the instance id and a per-instance counter
(persisted in the workflow data under `__cadreflow__`) and for the command's clock reading.

Module attributes are process-global while the service is multi-threaded, so the shims are
installed once, at import, and stay: each answers from the calling thread's command (a
thread-local) and with the real function in a thread that runs none. Commands on different threads
therefore never wait for one another; a long command holds up only its own request.
"""

from __future__ import annotations

import threading
import time as _real_time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import SpiffWorkflow.task as spiff_task

from .budget import CommandBudget, LimitExceeded, Limits
from .clock import require_aware
from .working_days import WorkingCalendar

RESERVED_KEY = "__cadreflow__"
_NAMESPACE_ROOT = uuid.UUID("6f164c2c-e8c2-5fbc-9c1d-cadf10000000")
_real_uuid4 = uuid.uuid4
_local = threading.local()


def instance_namespace(instance_id: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE_ROOT, f"instance:{instance_id}")


@dataclass
class CommandContext:
    instance_id: str
    at: datetime
    calendar: WorkingCalendar
    counter: int = 0
    workflow: Any = None
    issued: set[uuid.UUID] = field(default_factory=set)
    limits: Limits | None = None

    def __post_init__(self) -> None:
        self.namespace = instance_namespace(self.instance_id)
        self.budget = CommandBudget(self.limits)  # scripts, engine steps and time of this command

    def next_id(self) -> uuid.UUID:
        while True:
            self.counter += 1
            candidate = uuid.uuid5(self.namespace, str(self.counter))
            # Collision guard: never hand out an id already in the tree (e.g. a counter that was
            # rolled back by hand) or already issued in this command.
            known = self.workflow.tasks if self.workflow is not None else ()
            if candidate not in known and candidate not in self.issued:
                self.issued.add(candidate)
                return candidate

    def load_counter(self, workflow: Any) -> None:
        self.workflow = workflow
        self.counter = int(workflow.data.get(RESERVED_KEY, {}).get("task_seq", 0))

    def save_counter(self, workflow: Any) -> None:
        meta = dict(workflow.data.get(RESERVED_KEY, {}))
        meta["task_seq"] = self.counter
        workflow.data[RESERVED_KEY] = meta


def current() -> CommandContext | None:
    return getattr(_local, "ctx", None)


def _uuid4_shim() -> uuid.UUID:
    ctx = current()
    return ctx.next_id() if ctx is not None else _real_uuid4()


class _TimeShim:
    """Stands in for the `time` module inside SpiffWorkflow.task (only `.time()` is used there)."""

    @staticmethod
    def time() -> float:
        ctx = current()
        return ctx.at.timestamp() if ctx is not None else _real_time.time()

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_time, name)


_TIME_SHIM = _TimeShim()
spiff_task.uuid4 = _uuid4_shim
spiff_task.time = _TIME_SHIM


@contextmanager
def command(instance_id: str, at: datetime, calendar: WorkingCalendar,
            limits: Limits | None = None) -> Iterator[CommandContext]:
    """Run one engine command with deterministic ids, the command's clock and a budget."""
    require_aware(at)
    outer = current()
    ctx = CommandContext(instance_id, at, calendar, limits=limits)
    _local.ctx = ctx
    try:
        yield ctx
    except LimitExceeded as err:
        if err.instance_id is None:
            err.instance_id = instance_id
        raise
    finally:
        _local.ctx = outer
