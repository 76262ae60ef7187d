"""A transaction's BEGIN travels with its first statement: one round trip instead of two.

psycopg starts a transaction by sending BEGIN and waiting for its answer before the first
statement, even in pipeline mode: a round trip of its own in every request, as long as a
statement's. Here psycopg's connections are in autocommit mode, so it never sends BEGIN itself,
and SQLAlchemy's transactions are kept by sending BEGIN ourselves, queued in psycopg's pipeline
mode together with the first statement of the transaction, whose answer both wait for.

Whether a BEGIN is due is read off the state of both sides, never remembered: SQLAlchemy's
connection is in a transaction (not an AUTOCOMMIT one) while the server's session is idle, that
is outside any transaction. COMMIT and ROLLBACK are unchanged: psycopg's commit() and rollback()
end whatever transaction the server's session is in. A transaction in which nothing ran sends
nothing at all.

A connection switched out of autocommit (SQLAlchemy does that to restore its isolation level
after an AUTOCOMMIT execution option) gets psycopg's own BEGIN again: slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from psycopg.pq import PipelineStatus, TransactionStatus
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.engine.interfaces import DBAPICursor, ExecutionContext

from service.persistence.db_events import listen_once

BEGIN = b"BEGIN"
COMMIT = b"COMMIT"


def begin_due(conn: Connection, execution_options: Mapping[str, Any] | None = None) -> bool:
    """A statement about to run on `conn` must be preceded by a BEGIN we send (its driver is in
    autocommit mode and outside a transaction, while SQLAlchemy's connection is inside one)."""
    driver = conn.connection.driver_connection
    options = conn.get_execution_options() if execution_options is None else execution_options
    return bool(getattr(driver, "autocommit", False)
                and driver.info.transaction_status == TransactionStatus.IDLE
                and conn.in_transaction() and options.get("isolation_level") != "AUTOCOMMIT")


def _run_after_begin(cursor: DBAPICursor, context: ExecutionContext, run: Any) -> bool:
    """Run the statement (`run()`) after a BEGIN sent in the same pipeline, when one is due.
    True when it ran here (SQLAlchemy then leaves it be), False to let SQLAlchemy run it."""
    if not begin_due(context.root_connection, context.execution_options):  # type: ignore[attr-defined]
        return False
    driver = cursor.connection  # type: ignore[attr-defined]
    if driver.pgconn.pipeline_status != PipelineStatus.OFF:
        # Inside a pipeline already (deferred_writes sends its queue so): the BEGIN joins it.
        driver.execute(BEGIN)
        return False
    with driver.pipeline():  # leaving it waits for both answers, and raises the first error
        driver.execute(BEGIN)
        run()
    return True


def _execute(cursor: DBAPICursor, statement: str, parameters: Any, context: ExecutionContext) -> bool:
    return _run_after_begin(cursor, context, lambda: cursor.execute(statement, parameters))


def _execute_no_params(cursor: DBAPICursor, statement: str, context: ExecutionContext) -> bool:
    return _run_after_begin(cursor, context, lambda: cursor.execute(statement))


def _executemany(cursor: DBAPICursor, statement: str, parameters: Any, context: ExecutionContext) -> bool:
    return _run_after_begin(cursor, context, lambda: cursor.executemany(statement, parameters))


def _autocommit(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.autocommit = True


def install_pipelined_begin(engine: Engine) -> None:
    """For psycopg engines: autocommit at the driver, BEGIN sent with each transaction's first
    statement. Both go together (a driver in autocommit without these hooks would commit every
    statement on its own), so this is the only place that sets autocommit."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    listen_once(engine, {"connect": _autocommit, "do_execute": _execute,
                         "do_execute_no_params": _execute_no_params, "do_executemany": _executemany})
