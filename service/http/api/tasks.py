"""/tasks: the caller's inbox, task detail, claim/unclaim, complete, transfer (转办)."""

from __future__ import annotations

from typing import Any

from service.commands import CompleteResult, claim_task, complete_task, transfer_task, unclaim_task
from service.commands.core import load
from service.core.errors import NotFound
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.tasks import (
    CompletedSchema,
    CompleteSchema,
    TaskDetailSchema,
    TaskItemSchema,
    TaskQuerySchema,
    TransferSchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessInstance
from service.queries.access import can_see_instance, may_act
from service.queries.tasks import done_tasks_query, open_tasks_query, task_contract
from service.queries.views import task_items
from workflows.determinism import RESERVED_KEY

blp = Blueprint("tasks", __name__, url_prefix="/api/v1", description="待办任务")


@blp.get("/tasks")
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, page_schema(TaskItemSchema))
def inbox(args: dict[str, Any]) -> dict[str, Any]:
    """本人待办（按角色和管辖范围，按期限排序）；status=done：本人已办"""
    principal = authenticate()
    stmt = open_tasks_query(principal) if args["status"] == "open" else done_tasks_query(principal)
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = task_items(page["items"])
    return page


def _require_visible(task: HumanTask, row: ProcessInstance) -> bool:
    """Whether the caller may act on `task`; 404 (never 403: nothing leaks) when it may not even
    see it."""
    principal = authenticate()
    acts = may_act(principal, task)
    if not acts and not can_see_instance(principal, row):
        raise NotFound(f"任务 {task.id} 不存在或无权查看。")
    return acts


def _visible_task(task_id: str) -> tuple[HumanTask, bool]:
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在或无权查看。")
    return task, _require_visible(task, db.session.get_one(ProcessInstance, task.instance_id))


@blp.get("/tasks/<string:task_id>")
@blp.response(200, TaskDetailSchema)
def get_task(task_id: str) -> dict[str, Any]:
    """任务详情：可选决定、表单字段、期限"""
    task, acts = _visible_task(task_id)
    row = db.session.get_one(ProcessInstance, task.instance_id)
    form_fields, comment_required = task_contract(task, row)
    data = {}
    if task.status == "open":

        data = {k: v for k, v in load(row.id, read_only=True).instance.data.items() if k != RESERVED_KEY}
    return {**task_items([task])[0], "form_fields": form_fields,
            "comment_required": comment_required, "data": data, "can_act": acts and task.status == "open"}


@blp.post("/tasks/<string:task_id>/claim")
@blp.response(200, TaskItemSchema)
def claim(task_id: str) -> dict[str, Any]:
    """认领任务（仅保留，不是办理的前提）"""
    _visible_task(task_id)
    return task_items([claim_task(authenticate(), task_id)])[0]


@blp.post("/tasks/<string:task_id>/unclaim")
@blp.response(200, TaskItemSchema)
def unclaim(task_id: str) -> dict[str, Any]:
    """释放认领"""
    _visible_task(task_id)
    return task_items([unclaim_task(authenticate(), task_id)])[0]


@blp.post("/tasks/<string:task_id>/complete")
@blp.arguments(CompleteSchema)
@blp.response(200, CompletedSchema)
def complete(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """办理任务：同意 / 不同意 / 退回修改 ……（认领人，或未认领时任一候选人）"""
    def body(result: CompleteResult) -> dict[str, Any]:
        # Built in the command's transaction from the rows it holds (no re-reads after commit).
        items = task_items([result.task, *result.open_tasks], [result.instance], result.names)
        return {"task": items[0], "instance_id": result.instance.id,
                "instance_status": result.instance.status,
                "started_instances": [s.id for s in result.started], "open_tasks": items[1:]}

    return complete_task(authenticate(), task_id, args["decision"], args.get("comment"), args.get("data"),
                         respond=body, visible=_require_visible).response


@blp.post("/tasks/<string:task_id>/transfer")
@blp.arguments(TransferSchema)
@blp.response(200, TaskItemSchema)
def transfer(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """转办给具有相同角色和管辖范围的其他用户"""
    _visible_task(task_id)
    return task_items([transfer_task(authenticate(), task_id, args["to_user"])])[0]
