"""withdraw_instance: the submitter withdraws a request before anyone has decided on it (撤回).

The reason is required: it goes into the history (the event's comment) and to the people who held
the open task (commands/process_notices.py), who would otherwise find the task simply gone."""

from __future__ import annotations

import sqlalchemy as sa

from service.commands.actor import first_grant
from service.commands.core import EventInfo, save
from service.commands.suspend import refuse_while_suspended
from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from service.core.principal import Principal
from service.core.text_limits import SHORT_TEXT, check_text
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import HumanTask, ProcessInstance
from workflows.engine import FlowError, MessageNotExpected

WITHDRAW_MESSAGE = "withdraw"


def withdraw_instance(actor: Principal, instance_id: str, reason: str) -> ProcessInstance:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("撤回须说明原因。", errors={"reason": ["请填写撤回原因。"]})
    check_text("reason", reason, SHORT_TEXT)
    at = now()
    with unit_of_work():
        row = db.session.get(ProcessInstance, instance_id)
        if row is None:
            raise NotFound(f"流程实例 {instance_id} 不存在。")
        if row.submitter != actor.login:
            raise Forbidden("只有申请人本人可以撤回。")
        refuse_while_suspended(row, "撤回")
        if row.status != "running":
            raise Conflict("流程已结束，不能撤回。", slug="not-running")
        decided = db.session.execute(sa.select(HumanTask.id).where(
            HumanTask.instance_id == row.id, HumanTask.status == "done").limit(1)).first()
        if decided is not None:
            raise Conflict("已有审批意见，不能撤回（退回修改时可在修改任务中选择撤回）。",
                           slug="already-decided")
        loaded = load(instance_id)
        payload = {"by": actor.login}
        try:
            loaded.instance.send_message(WITHDRAW_MESSAGE, payload, at=at)
        except MessageNotExpected as err:
            raise Conflict("当前环节不能撤回。", slug="not-withdrawable") from err
        except FlowError as err:
            raise Conflict(f"撤回未生效：{err}", slug="process-cannot-continue") from err
        if loaded.instance.status != "withdrawn":
            raise Conflict("当前环节不能撤回。", slug="not-withdrawable")
        inputs = {"name": WITHDRAW_MESSAGE, "payload": payload, "reason": reason}
        grant = first_grant(actor, "unit_hr", "cadre")  # the submitter: a unit's HR, or a cadre's leave
        save(loaded, at, EventInfo("withdraw", inputs, actor, grant, comment=reason))
    return row
