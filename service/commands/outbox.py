"""What the engine reported while a unit of work ran: messages it threw, instances it completed.

Commands report here (commands.core.save); commands.reactions acts on the reports (start a
handover, switch the postings) before the unit of work commits, so no command has to know
which other command follows from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.core.principal import Grant, Principal
from service.persistence.models import HumanTask, ProcessInstance
from workflows.definitions import Definition


@dataclass(frozen=True)
class Reported:
    row: ProcessInstance
    definition: Definition  # the row's pinned definition, as the command restored it
    at: datetime
    actor: Principal
    grant: Grant | None
    thrown_messages: list[tuple[str, Any]]
    completed: bool  # the command took the instance from running to completed
    data: dict[str, Any]  # the instance's process data after the command
    # (cadre names, village names) by id that the command already read with the row
    known_names: tuple[dict[str, str], dict[str, str]] | None = None
    opened_tasks: list[HumanTask] = field(default_factory=list)  # tasks this command opened
    decision: str | None = None  # the decision the command completed a task with
    ended_as: str | None = None  # the status the command ended the instance in (running before)
    # open tasks the command closed without completing them (a withdrawal, a deadline), as they
    # stood before: their holders are told why the task went away
    cancelled_tasks: list[HumanTask] = field(default_factory=list)
    completed_task: HumanTask | None = None  # the task the command completed
    comment: str | None = None  # the event's comment (a decision's opinion, a withdrawal's reason)


_pending: ContextVar[list[Reported] | None] = ContextVar("cadreflow_reported", default=None)


@contextmanager
def collecting() -> Iterator[None]:
    """Collect reports for the duration of one unit of work."""
    token = _pending.set([])
    try:
        yield
    finally:
        _pending.reset(token)


def report(reported: Reported) -> None:
    pending = _pending.get()
    if pending is None:
        raise RuntimeError("engine reports outside a unit of work")
    pending.append(reported)


def take() -> list[Reported]:
    """The reports not yet acted on (and forget them)."""
    pending = _pending.get() or []
    taken = list(pending)
    pending.clear()
    return taken
