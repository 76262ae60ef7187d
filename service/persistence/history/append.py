"""append_event: the only writer of history_events. Rows are never updated or deleted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.persistence.append_only import AppendOnlyViolation, guard_append_only
from service.persistence.db import db
from service.persistence.history.chain import event_hash
from service.persistence.models import HistoryEvent


class HistoryIsAppendOnly(AppendOnlyViolation):
    pass


guard_append_only(
    HistoryEvent, HistoryIsAppendOnly,
    lambda e: f"历史事件只能追加，不能修改或删除（实例 {e.instance_id} 第 {e.seq} 条）",
    "历史事件只能追加，不能修改或删除")


EVENTS: sa.Table = HistoryEvent.__table__
# inline: the surrogate id is not fetched back; nobody reads it.
INSERT_EVENT = EVENTS.insert().inline()


def last_event(instance_id: str) -> HistoryEvent | None:
    return db.session.execute(
        sa.select(HistoryEvent).where(HistoryEvent.instance_id == instance_id)
        .order_by(HistoryEvent.seq.desc()).limit(1)
    ).scalar_one_or_none()


def append_event(
    instance_id: str,
    *,
    at: datetime,
    kind: str,
    inputs: dict[str, Any],
    state_hash: str,
    actor_login: str | None,
    actor_role: str | None,
    actor_scope: str | None,
    task_id: str | None = None,
    task_spec_id: str | None = None,
    decision: str | None = None,
    comment: str | None = None,
    head: tuple[int, str | None] | None = None,
) -> HistoryEvent:
    """Write the next event of `instance_id` in the caller's transaction (its unit of work commits it).

    `head`: (seq, event_hash) of the last event when the caller already read it in this
    transaction ((0, None) for none); None: look it up here.
    Two writers racing for the same seq collide on unique (instance_id, seq): one of them fails.
    """
    if head is None:
        previous = last_event(instance_id)
        head = (previous.seq, previous.event_hash) if previous else (0, None)
    last_seq, prev_hash = head
    fields = {
        "instance_id": instance_id, "seq": last_seq + 1, "at": at,
        "actor_login": actor_login, "actor_role": actor_role, "actor_scope": actor_scope,
        "kind": kind, "inputs": inputs, "task_id": task_id, "task_spec_id": task_spec_id,
        "decision": decision, "comment": comment, "state_hash": state_hash,
    }
    values = {**fields, "prev_hash": prev_hash, "event_hash": event_hash(fields, prev_hash)}
    # A plain statement: an event is never changed, so it needs no unit-of-work bookkeeping; the
    # caller's transaction still decides whether it stays.
    db.session.execute(INSERT_EVENT, values)
    return HistoryEvent(**values)  # what was written, for the caller (not a session object)
