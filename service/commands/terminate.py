"""terminate_instance: an administrator ends a running, suspended or errored instance (终止), with a reason.

The engine cancels every open task and waiting timer (workflows.engine.Instance.terminate); the
store saves the state with the engine's view after it, so the task rows are cancelled and the
timer rows removed in the same transaction, and the `terminate` event records who and why. It is
an engine command: a replay re-executes it and must reproduce its state hash.
"""

from __future__ import annotations

from service.commands.admin_action import admin_with_reason, instance_row
from service.commands.core import EventInfo, save
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Conflict
from service.core.labels import STATUS_NAMES
from service.core.principal import Principal
from service.persistence.loading import load
from service.persistence.models import ProcessInstance
from workflows.engine import NotRunning

TERMINABLE = frozenset({"running", "suspended", "error"})


def terminate_instance(actor: Principal, instance_id: str, reason: str) -> ProcessInstance:
    grant, reason = admin_with_reason(actor, reason, reason_missing="终止流程须说明原因。",
                                      not_admin="只有系统管理员可以终止流程实例。")
    at = now()
    with unit_of_work():
        row = instance_row(instance_id)
        if row.status not in TERMINABLE:
            status = STATUS_NAMES.get(row.status, row.status)
            raise Conflict(f"流程实例状态为“{status}”，不能终止。", slug="not-running")
        loaded = load(instance_id)
        try:
            loaded.instance.terminate(at)
        except NotRunning as err:
            raise Conflict(str(err), slug="not-running") from err
        save(loaded, at, EventInfo("terminate", {"reason": reason, "by": actor.login}, actor, grant,
                                   comment=reason))
    return row
