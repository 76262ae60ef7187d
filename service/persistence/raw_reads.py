"""Plain-row reads sent to psycopg as SQLAlchemy would send them, without its execution around
them: the bearer token's lookup runs on every API request, and SQLAlchemy's part of it (about
60 µs on PostgreSQL) was as long as the server's.

A read qualifies when its statement has a raw form (service/raw_statements.py) and none of its
columns needs SQLAlchemy to convert what the driver returns; anything else, any other driver,
and a connection with writes still queued (they must go first: service/deferred_writes.py)
read through SQLAlchemy as before. Listeners see the statement either way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect

from service.persistence.deferred_writes import ready_for_raw_reads
from service.persistence.raw_statements import RawForm, execute_raw, raw_form, round_trip
from service.persistence.read_ahead import announced, keep


@functools.lru_cache(maxsize=64)
def _plain_columns(statement: sa.Select, dialect: Dialect) -> bool:
    """Every selected column arrives from the driver as SQLAlchemy would return it."""
    return all(column.type.dialect_impl(dialect).result_processor(dialect, None) is None
               for column in statement.selected_columns)


def read_rows(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any]) -> Sequence[Any]:
    """All rows of `statement` (attribute access by column name), in the connection's transaction.
    Reads announced ahead on the connection (service/read_ahead.py) go in the same round trip."""
    ahead = announced(conn)
    form = _direct_form(conn, statement, parameters)
    if form is None:
        return conn.execute(statement, dict(parameters)).all()
    from psycopg.rows import namedtuple_row

    values = form.parameters(parameters)
    sent_ahead: list[tuple[sa.Select, dict[str, Any], Any]] = []
    # one round trip: BEGIN when due, this read, the reads announced
    with round_trip(conn, form.sql, pipeline=bool(ahead)) as driver:
        cursor = driver.cursor(row_factory=namedtuple_row)
        execute_raw(conn, cursor, form.sql, values)
        for ahead_statement, ahead_parameters in ahead:
            ahead_form = raw_form(ahead_statement, tuple(sorted(ahead_parameters)), conn.dialect)
            if ahead_form is not None:
                ahead_cursor = driver.cursor()
                execute_raw(conn, ahead_cursor, ahead_form.sql, ahead_form.parameters(ahead_parameters))
                sent_ahead.append((ahead_statement, ahead_parameters, ahead_cursor))
    for ahead_statement, ahead_parameters, ahead_cursor in sent_ahead:
        keep(conn, ahead_statement, ahead_parameters, ahead_cursor.fetchone())
    return cursor.fetchall()


def _direct_form(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any]) -> RawForm | None:
    if not ready_for_raw_reads(conn) or not _plain_columns(statement, conn.dialect):
        return None
    return raw_form(statement, tuple(sorted(parameters)), conn.dialect)
