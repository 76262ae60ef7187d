"""/instances: list, detail, withdraw, history timeline, diagram."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.api.access import can_see_instance, instance_clause
from service.api.blueprint import Blueprint
from service.api.views import (
    DECISION_NAMES,
    TIMER_WHAT,
    instance_items,
    task_items,
)
from service.auth import Principal, authenticate
from service.commands import withdraw_instance
from service.commands.core import load
from service.db import db
from service.errors import NotFound
from service.history.commands import EVENT_KIND_NAMES
from service.labels import ROLE_NAMES
from service.models import HistoryEvent, HumanTask, PendingTimer, ProcessDefinition, ProcessInstance, User
from service.pagination import page_schema, paginate
from service.schemas.adjustments import StartedSchema
from service.schemas.instances import (
    DiagramSchema,
    HistoryEntrySchema,
    HistoryQuerySchema,
    InstanceDetailSchema,
    InstanceItemSchema,
    InstanceQuerySchema,
)
from workflows.determinism import RESERVED_KEY

blp = Blueprint("instances", __name__, url_prefix="/api/v1", description="流程实例")


def open_task_items(instance_id: str) -> list[dict[str, Any]]:
    tasks = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)).scalars().all()
    return task_items(tasks)


def started_body(row: ProcessInstance) -> dict[str, Any]:
    version = db.session.get(ProcessDefinition, row.definition_id).version
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
def list_instances(args: dict[str, Any]):  # type: ignore[no-untyped-def]
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


def _related(row: ProcessInstance, data: dict[str, Any]) -> list[dict[str, Any]]:
    conditions = [ProcessInstance.business_key == f"handover:{row.id}"]
    if data.get("source_instance_id"):
        conditions.append(ProcessInstance.id == str(data["source_instance_id"]))
    rows = db.session.execute(sa.select(ProcessInstance).options(sa.orm.defer(ProcessInstance.state))
                              .where(sa.or_(*conditions))).scalars().all()
    return [{"id": r.id, "process": r.process_key, "status": r.status} for r in rows]


@blp.get("/instances/<string:instance_id>")
@blp.response(200, InstanceDetailSchema)
def get_instance(instance_id: str):  # type: ignore[no-untyped-def]
    """流程实例详情：状态、业务数据、待办任务、定时器"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id)
    data = {k: v for k, v in loaded.instance.data.items() if k != RESERVED_KEY}
    version = db.session.get(ProcessDefinition, row.definition_id).version
    body = {**instance_items([row])[0], "version": version}
    body.update(data=data, open_tasks=open_task_items(row.id), timers=_timers(row),
                related=_related(row, data), error=row.error)
    return body


@blp.post("/instances/<string:instance_id>/withdraw")
@blp.response(200, StartedSchema)
def withdraw(instance_id: str):  # type: ignore[no-untyped-def]
    """申请人在首个审批意见之前撤回申请"""
    principal = authenticate()
    visible_instance(principal, instance_id)
    return started_body(withdraw_instance(principal, instance_id))


def _event_description(event: HistoryEvent, actor_name: str | None, task_name: str | None) -> str:
    kind = EVENT_KIND_NAMES.get(event.kind, event.kind)
    parts = [actor_name or event.actor_login or "系统", kind]
    if task_name:
        parts.append(f"「{task_name}」")
    if event.decision:
        parts.append(f"：{DECISION_NAMES.get(event.decision, event.decision)}")
    if event.kind == "transfer" and event.inputs.get("to_user"):
        parts.append(f"，转给 {event.inputs['to_user']}")
    return "".join(parts)


@blp.get("/instances/<string:instance_id>/history")
@blp.arguments(HistoryQuerySchema, location="query")
@blp.response(200, page_schema(HistoryEntrySchema))
def history(args: dict[str, Any], instance_id: str):  # type: ignore[no-untyped-def]
    """办理经过（由哈希链历史事件生成）"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    stmt = sa.select(HistoryEvent).where(HistoryEvent.instance_id == row.id).order_by(HistoryEvent.seq)
    page = paginate(stmt, args["page"], args["per_page"])
    events = page["items"]
    users = dict(db.session.execute(sa.select(User.login, User.display_name).where(
        User.login.in_({e.actor_login for e in events if e.actor_login}))).all()) if events else {}
    task_names = dict(db.session.execute(sa.select(HumanTask.id, HumanTask.name).where(
        HumanTask.id.in_({e.task_id for e in events if e.task_id}))).all()) if events else {}
    items = []
    for e in events:
        name = users.get(e.actor_login or "", "系统" if e.actor_login == "system" else e.actor_login)
        task_name = task_names.get(e.task_id or "")
        items.append({
            "seq": e.seq, "at": e.at, "kind": e.kind, "kind_name": EVENT_KIND_NAMES.get(e.kind, e.kind),
            "actor": {"login": e.actor_login, "name": name, "role": e.actor_role,
                      "role_name": ROLE_NAMES.get(e.actor_role or "", e.actor_role), "scope": e.actor_scope},
            "decision": e.decision, "decision_name": DECISION_NAMES.get(e.decision or "", e.decision),
            "comment": e.comment, "task_id": e.task_id, "task_spec_id": e.task_spec_id,
            "task_name": task_name, "description": _event_description(e, name, task_name),
        })
    page["items"] = items
    return page


@blp.get("/instances/<string:instance_id>/diagram")
@blp.response(200, DiagramSchema)
def diagram(instance_id: str):  # type: ignore[no-untyped-def]
    """流程图（BPMN XML）及已完成、当前活动的元素 id"""
    principal = authenticate()
    row = visible_instance(principal, instance_id)
    loaded = load(row.id)
    xml = next(text for name, text in sorted(loaded.definition.xml.items()) if name.endswith(".bpmn"))
    completed = loaded.instance.completed_element_ids()
    active = loaded.instance.active_element_ids()
    version = db.session.get(ProcessDefinition, row.definition_id).version
    return {"process": row.process_key, "version": version, "xml": xml, "completed": completed,
            "active": active, "completed_element_ids": completed, "active_element_ids": active}


