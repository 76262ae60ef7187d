"""/tasks: the caller's inbox, task detail, claim/unclaim, complete, transfer (转办)."""

from __future__ import annotations

from typing import Any

from service.commands import CompleteResult, claim_task, complete_task, transfer_task, unclaim_task
from service.core.clock import now
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
from service.persistence.models import HumanTask, ProcessInstance
from service.queries.inbox import InboxFilters, narrow, normal_due
from service.queries.tasks import (
    done_tasks_query,
    open_tasks_query,
    require_visible_task,
    task_detail,
    visible_task,
)
from service.queries.views import task_items

blp = Blueprint("tasks", __name__, url_prefix="/api/v1", description="待办任务")


@blp.get("/tasks")
@blp.arguments(TaskQuerySchema, location="query")
@blp.response(200, page_schema(TaskItemSchema))
def inbox(args: dict[str, Any]) -> dict[str, Any]:
    """本人待办（按角色和管辖范围，默认按期限排序；可按事项、流程、乡镇、派出单位、期限筛选）；status=done：本人已办"""
    principal = authenticate()
    stmt = open_tasks_query(principal) if args["status"] == "open" else done_tasks_query(principal)
    filters = InboxFilters(q=args.get("q", "").strip(), process=args.get("process", ""),
                           township_id=args.get("township_id", ""), unit_id=args.get("unit_id", ""),
                           due=normal_due(args.get("due", "")) or "", sort=args.get("sort", "due"))
    page = paginate(narrow(stmt, filters, now()), args["page"], args["per_page"])
    page["items"] = task_items(page["items"])
    return page


def _require_visible(task: HumanTask, row: ProcessInstance) -> bool:
    return require_visible_task(authenticate(), task, row)


def _visible_task(task_id: str) -> tuple[HumanTask, ProcessInstance, bool]:
    return visible_task(authenticate(), task_id)


@blp.get("/tasks/<string:task_id>")
@blp.response(200, TaskDetailSchema)
def get_task(task_id: str) -> dict[str, Any]:
    """任务详情：可选决定、表单字段、期限"""
    return task_detail(*_visible_task(task_id))


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
        known = {result.instance.definition_id: result.definition} if result.definition else None
        items = task_items([result.task, *result.open_tasks], [result.instance], result.names, known)
        return {"task": items[0], "instance_id": result.instance.id,
                "instance_status": result.instance.status,
                "started_instances": [s.id for s in result.started], "open_tasks": items[1:]}

    return complete_task(authenticate(), task_id, args["decision"], args.get("comment"), args.get("data"),
                         respond=body, visible=_require_visible,
                         attachment_ids=args.get("attachments") or ()).response


@blp.post("/tasks/<string:task_id>/transfer")
@blp.arguments(TransferSchema)
@blp.response(200, TaskItemSchema)
def transfer(args: dict[str, Any], task_id: str) -> dict[str, Any]:
    """转办给具有相同角色和管辖范围的其他用户"""
    _visible_task(task_id)
    return task_items([transfer_task(authenticate(), task_id, args["to_user"])])[0]
