"""Reads a request announces before it authenticates, sent in the round trip of the token lookup.

A task completion reads its task with its instance right after the bearer token's lookup; on
PostgreSQL each read is a round trip of its own. An endpoint can announce the read it is going to
make (`read_ahead`); the token lookup (service/raw_reads.py) then sends it in the same pipeline,
after its own statement, and keeps the row here until the command reads the same statement with
the same parameters (service/raw_loads.py), which then takes the kept row instead of asking again.

Nothing is decided from a row read ahead before the command reads it: authentication comes
first, and a refused request drops the row unseen. A kept row is only used in the transaction it
was read in and before anything is written on its connection: a write, a commit or a rollback
drops what was kept. Elsewhere (SQLite, another driver) an announcement does nothing.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from service.persistence.db_events import listen_once

ANNOUNCED = "cadreflow.read_ahead"
KEPT = "cadreflow.read_ahead_rows"
_NOT_KEPT = object()


def _key(statement: sa.Select, parameters: Mapping[str, Any]) -> Hashable:
    return (statement, tuple(sorted(parameters.items())))


def read_ahead(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any]) -> None:
    """Announce a read of the statement's first row (sent with the connection's next raw read)."""
    conn.info.setdefault(ANNOUNCED, []).append((statement, dict(parameters)))


def announced(conn: Connection) -> list[tuple[sa.Select, dict[str, Any]]]:
    """The announced reads, taken off the connection (whoever takes them sends them)."""
    return conn.info.pop(ANNOUNCED, [])


def keep(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any], row: Any) -> None:
    conn.info.setdefault(KEPT, {})[_key(statement, parameters)] = row


def take(conn: Connection, statement: sa.Select, parameters: Mapping[str, Any]) -> Any:
    """The row kept for this read (None: it found no row), or _NOT_KEPT; a row is taken once."""
    kept = conn.info.get(KEPT)
    if not kept:
        return _NOT_KEPT
    return kept.pop(_key(statement, parameters), _NOT_KEPT)


def was_kept(row: Any) -> bool:
    return row is not _NOT_KEPT


def _forget(conn: Connection, *_args: Any) -> None:
    conn.info.pop(ANNOUNCED, None)
    conn.info.pop(KEPT, None)


def _forget_after_a_write(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if KEPT in conn.info and statement.lstrip()[:6].upper() != "SELECT":
        conn.info.pop(KEPT, None)


def _forget_at_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(ANNOUNCED, None)
    record.info.pop(KEPT, None)


def install_read_ahead(engine: Engine) -> None:
    listen_once(engine, {"commit": _forget, "rollback": _forget, "checkin": _forget_at_checkin,
                         "before_cursor_execute": _forget_after_a_write})
