"""Statements sent to psycopg as SQLAlchemy would send them, without its execution around each one
(30-60 µs apiece on PostgreSQL, as long as the server's own work for a small statement): the
queued writes (service/deferred_writes.py), the token lookup (service/raw_reads.py) and the
task read of a completion (service/raw_loads.py).

A statement's raw form is SQLAlchemy's own compilation, and its parameters go through the same
type processing (UTC datetimes, JSON); only statements whose every parameter comes from the
caller qualify. One with column defaults computed in Python, IN lists expanded at execution or
renamed parameters has no raw form (`raw_form` returns None) and is executed by SQLAlchemy as
before. `execute_raw` lets the connection's listeners see each statement, and `round_trip` keeps
SQLAlchemy's transaction rules: it begins the transaction as SQLAlchemy's autobegin would, sends
BEGIN with the first statement (service/pipelined_begin.py) and raises driver errors as
SQLAlchemy's (IntegrityError, OperationalError, ...).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from service.persistence.pipelined_begin import BEGIN, begin_due


@dataclass(frozen=True)
class RawForm:
    sql: str
    compiled: SQLCompiler
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The driver's parameters for one row of `values` (every bind filled in, types processed)."""
        params = self.compiled.construct_params(dict(values))
        for name, process in self.processors:
            params[name] = process(params[name])
        return params


@functools.lru_cache(maxsize=256)
def raw_form(statement: sa.Executable, keys: tuple[str, ...], dialect: Dialect) -> RawForm | None:
    """`statement` run with parameters named `keys` (sorted), compiled for `dialect`; None when
    SQLAlchemy has to take part in its execution. Meant for statements built once and reused
    (the cache holds them by identity)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    if not isinstance(compiled, SQLCompiler) or compiled.positiontup is not None:
        return None
    # (a SELECT's compiler has no postfetch list: only DML statements do)
    if any(getattr(compiled, needs_sqlalchemy, None) for needs_sqlalchemy in (
            "insert_prefetch", "update_prefetch", "postfetch", "returning", "escaped_bind_names",
            "literal_execute_params", "post_compile_params")):
        return None
    processors = []
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((name, process))
    return RawForm(compiled.string, compiled, tuple(processors))


def execute_raw(conn: Connection, cursor: Any, sql: str, parameters: Any, *, many: bool = False) -> None:
    """cursor.execute (executemany), seen by the connection's listeners (SQLAlchemy allows a None
    context there) and echoed when the engine echoes."""
    conn.dispatch.before_cursor_execute(conn, cursor, sql, parameters, None, many)
    if conn.engine.echo:
        conn.engine.logger.info("%s\n[sent without SQLAlchemy] %r", sql, parameters)
    if many:
        cursor.executemany(sql, parameters)
    else:
        cursor.execute(sql, parameters)
    conn.dispatch.after_cursor_execute(conn, cursor, sql, parameters, None, many)


@contextmanager
def round_trip(conn: Connection, sql: str | None, *, pipeline: bool = False) -> Iterator[Any]:
    """The psycopg connection, for statements sent raw in `conn`'s transaction; in a pipeline when
    BEGIN is due or `pipeline` (their answers are in once the block ends). `sql` names the
    statement in a driver error, raised as SQLAlchemy's."""
    import psycopg

    if not conn.in_transaction():
        conn.begin()  # as SQLAlchemy's own execution would (autobegin): its commit ends it
    driver = conn.connection.driver_connection
    try:
        begin = begin_due(conn)
        if begin or pipeline:
            with driver.pipeline():
                if begin:  # the transaction's first statement: BEGIN rides along
                    driver.execute(BEGIN)
                yield driver
        else:
            yield driver
    except psycopg.Error as err:
        raise sa.exc.DBAPIError.instance(sql, None, err, psycopg.Error, dialect=conn.dialect) from err
