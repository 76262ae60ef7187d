"""Where each of a submitter's cases stands (我的申请): the current steps, who holds each, when it
is due, whether the submitter may urge it today, and why it was last returned or rejected."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import HistoryEvent, HumanTask
from service.queries.holders import holder_words, holders_of
from workflows.working_days import SHANGHAI

# Decisions whose comment is the reason the submitter must read (required by the BPMN for both).
REASON_DECISIONS = ("return", "reject")


def _today_bounds(at: datetime) -> tuple[datetime, datetime]:
    start = datetime.combine(at.astimezone(SHANGHAI).date(), time(0), SHANGHAI).astimezone(UTC)
    return start, start + timedelta(days=1)


def case_progress(instance_ids: Sequence[str], at: datetime) -> dict[str, dict[str, Any]]:
    """instance id -> {"steps": [{task_id, name, holders, due_at, urged_today}], "reason": {...} | None}."""
    out: dict[str, dict[str, Any]] = {i: {"steps": [], "reason": None} for i in instance_ids}
    if not instance_ids:
        return out
    open_tasks = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id.in_(instance_ids), HumanTask.status == "open")
        .order_by(HumanTask.created_at, HumanTask.id)).scalars().all()
    start, end = _today_bounds(at)
    urged = set(db.session.execute(sa.select(HistoryEvent.task_id).where(
        HistoryEvent.instance_id.in_(instance_ids), HistoryEvent.kind == "urge",
        HistoryEvent.at >= start, HistoryEvent.at < end)).scalars())
    holders = holders_of(open_tasks)
    for task in open_tasks:
        out[task.instance_id]["steps"].append({
            "task_id": task.id, "name": task.name, "holders": holder_words(task, holders[task.id]),
            "role": task.role, "scope_id": task.scope_id,
            "due_at": task.due_at, "urged_today": task.id in urged})
    decided = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id.in_(instance_ids), HumanTask.status == "done",
        HumanTask.decision.in_(REASON_DECISIONS))
        .order_by(HumanTask.completed_at.desc(), HumanTask.id)).scalars().all()
    for task in decided:
        if out[task.instance_id]["reason"] is None:  # the latest one
            out[task.instance_id]["reason"] = {"step": task.name, "decision": task.decision,
                                                "comment": task.comment, "at": task.completed_at}
    return out

