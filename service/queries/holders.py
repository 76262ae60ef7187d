"""Who holds a task: the active users with its role in its scope (or the one who claimed it)."""

from __future__ import annotations

import sqlalchemy as sa

from service.core.labels import ROLE_NAMES
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


def display_names(logins: list[str]) -> dict[str, str]:
    if not logins:
        return {}
    rows = db.session.execute(sa.select(User.login, User.display_name).where(User.login.in_(logins)))
    return {login: name for login, name in rows}


def holder_words(task: HumanTask, names: dict[str, str] | None = None) -> str:
    """Who holds `task`, as people say it: the claimant's name, or the role with its members'
    names ("县驻村工作领导小组（县驻村办）")."""
    role = ROLE_NAMES.get(task.role, task.role)
    if task.claimed_by:
        known = names if names is not None else display_names([task.claimed_by])
        return f"{known.get(task.claimed_by, task.claimed_by)}（{role}，已认领）"
    logins = role_holders(task.role, task.scope_id)
    known = names if names is not None else display_names(logins)
    members = "、".join(known.get(login, login) for login in logins)
    return f"{role}（{members}）" if members else role
