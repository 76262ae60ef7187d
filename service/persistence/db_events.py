"""listen_once: register SQLAlchemy event listeners that app factories may install repeatedly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event


def listen_once(target: Any, listeners: dict[str, Callable[..., Any]]) -> None:
    """Listen to each event with its function, unless already listening (every create_app() on
    the same engine, or on the Session class, would otherwise add it again)."""
    for name, listener in listeners.items():
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
