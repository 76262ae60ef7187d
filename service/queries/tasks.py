"""Task reads shared by the JSON API and the web pages: the inbox rules and a task's form contract."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from service.commands.runtime import definition_of
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessDefinition, ProcessInstance
from service.queries.access import inbox_clause
from workflows.parsing import DEFAULT_COMMENT_REQUIRED


def open_tasks_query(principal: Principal) -> sa.Select:
    """The caller's open tasks (role + jurisdiction), by due time.

    Served by the (status, role, scope_id, due_at) index: no scan of other scopes' tasks.
    """
    return (sa.select(HumanTask).where(HumanTask.status == "open", inbox_clause(principal))
            .order_by(HumanTask.due_at, HumanTask.id))


def done_tasks_query(principal: Principal) -> sa.Select:
    """Tasks the caller completed, latest first (已办)."""
    return (sa.select(HumanTask).where(HumanTask.status == "done", HumanTask.completed_by == principal.login)
            .order_by(HumanTask.completed_at.desc(), HumanTask.id))


def task_contract(task: HumanTask, row: ProcessInstance) -> tuple[list[dict[str, Any]], list[str]]:
    """The task's form fields and the decisions that need a comment, from its pinned definition."""
    spec = definition_of(db.session.get_one(ProcessDefinition, row.definition_id)).task_spec(task.spec_id)
    ext = (spec.extensions or {}) if spec is not None else {}
    decisions = list(task.decisions or [])
    required = ext.get("comment_required")
    comment_required = ([d.strip() for d in required.split(",") if d.strip()] if required is not None
                        else [d for d in decisions if d in DEFAULT_COMMENT_REQUIRED])
    return [dict(f) for f in ext.get("formFields", [])], comment_required
