"""Instance reads shared by the JSON API and the pages: the visible instance, its detail, its open
tasks, pending timers and diagram."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.core.labels import ROLE_NAMES, TIMER_WHAT
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.loading import Loaded, load
from service.persistence.models import HumanTask, PendingTimer, ProcessDefinition, ProcessInstance
from service.queries.access import can_see_instance
from service.queries.timeline import related_instances
from service.queries.views import instance_items, task_items
from workflows.determinism import RESERVED_KEY
from workflows.engine import Instance


def visible_instance(principal: Principal, instance_id: str) -> ProcessInstance:
    """The instance if the caller may see it; 404 otherwise (its existence is not revealed)."""
    row = db.session.get(ProcessInstance, instance_id)
    if row is None or not can_see_instance(principal, row):
        raise NotFound(f"流程实例 {instance_id} 不存在或无权查看。")
    return row


def business_data(instance: Instance) -> dict[str, Any]:
    """The process data people read: the engine's own bookkeeping key left out."""
    return {k: v for k, v in instance.data.items() if k != RESERVED_KEY}


def bpmn_xml(loaded: Loaded) -> str:
    """The BPMN document of the instance's pinned definition version."""
    return _bpmn_file(loaded.definition.xml)


def definition_bpmn_xml(definition_id: int) -> str:
    """The BPMN document of a definition version, read from its row (no engine restored)."""
    files = db.session.execute(sa.select(ProcessDefinition.files)
                               .where(ProcessDefinition.id == definition_id)).scalar_one()
    return _bpmn_file(files)


def _bpmn_file(files: dict[str, str]) -> str:
    return next(text for name, text in sorted(files.items()) if name.endswith(".bpmn"))


def open_task_items(instance_id: str, row: ProcessInstance | None = None) -> list[dict[str, Any]]:
    """`row`: the instance row, when the caller holds it (not read again)."""
    tasks = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)).scalars().all()
    return task_items(tasks, [row] if row is not None else ())


def started_view(row: ProcessInstance) -> dict[str, Any]:
    """What a command that started or moved an instance answers: its status and open tasks."""
    version = db.session.get_one(ProcessDefinition, row.definition_id).version
    return {"instance_id": row.id, "status": row.status, "process": row.process_key, "version": version,
            "open_tasks": open_task_items(row.id, row)}


def pending_timers(row: ProcessInstance) -> list[dict[str, Any]]:
    """The instance's pending timers by fire time, each with what it does in Chinese."""
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


def instance_detail(row: ProcessInstance) -> dict[str, Any]:
    """Status, process version, business data, open tasks, pending timers and related instances."""
    data = business_data(load(row.id, read_only=True).instance)
    version = db.session.get_one(ProcessDefinition, row.definition_id).version
    body = {**instance_items([row])[0], "version": version}
    body.update(data=data, open_tasks=open_task_items(row.id), timers=pending_timers(row),
                related=related_instances(row, data), error=row.error)
    return body
