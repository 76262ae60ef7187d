"""A deactivated user's claimed tasks go back to the pool of their role and scope, so that the
others holding that role can take them up; each release is a history event of the instance."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from service.commands.core import EventInfo, record
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import HumanTask, ProcessInstance
from workflows.serialization import state_hash


def release_claims(actor: Principal, grant: Grant, login: str, at: datetime) -> list[str]:
    """Release every open task `login` has claimed (or was handed by a transfer); the task ids."""
    tasks = db.session.execute(
        sa.select(HumanTask).where(HumanTask.claimed_by == login, HumanTask.status == "open")
        .order_by(HumanTask.instance_id, HumanTask.id)
    ).scalars().all()
    for task in tasks:
        row = db.session.get_one(ProcessInstance, task.instance_id)
        row.updated_at = at  # a concurrent command on the instance then loses (409), as for a claim
        db.session.flush()
        task.claimed_by = None
        record(row.id, at, EventInfo("release", {"task_id": task.id, "from_user": login}, actor, grant,
                                     task.id, task.spec_id, comment="用户已停用"), state_hash(row.state))
    return [t.id for t in tasks]
