"""libpq protocol traces of a PostgreSQL connection, to count the times a test waited for the server."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any


def start_trace(sa_connection: Any, path: str) -> Callable[[], None]:
    """Trace the connection's protocol messages into `path`; returns the function that stops it."""
    pgconn = sa_connection.connection.driver_connection.pgconn
    pgconn.trace(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC))
    return pgconn.untrace


def traced(sa_connection: Any, path: str, action: Callable[[], Any]) -> list[tuple[str, str, str]]:
    """The messages exchanged on the connection while `action()` ran."""
    untrace = start_trace(sa_connection, path)
    try:
        action()
    finally:
        untrace()
    return messages(path)


def messages(path: str) -> list[tuple[str, str, str]]:
    """(F from us | B from the server, message type, contents) for each traced message."""
    with open(path, encoding="utf-8", errors="replace") as trace:
        fields = [line.rstrip("\n").split("\t") for line in trace]
    # a message's contents may run over several lines (a row holding a newline): those are skipped
    return [(f[1], f[3], f[4].strip() if len(f) > 4 else "") for f in fields
            if len(f) >= 4 and f[1] in ("F", "B")]


def waits(traced: list[tuple[str, str, str]]) -> list[int]:
    """Indexes of the server's ReadyForQuery messages: each ends one wait for the server."""
    return [i for i, (side, kind, _) in enumerate(traced) if (side, kind) == ("B", "ReadyForQuery")]


def completed(traced: list[tuple[str, str, str]]) -> list[str]:
    """The command tags the server answered, in order ('"BEGIN"', '"SELECT 1"', ...)."""
    return [text for side, kind, text in traced if (side, kind) == ("B", "CommandComplete")]
