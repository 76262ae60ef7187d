"""Suspend (挂起) a running instance: an administrator holds it still, with a reason.

While suspended, its tasks stay open but cannot be completed (commands.tasks), nobody can
withdraw or urge it, and its timers are not claimed (timers.claim takes running instances only),
so a deadline that passes meanwhile fires once the instance is resumed (commands.resume). The
engine state is unchanged: the `suspend` event carries the same state hash and who suspended it,
and why; a replay checks that and moves on.
"""

from __future__ import annotations

from service.commands.admin_action import admin_with_reason, instance_row
from service.commands.core import EventInfo, record
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Conflict
from service.core.labels import STATUS_NAMES
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import ProcessInstance
from workflows.serialization import state_hash


def suspend_instance(actor: Principal, instance_id: str, reason: str) -> ProcessInstance:
    grant, reason = admin_with_reason(actor, reason, reason_missing="挂起流程须说明原因。",
                                      not_admin="只有系统管理员可以挂起流程实例。")
    at = now()
    with unit_of_work():
        row = instance_row(instance_id)
        if row.status != "running":
            status = STATUS_NAMES.get(row.status, row.status)
            raise Conflict(f"流程实例状态为“{status}”，只有办理中的实例可以挂起。", slug="not-running")
        row.status = "suspended"
        row.updated_at = at  # bumps the revision: a concurrent command on the instance loses
        db.session.flush()
        record(row.id, at, EventInfo("suspend", {"reason": reason}, actor, grant, comment=reason),
               state_hash(row.state))
    return row


def refuse_while_suspended(row: ProcessInstance, what: str) -> None:
    """409 for an action (`what`: 办理, 撤回, 催办) on a suspended instance's case."""
    if row.status == "suspended":
        raise Conflict(f"流程实例已被系统管理员挂起，暂不能{what}；恢复运行后再{what}。",
                       slug="instance-suspended")
