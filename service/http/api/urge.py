"""POST /tasks/{id}/urge (催办): the submitter or the overseeing office reminds the task's candidates."""

from __future__ import annotations

from typing import Any

from service.commands.urge import urge_task
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.notifications import UrgedSchema, UrgeSchema
from service.http.auth import authenticate

blp = Blueprint("urge", __name__, url_prefix="/api/v1", description="催办")


@blp.post("/tasks/<task_id>/urge")
@blp.arguments(UrgeSchema)
@blp.response(200, UrgedSchema)
@blp.alt_response(429, description="该任务今天已催办过（每个任务每天一次）")
def urge(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """催办：提醒办理人尽快办理（申请人；县驻村工作领导小组；本案备案部门）"""
    result = urge_task(authenticate(), task_id, args.get("message"))
    return {"task_id": result.task.id, "instance_id": result.task.instance_id,
            "notified": result.notified, "urged_at": result.at}
