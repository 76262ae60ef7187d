"""Resume (恢复运行) an instance stopped in status `error` or held in status `suspended`.

After its timers failed `CADREFLOW_TIMER_MAX_ATTEMPTS` times in a row, or a command of it ran out
of its engine budget (commands.stopped), an instance goes to `error`; an administrator may also
suspend a running one (commands.suspend). Either way its timers are no longer claimed and its
tasks cannot be completed. Once an administrator has fixed the cause, resuming puts it back to
`running` with fresh attempt counters, so that the overdue timers fire at the next sweep.
An instance that stopped because it had nothing left to wait for (commands/stalls.py) would stop
at the same place again: it is not resumed but terminated.
The engine state is unchanged: the `resume` event carries the same state hash and who resumed it,
and why, for the auditors.

A calendar year entered while the instance stood still skipped it (commands.calendar recomputes
running instances only), so its waiting deadlines are recomputed right after the resume, as a
`recompute_deadlines` event of its own when any moved.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.commands.admin_action import admin_with_reason, instance_row
from service.commands.core import EventInfo, record
from service.commands.timers import recompute_deadlines
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Conflict
from service.core.labels import STATUS_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import PendingTimer, ProcessInstance
from workflows.serialization import state_hash
from workflows.stall import stall_of

RESUMABLE = frozenset({"error", "suspended"})


def resume_instance(actor: Principal, instance_id: str, reason: str) -> ProcessInstance:
    grant, reason = admin_with_reason(actor, reason, reason_missing="恢复运行须说明原因。",
                                      not_admin="只有系统管理员可以恢复出错或已挂起的流程实例。")
    at = now()
    with unit_of_work():
        row = instance_row(instance_id)
        if row.status not in RESUMABLE:
            status = STATUS_NAMES.get(row.status, row.status)
            raise Conflict(f"流程实例状态为“{status}”（{row.status}），只有出错（error）或已挂起（suspended）"
                           "的实例可以恢复运行。", slug="not-in-error")
        stall = stall_of(load(row.id, read_only=True).instance)
        if stall is not None:
            raise Conflict(f"该实例恢复运行后仍无法继续，只能终止：{stall.reason}", slug="stalled",
                           extra={"element_ids": list(stall.element_ids)})
        for timer in db.session.execute(sa.select(PendingTimer).where(
                PendingTimer.instance_id == row.id)).scalars():
            timer.attempts = 0  # last_error stays: it tells what went wrong before
            timer.next_attempt_at = None
            timer.lock_owner = None
            timer.lock_expires_at = None
        row.status = "running"
        row.error = None
        row.updated_at = at  # bumps the revision: a concurrent command on the instance loses
        db.session.flush()
        record(row.id, at, EventInfo("resume", {"reason": reason}, actor, grant, comment=reason),
               state_hash(row.state))
    try:
        recompute_deadlines(instance_id, at, actor)
    except Conflict:
        pass  # the resume stands; another command on the instance won the race for the recompute
    return row
