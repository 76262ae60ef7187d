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
from sqlalchemy.orm.exc import StaleDataError

from service.persistence.db_events import listen_once
from service.persistence.pipelined_begin import COMMIT
from service.persistence.raw_statements import execute_raw, raw_form, round_trip
from service.persistence.transaction_end import WROTE

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


def send_queued(conn: Connection, *, commit: bool = False) -> None:
    """Send the connection's queued writes in one pipeline and check their versioned counts.
    `commit`: the transaction ends here; its COMMIT joins the pipeline when the database itself
    refuses a stale versioned write (see _send), else it is left to the driver's commit()."""
    writes = conn.info.pop(QUEUE, None)
    if not writes:
        return
    import psycopg  # only a pipelining connection gets here

    guarded: list[_Guarded] = []
    failure: BaseException | None = None
    sending: _Write | None = None
    try:
        # BEGIN rides along when these are the transaction's first statements
        with round_trip(conn, None, pipeline=True) as driver:
            try:
                for queued_write in writes:
                    sending = queued_write
                    cursor, on_server = _send(conn, queued_write)
                    if queued_write.expect_one is not None:
                        # The count is on the DB-API cursor once the pipeline syncs.
                        guarded.append(_Guarded(cursor, queued_write.expect_one, on_server))
                sending = None
                if commit and driver.autocommit and all(g.on_server for g in guarded):
                    driver.execute(COMMIT)  # skipped by the server if anything before it failed
            except sa.exc.DBAPIError as err:  # an answer that arrived while sending: wrapped already
                failure = err
            except psycopg.Error as err:  # the same, for a statement sent without SQLAlchemy
                failure = _wrapped(conn, err, sending)
    except sa.exc.DBAPIError as err:  # an answer that arrived at the sync (wrapped by round_trip)
        if failure is None:
            failure = err
    for guard in guarded:
        if guard.stale(failure):  # it ran and matched no row: whatever failed after it, it was first
            raise StaleDataError(guard.message) from failure
    if failure is not None:
        raise failure
    for guard in guarded:
        if guard.cursor.rowcount != 1:  # a count we could not read: never commit a write we could not check
            raise StaleDataError(f"{guard.message} (row count unknown: {guard.cursor.rowcount})")


@dataclass(frozen=True)
class _Guarded:
    cursor: Any
    message: str
    # True: sent as _GUARDED, so that the database fails it (and the transaction) on no row
    on_server: bool

    def stale(self, failure: BaseException | None) -> bool:
        if not self.on_server:
            return self.cursor.rowcount == 0
        code = getattr(getattr(failure, "orig", None), "sqlstate", None)
        return code == DIVISION_BY_ZERO and self.cursor.rowcount != 1


# A versioned write that matched no row divides by zero: the database aborts the transaction at
# once, so a COMMIT sent behind it in the same pipeline cannot keep the writes around it.
_GUARDED = "WITH guarded_write AS ({} RETURNING 1) SELECT 1 / count(*) FROM guarded_write"
DIVISION_BY_ZERO = "22012"


def _send(conn: Connection, queued_write: _Write) -> tuple[Any, bool]:
    """Send one queued write in the open pipeline (its raw form when it has one, else through
    SQLAlchemy). Returns the DB-API cursor that will hold its count, and whether a versioned
    write was sent so that the database refuses it on no row (_GUARDED)."""
    rows = queued_write.parameters
    many = isinstance(rows, list)
    first = (rows[0] if many else rows) or {}
    form = raw_form(queued_write.statement, tuple(sorted(first)), conn.dialect)
    if form is None:
        return conn.execute(queued_write.statement, rows).context.cursor, False
    on_server = queued_write.expect_one is not None and not many
    sql = _GUARDED.format(form.sql) if on_server else form.sql
    cursor = conn.connection.driver_connection.cursor()
    parameters = [form.parameters(row) for row in rows] if many else form.parameters(first)
    execute_raw(conn, cursor, sql, parameters, many=many)
    return cursor, on_server


def _wrapped(conn: Connection, err: Exception, sending: _Write | None) -> sa.exc.DBAPIError:
    """A driver error as SQLAlchemy raises it (IntegrityError, OperationalError, ...), naming the
    statement being sent when it came."""
    import psycopg

    statement = str(sending.statement.compile(dialect=conn.dialect)) if sending is not None else None
    parameters = sending.parameters if sending is not None else None
    return sa.exc.DBAPIError.instance(statement, parameters, err, psycopg.Error, dialect=conn.dialect)


def ready_for_raw_reads(conn: Connection) -> bool:
    """A read may go to the driver directly: it pipelines and no write is waiting to go first."""
    return pipelines(conn) and not conn.info.get(QUEUE)


def _send_before_statement(conn: Connection, *_args: Any) -> None:
    if QUEUE in conn.info:
        send_queued(conn)


def _send_at_commit(conn: Connection) -> None:
    # Every commit passes here once the session has flushed (a flush's statements send the queue
    # first): what is still queued goes out with the COMMIT.
    send_queued(conn, commit=True)


def _drop_queue(conn: Connection) -> None:
    conn.info.pop(QUEUE, None)


def _drop_queue_at_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(QUEUE, None)


def install_deferred_writes(engine: Engine) -> None:
    listen_once(engine, {"before_execute": _send_before_statement, "commit": _send_at_commit,
                         "rollback": _drop_queue, "checkin": _drop_queue_at_checkin})
