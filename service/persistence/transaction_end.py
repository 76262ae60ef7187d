"""End a request's read-only transaction with COMMIT instead of the pool's ROLLBACK.

psycopg forgets every prepared statement of a connection whenever a ROLLBACK runs on it, and
the pool rolls back whatever transaction a request leaves open (every page, every GET, every
response read after a command's commit). With a ROLLBACK every few requests, the statements
each command repeats never reach psycopg's prepare threshold and are parsed and planned anew
every time. A transaction that wrote nothing ends the same way with COMMIT, and keeps them.

"Wrote nothing" is decided per connection from what it executed: any statement other than a
SELECT (a flush, a bulk UPDATE, a savepoint...) leaves the transaction to the usual rollback, as
do pending ORM changes and a request that ended with an unhandled exception. A command refused
before it wrote (unit_of_work: not found, forbidden, a conflict seen in what it read) ends its
read-only transaction with COMMIT too: every 4xx would otherwise cost the connection its
prepared statements.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

from service.persistence.db import db
from service.persistence.db_events import listen_once

WROTE = "cadreflow.wrote"
CONNECTIONS = "cadreflow.connections"
log = logging.getLogger(__name__)


def _note_statement(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement.lstrip()[:6].upper() != "SELECT":
        conn.info[WROTE] = True


def _transaction_ended(conn: Connection) -> None:
    conn.info.pop(WROTE, None)


def _checked_in(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(WROTE, None)  # the pool's reset has ended whatever was left open


def _note_connection(session: Session, _transaction: SessionTransaction, conn: Connection) -> None:
    session.info.setdefault(CONNECTIONS, []).append(conn)


def _forget_connections(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(CONNECTIONS, None)


def read_only(session: Session) -> bool:
    """The session holds an open transaction in which nothing was written or is pending."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return False
    connections = session.info.get(CONNECTIONS, [])
    return bool(connections) and not any(c.info.get(WROTE) for c in connections)


def end_transaction(session: Session) -> None:
    """End the session's transaction: COMMIT when it only read, else ROLLBACK. Used where a
    transaction is abandoned (a command refused on what it read: 404, 403, 409, 422...)."""
    if read_only(session):
        _commit_read_only(session)
    else:
        session.rollback()


def _commit_read_only(session: Session) -> None:
    expire, session.expire_on_commit = session.expire_on_commit, False  # nothing changed: keep the objects
    try:
        session.commit()
    except Exception:  # nothing to keep: never fail the caller here
        log.warning("ending a read-only transaction with COMMIT failed", exc_info=True)
        session.rollback()
    finally:
        session.expire_on_commit = expire


def _end_read_only_transaction(exc: BaseException | None) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if read_only(session):  # anything else is left to the pool's rollback
        _commit_read_only(session)


def install_read_only_commit(app: Flask) -> None:
    """Register after db.init_app(app): teardowns run in reverse order, so this one runs before
    Flask-SQLAlchemy's own (which removes the session)."""
    with app.app_context():
        listen_once(db.engine, {"before_cursor_execute": _note_statement, "commit": _transaction_ended,
                                "rollback": _transaction_ended, "checkin": _checked_in})
    listen_once(Session, {"after_begin": _note_connection, "after_transaction_end": _forget_connections})
    app.teardown_appcontext(_end_read_only_transaction)
