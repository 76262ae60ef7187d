"""A support record's change, appended to the roster change log (the one hash chain auditors
verify with `cadreflow audit verify-roster` or GET /api/v1/audit/roster-changes/verify)."""

from __future__ import annotations

from typing import Any

from service.commands.roster.record import record
from service.core.principal import Grant, Principal


def log_change(actor: Principal, grant: Grant, entity: str, row_id: int, before: dict[str, Any] | None,
               after: dict[str, Any], source: str) -> None:
    """A create logs every field, an update the changed ones; one that changes nothing, nothing."""
    record(actor, grant.role, entity=entity, entity_id=str(row_id),
           action="create" if before is None else "update", before=before, after=after, source=source)
