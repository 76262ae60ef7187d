"""Append-only, hash-chained history of every command (issue 5): the only writer of history_events."""

from service.persistence.history.append import append_event, last_event
from service.persistence.history.chain import EVENT_HASH_FIELDS, event_fields, event_hash
from service.persistence.history.commands import COMMAND_KIND_BY_EVENT, canonical, to_command

__all__ = [
    "COMMAND_KIND_BY_EVENT",
    "EVENT_HASH_FIELDS",
    "append_event",
    "canonical",
    "event_fields",
    "event_hash",
    "last_event",
    "to_command",
]
