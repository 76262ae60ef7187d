"""Who holds a task: the active users with its role in its scope (or the one who claimed it)."""

from __future__ import annotations

import sqlalchemy as sa

from service.persistence.db import db
from service.persistence.models import HumanTask, User, UserRole


def role_holders(role: str, scope_id: str | None) -> list[str]:
    """Logins of the active users holding `role` in `scope_id` (None: in any scope)."""
    stmt = sa.select(User.login).join(UserRole).where(UserRole.role == role, User.active.is_(True))
    if scope_id is not None:
        stmt = stmt.where(UserRole.scope_id == scope_id)
    return sorted(set(db.session.execute(stmt).scalars()))


def task_holders(task: HumanTask) -> list[str]:
    if task.claimed_by:
        return [task.claimed_by]  # a claimed task is in one person's hands
    return role_holders(task.role, task.scope_id)
