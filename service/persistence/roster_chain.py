"""The roster change log's hash chain: each change's hash covers its fields and the previous hash."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from service.persistence.history.chain import iso_utc
from workflows.canonical import standard_canonical

# Everything an auditor relies on; change_hash itself is not hashed. The id is: it orders the chain.
CHANGE_HASH_FIELDS = (
    "id", "at", "actor_login", "actor_role", "entity", "entity_id", "action", "before", "after",
    "source", "prev_hash",
)


def change_hash(fields: dict[str, Any]) -> str:
    """sha256 over canonical JSON (sorted keys, UTF-8, times ISO 8601 UTC) of the hashed fields."""
    body = {}
    for name in CHANGE_HASH_FIELDS:
        value = fields.get(name)
        body[name] = iso_utc(value) if isinstance(value, datetime) else value
    return "sha256:" + hashlib.sha256(standard_canonical(body)).hexdigest()
