"""Task reads shared by the JSON API and the web pages: the inbox, the visible task, its form contract
and detail."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.core.errors import NotFound
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.loading import load
from service.persistence.models import HumanTask, ProcessDefinition, ProcessInstance
from service.persistence.runtime import definition_of
from service.queries.access import can_see_task, may_act, todo_clause
from service.queries.instances import business_data
from service.queries.task_sections import task_sections
from service.queries.timeline import instance_history
from service.queries.views import task_items
from workflows.parsing import DEFAULT_COMMENT_REQUIRED


def open_tasks_query(principal: Principal) -> sa.Select:
    """The caller's open tasks (role + jurisdiction, and those waiting for their 加签), by due time.

    Served by the (status, role, scope_id, due_at) index: no scan of other scopes' tasks.
    """
    return (sa.select(HumanTask).where(todo_clause(principal))
            .order_by(HumanTask.due_at, HumanTask.id))


def done_tasks_query(principal: Principal) -> sa.Select:
    """Tasks the caller completed, latest first (已办)."""
    return (sa.select(HumanTask).where(HumanTask.status == "done", HumanTask.completed_by == principal.login)
            .order_by(HumanTask.completed_at.desc(), HumanTask.id))


def task_not_found(task_id: str) -> NotFound:
    """The one answer for a task that does not exist and for one the caller may not see."""
    return NotFound(f"任务 {task_id} 不存在或无权查看。")


def require_visible_task(principal: Principal, task: HumanTask, row: ProcessInstance) -> bool:
    """Whether the caller may act on `task` (of instance `row`); 404 (never 403: nothing leaks)
    when it may not even see it."""
    if not can_see_task(principal, task, row):
        raise task_not_found(task.id)
    return may_act(principal, task)


def visible_task(principal: Principal, task_id: str) -> tuple[HumanTask, ProcessInstance, bool]:
    """The task, its instance and whether the caller may act on it; 404 when it may not see it."""
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise task_not_found(task_id)
    row = db.session.get_one(ProcessInstance, task.instance_id)
    return task, row, require_visible_task(principal, task, row)


def task_contract(task: HumanTask, row: ProcessInstance) -> tuple[list[dict[str, Any]], list[str]]:
    """The task's form fields and the decisions that need a comment, from its pinned definition."""
    spec = definition_of(db.session.get_one(ProcessDefinition, row.definition_id)).task_spec(task.spec_id)
    ext = (spec.extensions or {}) if spec is not None else {}
    decisions = list(task.decisions or [])
    required = ext.get("comment_required")
    comment_required = ([d.strip() for d in required.split(",") if d.strip()] if required is not None
                        else [d for d in decisions if d in DEFAULT_COMMENT_REQUIRED])
    return [dict(f) for f in ext.get("formFields", [])], comment_required


def task_detail(task: HumanTask, row: ProcessInstance, acts: bool) -> dict[str, Any]:
    """The task item with its form fields, the decisions needing a comment, the process data
    (open tasks only), what the step decides on (`sections`, queries.task_sections) and whether
    the caller may act on it now."""
    form_fields, comment_required = task_contract(task, row)
    data = business_data(load(row.id, read_only=True).instance)
    sections = task_sections(task, row, data, instance_history(row.id))
    return {**task_items([task])[0], "form_fields": form_fields, "comment_required": comment_required,
            "data": data if task.status == "open" else {}, "sections": sections,
            "can_act": acts and task.status == "open"}
