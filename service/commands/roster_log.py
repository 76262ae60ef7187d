"""append_roster_change: the only writer of the roster change log (who, when, before, after)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from service.core.clock import now
from service.persistence.db import db
from service.persistence.models import RosterChange
from service.persistence.roster_chain import change_hash


def as_json_value(value: Any) -> Any:
    """Dates as ISO text, lists element-wise: the log holds plain JSON, hashed canonically."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [as_json_value(v) for v in value]
    return value


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields whose value differs, before and after, as JSON values."""
    names = [name for name in after if as_json_value(before.get(name)) != as_json_value(after[name])]
    return ({n: as_json_value(before.get(n)) for n in names}, {n: as_json_value(after[n]) for n in names})


def append_roster_change(*, actor_login: str, actor_role: str | None, entity: str, entity_id: str,
                         action: str, before: dict[str, Any] | None, after: dict[str, Any] | None,
                         source: str | None) -> RosterChange:
    """Append one change in the caller's transaction, linked to the last change of the log.

    Two transactions appending at once read the same last hash; the unique prev_hash lets the first
    commit and turns the second into an IntegrityError, which unit_of_work answers with a 409."""
    last_id, last_hash = _head()
    fields: dict[str, Any] = {
        "id": last_id + 1, "at": now(), "actor_login": actor_login,
        "actor_role": actor_role, "entity": entity, "entity_id": entity_id, "action": action,
        "before": before, "after": after, "source": source, "prev_hash": last_hash,
    }
    row = RosterChange(**fields, change_hash=change_hash(fields))
    db.session.add(row)
    return row


def _head() -> tuple[int, str | None]:
    """The id and hash of the log's last change as this transaction sees it: its own latest
    append while that is still pending (an import appends thousands in one transaction, and
    reading it back would flush every row on its own), else the last stored one."""
    pending = [row for row in db.session.new if isinstance(row, RosterChange)]
    if pending:
        last = max(pending, key=lambda row: row.id)
        return last.id, last.change_hash
    with db.session.no_autoflush:  # nothing of the log is pending: the table holds the head
        stored = db.session.execute(
            sa.select(RosterChange.id, RosterChange.change_hash).order_by(RosterChange.id.desc()).limit(1)
        ).first()
    return (stored.id, stored.change_hash) if stored else (0, None)
