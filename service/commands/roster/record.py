"""The one way a roster command writes its change log entry: only what changed, or nothing."""

from __future__ import annotations

import re
from typing import Any

from service.commands.roster_log import append_roster_change, as_json_value, changed_fields
from service.core.principal import Principal
from service.persistence.models import RosterChange

SOURCES = ("api", "page", "demo", "migration")
IMPORT_SOURCE = re.compile(r"import:[0-9a-f]{64}")
# A posting an approved dispatch or a completed handover made or ended: the instance's id.
PROCESS_SOURCE = re.compile(r"process:[0-9a-f-]{1,36}")


def process_source(instance_id: str) -> str:
    source = f"process:{instance_id}"
    check_source(source)
    return source


def check_source(source: str) -> None:
    """A programming error, not a user's: the callers pass one of the documented sources."""
    if source not in SOURCES and not IMPORT_SOURCE.fullmatch(source) and not PROCESS_SOURCE.fullmatch(source):
        raise ValueError(f"unknown roster change source {source!r}")


def record(actor: Principal, actor_role: str | None, *, entity: str, entity_id: str, action: str,
           before: dict[str, Any] | None, after: dict[str, Any], source: str) -> RosterChange | None:
    """Append the change; a create logs every field, an update only the changed ones, and an
    update that changes nothing logs nothing (re-importing the same file changes nothing)."""
    if before is None:
        return append_roster_change(
            actor_login=actor.login, actor_role=actor_role, entity=entity, entity_id=entity_id,
            action=action, before=None, after={k: as_json_value(v) for k, v in after.items()},
            source=source)
    old, new = changed_fields(before, after)
    if not new:
        return None
    return append_roster_change(actor_login=actor.login, actor_role=actor_role, entity=entity,
                                entity_id=entity_id, action=action, before=old, after=new, source=source)
