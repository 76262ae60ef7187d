"""A command's row writes, sent to PostgreSQL together: one round trip instead of one each.

save() writes up to seven statements after its checks (instance state, the completed task, task
and timer projections, the history event) and needs no answer from any of them but the instance
row's count. Waiting for each answer in turn cost a round trip per statement, a third of a
completion on PostgreSQL. `write()` queues such a statement on the session's connection; the
queue goes out in psycopg's pipeline mode, all statements in one go, before anything else runs on
that connection (any other statement, the session's flush, COMMIT). So the statements still run in
the order they were written and before whatever follows them: only the waiting is shared.

A versioned write (`expect_one`) is checked once the pipeline has its answers: when it matched
no row, another transaction changed the row first and StaleDataError is raised, even if a later
statement of the batch then failed because of it (say, a history seq the winner took first).
A write that is never sent is never committed: the queue is dropped on rollback.

On SQLite (no round trips to save) and drivers without pipeline mode, `write()` runs at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from service.db_events import listen_once
from service.transaction_end import CONNECTIONS, WROTE

QUEUE = "cadreflow.queued_writes"


@dataclass(frozen=True)
class _Write:
    statement: sa.Executable
    parameters: Any
    expect_one: str | None  # raise StaleDataError(expect_one) unless exactly one row matched


def pipelines(conn: Connection) -> bool:
    """The connection's driver can send statements without waiting for each answer."""
    return conn.dialect.name == "postgresql" and hasattr(conn.connection.driver_connection, "pipeline")


def write(conn: Connection, statement: sa.Executable, parameters: Any = None, *,
          expect_one: str | None = None) -> None:
    """Run a write whose result nobody reads, in the connection's transaction: queued where the
    driver pipelines (sent before the next statement or the commit), else now. The statement
    must not return rows (an INSERT of a row whose key the database generates: `.inline()`)."""
    if not pipelines(conn):
        result = conn.execute(statement, parameters)
        if expect_one is not None and result.rowcount != 1:
            raise StaleDataError(expect_one)
        return
    if not conn.in_transaction():
        conn.begin()  # as executing would: the commit that ends it sends the queue
    conn.info.setdefault(QUEUE, []).append(_Write(statement, parameters, expect_one))
    conn.info[WROTE] = True  # the transaction wrote: never end it with a read-only COMMIT


def queued(conn: Connection) -> int:
    return len(conn.info.get(QUEUE, ()))


def send_queued(conn: Connection) -> None:
    """Send the connection's queued writes in one pipeline and check their versioned counts."""
    writes = conn.info.pop(QUEUE, None)
    if not writes:
        return
    import psycopg  # only a pipelining connection gets here

    guarded: list[tuple[Any, str]] = []
    failure: BaseException | None = None
    try:
        with conn.connection.driver_connection.pipeline():
            try:
                for queued_write in writes:
                    result = conn.execute(queued_write.statement, queued_write.parameters)
                    if queued_write.expect_one is not None:
                        # SQLAlchemy read the count before the answer came; the DB-API cursor
                        # receives it when the pipeline syncs.
                        guarded.append((result.context.cursor, queued_write.expect_one))
            except sa.exc.DBAPIError as err:  # an answer that arrived while sending: wrapped already
                failure = err
    except psycopg.Error as err:  # an answer that arrived at the sync, past SQLAlchemy
        if failure is None:
            failure = sa.exc.DBAPIError.instance(
                None, None, err, psycopg.Error, dialect=conn.dialect)
    for cursor, message in guarded:
        if cursor.rowcount == 0:  # it ran and matched no row: whatever failed after it, it was first
            raise StaleDataError(message) from failure
    if failure is not None:
        raise failure
    for cursor, message in guarded:
        if cursor.rowcount != 1:  # a count we could not read: never commit a write we could not check
            raise StaleDataError(f"{message} (row count unknown: {cursor.rowcount})")


def _send_before_statement(conn: Connection, *_args: Any) -> None:
    if QUEUE in conn.info:
        send_queued(conn)


def _send_before_commit(session: Session) -> None:
    for conn in session.info.get(CONNECTIONS, ()):
        send_queued(conn)


def _send_at_commit(conn: Connection) -> None:
    # The session sends its queue before it commits; this is for a connection committed directly.
    send_queued(conn)


def _drop_queue(conn: Connection) -> None:
    conn.info.pop(QUEUE, None)


def _drop_queue_at_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(QUEUE, None)


def install_deferred_writes(engine: Engine) -> None:
    listen_once(engine, {"before_execute": _send_before_statement, "commit": _send_at_commit,
                         "rollback": _drop_queue, "checkin": _drop_queue_at_checkin})
    listen_once(Session, {"before_commit": _send_before_commit})
