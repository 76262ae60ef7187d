"""A pooled PostgreSQL connection is checked before each use without a round trip.

The pool's pre-ping sent an empty query and waited for its answer at every checkout: one round
trip per request, as much as a statement. A connection the server closed (restart, failover,
pg_terminate_backend, an idle timeout) has already told us so: the server sends its FATAL
message and closes the socket, so the idle socket has something to read. An idle connection in
good health has nothing to read (this service neither LISTENs nor changes settings that report
back), so a readable socket, or one psycopg knows is closed or broken, makes the pool throw the
connection away and open another before the request uses it.
"""

from __future__ import annotations

import select
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from service.persistence.db_events import listen_once


def _socket_has_input(fileno: int) -> bool:
    poller = select.poll()
    poller.register(fileno, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


def check_alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool "checkout" hook: DisconnectionError (the pool then connects anew) for a dead one."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection was closed")
    if _socket_has_input(dbapi_connection.fileno()):
        raise DisconnectionError("the server closed the connection or sent something while it was idle")


def install_liveness_check(engine: Engine) -> None:
    if engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg":
        listen_once(engine, {"checkout": check_alive})
