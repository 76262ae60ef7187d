"""Plain-row reads sent to psycopg as SQLAlchemy would send them, without its execution around
them: the bearer token's lookup runs on every API request, and SQLAlchemy's part of it (about
60 µs on PostgreSQL) was as long as the server's.

A read qualifies when its statement has a raw form (service/raw_writes.py) and none of its
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

from service.deferred_writes import QUEUE, pipelines
from service.pipelined_begin import BEGIN, begin_due
from service.raw_writes import RawForm, raw_form


@functools.lru_cache(maxsize=64)
def _plain_columns(statement: sa.Select, dialect: Dialect) -> bool:
    """Every selected column arrives from the driver as SQLAlchemy would return it."""
    return all(column.type.dialect_impl(dialect).result_processor(dialect, None) is None
               for column in statement.selected_columns)


def read_rows(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any]) -> Sequence[Any]:
    """All rows of `statement` (attribute access by column name), in the connection's transaction."""
    form = _direct_form(conn, statement, parameters)
    if form is None:
        return conn.execute(statement, dict(parameters)).all()
    from psycopg.rows import namedtuple_row

    driver = conn.connection.driver_connection
    cursor = driver.cursor(row_factory=namedtuple_row)
    values = form.parameters(parameters)
    conn.dispatch.before_cursor_execute(conn, cursor, form.sql, values, None, False)
    if conn.engine.echo:
        conn.engine.logger.info("%s\n[without SQLAlchemy] %r", form.sql, values)
    try:
        if begin_due(conn):  # the transaction's first statement: BEGIN rides along (pipelined_begin.py)
            with driver.pipeline():
                driver.execute(BEGIN)
                cursor.execute(form.sql, values)
        else:
            cursor.execute(form.sql, values)
        rows = cursor.fetchall()
    except Exception as err:
        import psycopg

        if isinstance(err, psycopg.Error):
            raise sa.exc.DBAPIError.instance(form.sql, values, err, psycopg.Error,
                                             dialect=conn.dialect) from err
        raise
    conn.dispatch.after_cursor_execute(conn, cursor, form.sql, values, None, False)
    return rows


def _direct_form(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any]) -> RawForm | None:
    if not pipelines(conn) or conn.info.get(QUEUE) or not _plain_columns(statement, conn.dialect):
        return None
    return raw_form(statement, tuple(sorted(parameters)), conn.dialect)
