"""/instances: list, detail, withdraw, history timeline, diagram."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands import withdraw_instance
from service.commands.core import load
from service.core.errors import NotFound
from service.core.labels import ROLE_NAMES
from service.core.principal import Principal
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.instances import (
    DiagramSchema,
    HistoryEntrySchema,
    HistoryQuerySchema,
    InstanceDetailSchema,
    InstanceItemSchema,
    InstanceQuerySchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.models import (
    HistoryEvent,
    HumanTask,
    PendingTimer,
    ProcessDefinition,
    ProcessInstance,
)
from service.queries.access import can_see_instance, instance_clause
from service.queries.timeline import history_entries, related_instances
from service.queries.views import (
    TIMER_WHAT,
    instance_items,
    task_items,
)
from workflows.determinism import RESERVED_KEY

blp = Blueprint("instances", __name__, url_prefix="/api/v1", description="流程实例")


def open_task_items(instance_id: str) -> list[dict[str, Any]]:
    tasks = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)).scalars().all()
    return task_items(tasks)


def started_body(row: ProcessInstance) -> dict[str, Any]:
    version = db.session.get_one(ProcessDefinition, row.definition_id).version
    return {"instance_id": row.id, "status": row.status, "process": row.process_key, "version": version,
            "open_tasks": open_task_items(row.id)}


def visible_instance(principal: Principal, instance_id: str) -> ProcessInstance:
    """The instance if the caller may see it; 404 otherwise (its existence is not revealed)."""
    row = db.session.get(ProcessInstance, instance_id)
    if row is None or not can_see_instance(principal, row):
        raise NotFound(f"流程实例 {instance_id} 不存在或无权查看。")
    return row


@blp.get("/instances")
@blp.arguments(InstanceQuerySchema, location="query")
@blp.response(200, page_schema(InstanceItemSchema))
def list_instances(args: dict[str, Any]) -> dict[str, Any]:
    """流程实例列表（仅限本人管辖范围）"""
    principal = authenticate()
    stmt = (sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
            .order_by(ProcessInstance.created_at.desc(), ProcessInstance.id))
    visible = instance_clause(principal)
    if visible is not None:
        stmt = stmt.where(visible)
    if "status" in args:
        stmt = stmt.where(ProcessInstance.status == args["status"])
    if "process" in args:
        stmt = stmt.where(ProcessInstance.process_key == args["process"])
    if "village_id" in args:
        stmt = stmt.where(ProcessInstance.village_id == args["village_id"])
    if "cadre_id" in args:
        c = args["cadre_id"]
        stmt = stmt.where(sa.or_(ProcessInstance.cadre_id == c, ProcessInstance.old_cadre_id == c,
                                 ProcessInstance.new_cadre_id == c))
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = instance_items(page["items"])
    return page


def _timers(row: ProcessInstance) -> list[dict[str, Any]]:
    timers = db.session.execute(sa.select(PendingTimer).where(PendingTimer.instance_id == row.id)
                                .order_by(PendingTimer.fire_at)).scalars().all()
    tasks = {t.id: t for t in db.session.execute(sa.select(HumanTask).where(
        HumanTask.id.in_({t.task_id for t in timers if t.task_id}))).scalars()} if timers else {}
    out = []
    for t in timers:
        task = tasks.get(t.task_id or "")
        what = TIMER_WHAT.get(t.kind, t.kind)
        if task is not None:
            what = f"{task.name}：{what}"
        if t.notify:
            what += f"，通知{ROLE_NAMES.get(t.notify, t.notify)}"
        out.append({"id": t.id, "fire_at": t.fire_at, "kind": t.kind, "what": what, "notify": t.notify,
                    "task": {"id": task.id, "name": task.name, "spec_id": task.spec_id} if task else None,
                    "calendar_uncovered": t.calendar_uncovered})
    return out


@blp.get("/instances/<string:instance_id>")
@blp.response(200, InstanceDetailSchema)
def get_instance(instance_id: str) -> dict[str, Any]:
    """流程实例详情：状态、业务数据、待办任务、定时器"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id, read_only=True)
    data = {k: v for k, v in loaded.instance.data.items() if k != RESERVED_KEY}
    version = db.session.get_one(ProcessDefinition, row.definition_id).version
    body = {**instance_items([row])[0], "version": version}
    body.update(data=data, open_tasks=open_task_items(row.id), timers=_timers(row),
                related=related_instances(row, data), error=row.error)
    return body


@blp.post("/instances/<string:instance_id>/withdraw")
@blp.response(200, StartedSchema)
def withdraw(instance_id: str) -> dict[str, Any]:
    """申请人在首个审批意见之前撤回申请"""
    principal = authenticate()
    visible_instance(principal, instance_id)
    return started_body(withdraw_instance(principal, instance_id))


@blp.get("/instances/<string:instance_id>/history")
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, page_schema(HistoryEntrySchema))
def history(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """办理经过（由哈希链历史事件生成）"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    stmt = sa.select(HistoryEvent).where(HistoryEvent.instance_id == row.id).order_by(HistoryEvent.seq)
    page = paginate(stmt, args["page"], args["per_page"])
    page["items"] = history_entries(page["items"])
    return page


@blp.get("/instances/<string:instance_id>/diagram")
@blp.response(200, DiagramSchema)
def diagram(instance_id: str) -> dict[str, Any]:
    """流程图（BPMN XML）及已完成、当前活动的元素 id"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id, read_only=True)
    xml = next(text for name, text in sorted(loaded.definition.xml.items()) if name.endswith(".bpmn"))
    completed = loaded.instance.completed_element_ids()
    active = loaded.instance.active_element_ids()
    version = db.session.get_one(ProcessDefinition, row.definition_id).version
    return {"process": row.process_key, "version": version, "xml": xml, "completed": completed,
            "active": active, "completed_element_ids": completed, "active_element_ids": active}


