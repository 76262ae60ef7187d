"""Row UPDATEs as plain statements whose values become the ORM object's committed state:
write_versioned (an instance row, guarded by its revision) and write_columns (any row by id)."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from service.persistence.db import db
from service.persistence.deferred_writes import write
from service.persistence.models import ProcessInstance

INSTANCES: sa.Table = ProcessInstance.__table__


@functools.cache
def update_by_id(table: sa.Table, versioned: bool = False) -> sa.Update:
    """UPDATE `table` WHERE id = :row_id (and revision = :row_revision), built once: the columns
    to set are the other keys of the parameters it runs with. A statement object that is reused
    also keeps its cache key, so SQLAlchemy finds the compiled SQL without rebuilding anything."""
    statement = table.update().where(table.c.id == sa.bindparam("row_id"))
    if versioned:
        statement = statement.where(table.c.revision == sa.bindparam("row_revision"))
    return statement


def write_versioned(row: ProcessInstance, values: dict[str, Any]) -> None:
    """UPDATE `row` with `values` and the next revision, WHERE its revision is still the one
    this session read; StaleDataError (409) when another transaction changed it first: raised
    here, or where the write is sent (service/deferred_writes.py: on PostgreSQL the statement
    goes out with the command's other writes, before the next statement or the commit).

    The values become the row object's committed state, as if the ORM had flushed them: its
    unit of work has nothing left to write for them (it would spend more time deciding how than
    the statement takes), and a later ORM flush of the row checks against the new revision.
    """
    if db.session.is_modified(row):
        db.session.flush()  # changes made to the row before this write go out first, in order
    revision = row.revision
    write(db.session.connection(), update_by_id(INSTANCES, versioned=True),
          {**values, "revision": revision + 1, "row_id": row.id, "row_revision": revision},
          expect_one=f"process_instances {row.id}: revision {revision} was changed by another transaction")
    _committed(row, {**values, "revision": revision + 1})


def write_columns(row: Any, values: dict[str, Any]) -> None:
    """UPDATE the row with `values` (by its `id`; sent as service/deferred_writes.py sends it) and
    keep them as its committed state."""
    write(db.session.connection(), update_by_id(row.__table__), {**values, "row_id": row.id})
    _committed(row, values)


def _committed(row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        set_committed_value(row, name, value)
