"""state_at: an instance as it stood at a moment, rebuilt by replaying its events up to then."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from service.audit.events import instance_events
from service.audit.replayer import Replayer, start_definition_id
from service.core.bounds import check_moment
from service.core.errors import Conflict, NotFound
from service.core.labels import ROLE_NAMES, STATUS_NAMES, TIMER_WHAT
from service.persistence.db import db
from service.persistence.models import ProcessDefinition, ProcessInstance, User, UserRole
from service.persistence.runtime import definition_of
from workflows.determinism import RESERVED_KEY


class InstanceNotStarted(Exception):
    """TIME lies before the instance's first event."""


def state_at(instance_id: str, at: datetime, replayer: Replayer | None = None) -> dict[str, Any]:
    row = db.session.get(ProcessInstance, instance_id)
    if row is None:
        raise NotFound(f"流程实例 {instance_id} 不存在。")
    check_moment("at", at)  # before the conversion, which overflows near years 1 and 9999
    events = instance_events(row.id)
    at = at.astimezone(UTC)
    if not events or events[0].at > at:
        raise InstanceNotStarted(f"实例在 {at.isoformat()} 尚未发起")
    start_row = db.session.get(ProcessDefinition, start_definition_id(row.definition_id, events))
    if start_row is None:
        raise Conflict("历史记录无法重放到该时间：实例发起时的流程版本不存在", slug="history-diverged")
    outcome = (replayer or Replayer()).run(definition_of(start_row), events, row.id, until=at,
                                           definition_id=start_row.id)
    if not outcome.ok or outcome.instance is None:
        raise Conflict(f"历史记录无法重放到该时间：{outcome.detail}", slug="history-diverged")
    # the version the instance was on at that moment (a later migration moved it)
    definition_row = db.session.get_one(ProcessDefinition, outcome.definition_id or start_row.id)
    instance = outcome.instance
    status = instance.status
    tasks = instance.open_tasks()
    candidates = _candidates({(t.role, t.scope_value) for t in tasks})
    return {
        "instance_id": row.id, "process": row.process_key, "version": definition_row.version,
        "at": at, "as_of_seq": outcome.last_seq, "status": status,
        "status_name": STATUS_NAMES.get(status, status),
        "open_tasks": [{
            "id": t.id, "spec_id": t.spec_id, "name": t.name, "role": t.role,
            "role_name": ROLE_NAMES.get(t.role or "", t.role), "scope_kind": t.scope_kind,
            "scope_id": t.scope_value, "decisions": t.decisions, "ready_at": t.ready_at, "due_at": t.due_at,
            "claimed_by": outcome.claims.get(t.id),
            "candidates": candidates.get((t.role, t.scope_value), []),
        } for t in tasks],
        "timers": [{
            "id": p.id, "spec_id": p.spec_id, "name": p.name, "kind": p.kind,
            "what": TIMER_WHAT.get(p.kind or "", p.kind), "notify": p.notify, "fire_at": p.fire_at,
            "task_id": p.task_id,
        } for p in instance.pending_timers()],
        "data": {k: v for k, v in instance.data.items() if k != RESERVED_KEY},
    }


def _candidates(pairs: set[tuple[str | None, str | None]]) -> dict[tuple[str | None, str | None], list[str]]:
    """Logins holding each (role, scope): who could act. Grants are read as they are now; the user
    table keeps no history of grants."""
    out: dict[tuple[str | None, str | None], list[str]] = {}
    for role, scope in pairs:
        out[(role, scope)] = list(db.session.execute(
            sa.select(User.login).join(UserRole).where(UserRole.role == role, UserRole.scope_id == scope,
                                                       User.active.is_(True))
            .order_by(User.login).distinct()).scalars())
    return out
