"""Tables whose rows are written once: history events and calendar entry versions.

The audit replay rebuilds what happened from them, so the code never updates or deletes a row:
an ORM update or delete, and a bulk UPDATE/DELETE statement naming the model, raise. On
PostgreSQL triggers refuse the same from any client (migrations 0002 and 0004).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session


class AppendOnlyViolation(RuntimeError):
    """An update or delete of a row in an append-only table."""


# model -> (exception class, message for a row, message for a bulk statement)
_GUARDED: dict[type, tuple[type[AppendOnlyViolation], Callable[[Any], str], str]] = {}


def _refuse_row(_mapper: Any, _connection: Any, target: Any) -> None:
    error, describe, _ = _GUARDED[type(target)]
    raise error(describe(target))


def _refuse_bulk(state: ORMExecuteState) -> None:
    # Bulk UPDATE/DELETE statements bypass the mapper events.
    if not (state.is_update or state.is_delete):
        return
    for mapper in state.all_mappers:
        guarded = _GUARDED.get(mapper.class_)
        if guarded is not None:
            raise guarded[0](guarded[2])


def guard_append_only(model: type, error: type[AppendOnlyViolation], describe: Callable[[Any], str],
                      bulk_message: str) -> None:
    """Refuse every ORM update or delete of `model` rows with `error`."""
    if model in _GUARDED:
        return
    _GUARDED[model] = (error, describe, bulk_message)
    event.listen(model, "before_update", _refuse_row)
    event.listen(model, "before_delete", _refuse_row)
    if not event.contains(Session, "do_orm_execute", _refuse_bulk):
        event.listen(Session, "do_orm_execute", _refuse_bulk)
