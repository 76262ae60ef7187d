"""The step bar of a case page: the steps done (已完成), the open ones (当前) and those still ahead
(待办理), read from the case's task rows and its pinned definition, for a reader at a glance."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from service.core.labels import decision_word
from service.persistence.db import db
from service.persistence.models import OPEN_STATUSES, HumanTask, ProcessInstance
from service.queries.case_progress import case_progress
from service.queries.decision_words import step_words
from service.queries.holders import display_names
from service.queries.steps_ahead import steps_ahead


def case_steps(row: ProcessInstance, xml: str, active_ids: Iterable[str], data: Mapping[str, Any],
               at: datetime) -> dict[str, list[dict[str, Any]]]:
    """{"done": [{name, decision, by, at}], "current": case_progress's steps, "ahead": [{name}]};
    a step done twice (after a return) is listed twice, in the order it was done."""
    done = db.session.execute(sa.select(HumanTask).where(
        HumanTask.instance_id == row.id, HumanTask.status == "done")
        .order_by(HumanTask.completed_at, HumanTask.id)).scalars().all()
    words = step_words((row.definition_id, t.spec_id) for t in done)
    names = display_names(sorted({t.completed_by for t in done if t.completed_by}))
    current = case_progress([row.id], at)[row.id]["steps"]
    ahead = steps_ahead(xml, active_ids, data) if row.status in OPEN_STATUSES else []
    open_names = {step["name"] for step in current}
    return {
        "done": [{"name": t.name, "by": names.get(t.completed_by or "", t.completed_by), "at": t.completed_at,
                  "decision": decision_word(t.decision, words.get((row.definition_id, t.spec_id)))}
                 for t in done],
        "current": current,
        # a step open now and met again later (a return) is shown where it stands now
        "ahead": [{"name": name} for name in ahead if name not in open_names],
    }
