"""/instances: list, detail, withdraw, suspend, resume, terminate, history timeline, diagram."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands import resume_instance, suspend_instance, terminate_instance, withdraw_instance
from service.http.api.blueprint import Blueprint
from service.http.api.schemas.adjustments import StartedSchema
from service.http.api.schemas.instances import (
    DiagramSchema,
    HistoryEntrySchema,
    HistoryQuerySchema,
    InstanceDetailSchema,
    InstanceItemSchema,
    InstanceQuerySchema,
    ResumeSchema,
    SuspendSchema,
    TerminateSchema,
    WithdrawSchema,
)
from service.http.auth import authenticate
from service.http.pagination import page_schema, paginate
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import ProcessDefinition, ProcessInstance
from service.queries.access import instance_clause
from service.queries.instances import bpmn_xml, instance_detail, started_view, visible_instance
from service.queries.timeline import history_entries, history_query
from service.queries.views import instance_items

blp = Blueprint("instances", __name__, url_prefix="/api/v1", description="流程实例")


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


@blp.get("/instances/<string:instance_id>")
@blp.response(200, InstanceDetailSchema)
def get_instance(instance_id: str) -> dict[str, Any]:
    """流程实例详情：状态、业务数据、待办任务、定时器"""
    return instance_detail(visible_instance(authenticate(), instance_id))


@blp.post("/instances/<string:instance_id>/withdraw")
@blp.arguments(WithdrawSchema)
@blp.response(200, StartedSchema)
def withdraw(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """申请人在首个审批意见之前撤回申请（须说明原因）"""
    principal = authenticate()
    visible_instance(principal, instance_id)
    return started_view(withdraw_instance(principal, instance_id, args["reason"]))


@blp.post("/instances/<string:instance_id>/suspend")
@blp.roles("admin")
@blp.arguments(SuspendSchema)
@blp.response(200, StartedSchema)
@blp.alt_response(409, description="实例不在办理中（只有办理中的实例可以挂起）")
def suspend(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """系统管理员挂起办理中的流程实例（须说明原因）：待办暂不能办理，定时器暂停触发，直至恢复运行"""
    return started_view(suspend_instance(authenticate(), instance_id, args["reason"]))


@blp.post("/instances/<string:instance_id>/resume")
@blp.roles("admin")
@blp.arguments(ResumeSchema)
@blp.response(200, StartedSchema)
@blp.alt_response(409, description="实例既未挂起也未出错")
def resume(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """系统管理员恢复运行已挂起或出错的流程实例（须说明原因）：期间到期的定时器随即触发"""
    return started_view(resume_instance(authenticate(), instance_id, args["reason"]))


@blp.post("/instances/<string:instance_id>/terminate")
@blp.roles("admin")
@blp.arguments(TerminateSchema)
@blp.response(200, StartedSchema)
def terminate(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """系统管理员终止办理中或出错的流程实例（须说明原因）：取消全部待办和定时器，记入办理经过"""
    return started_view(terminate_instance(authenticate(), instance_id, args["reason"]))


@blp.get("/instances/<string:instance_id>/history")
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, page_schema(HistoryEntrySchema))
def history(args: dict[str, Any], instance_id: str) -> dict[str, Any]:
    """办理经过（由哈希链历史事件生成）"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    page = paginate(history_query(row.id), args["page"], args["per_page"])
    page["items"] = history_entries(page["items"])
    return page


@blp.get("/instances/<string:instance_id>/diagram")
@blp.response(200, DiagramSchema)
def diagram(instance_id: str) -> dict[str, Any]:
    """流程图（BPMN XML）及已完成、当前活动的元素 id"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id, read_only=True)
    xml = bpmn_xml(loaded)
    completed = loaded.instance.completed_element_ids()
    active = loaded.instance.active_element_ids()
    version = db.session.get_one(ProcessDefinition, row.definition_id).version
    return {"process": row.process_key, "version": version, "xml": xml, "completed": completed,
            "active": active, "completed_element_ids": completed, "active_element_ids": active}


