"""The hash chain: each event's hash covers its fields and the previous event's hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from workflows.canonical import standard_canonical

# Everything an auditor relies on; `event_hash` itself and the surrogate `id` are not hashed.
EVENT_HASH_FIELDS = (
    "instance_id", "seq", "at", "actor_login", "actor_role", "actor_scope", "kind", "inputs",
    "task_id", "task_spec_id", "decision", "comment", "state_hash", "prev_hash",
)


def iso_utc(at: datetime) -> str:
    if at.tzinfo is None:  # SQLite hands back naive UTC wall times
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat()


def event_fields(event: Any) -> dict[str, Any]:
    """The hashed fields of a stored HistoryEvent (or any object with those attributes)."""
    return {name: getattr(event, name) for name in EVENT_HASH_FIELDS}


def event_hash(event_fields: dict[str, Any], prev_hash: str | None) -> str:
    """sha256 over canonical JSON (sorted keys, UTF-8, times ISO 8601 UTC) of the hashed fields."""
    body = {}
    for name in EVENT_HASH_FIELDS:
        value = prev_hash if name == "prev_hash" else event_fields.get(name)
        if isinstance(value, datetime):
            value = iso_utc(value)
        body[name] = value
    # The standard library's text, always: an event body is small, and NaN in inputs is refused.
    return "sha256:" + hashlib.sha256(standard_canonical(body)).hexdigest()
