"""Who holds a task: the active users with its role in its scope (or the one who claimed it)."""

from __future__ import annotations

from collections.abc import Sequence

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


# Who might hold some of a command's tasks: their claimants, and the active members of their roles
# in their scopes (or any scope). One statement whatever the tasks, so it is compiled once; the
# rows are matched to each task's own (role, scope) below.
_CANDIDATES = (
    sa.select(User.login, User.display_name, User.active, UserRole.role, UserRole.scope_id)
    .outerjoin(UserRole)
    .where(sa.or_(User.login.in_(sa.bindparam("claimants", expanding=True)),
                  sa.and_(User.active.is_(True),
                          UserRole.role.in_(sa.bindparam("roles", expanding=True)),
                          sa.or_(sa.bindparam("any_scope"),
                                 UserRole.scope_id.in_(sa.bindparam("scopes", expanding=True))))))
)


def holders_of(tasks: Sequence[HumanTask]) -> dict[str, dict[str, str]]:
    """Who may act on each of `tasks`: task id -> {login: display name}, logins in order. A
    claimed task is in its claimant's hands alone. One query for all the tasks."""
    if not tasks:
        return {}
    unclaimed = [t for t in tasks if not t.claimed_by]
    rows = db.session.execute(_CANDIDATES, {
        "claimants": sorted({t.claimed_by for t in tasks if t.claimed_by}),
        "roles": sorted({t.role for t in unclaimed}),
        "any_scope": any(t.scope_id is None for t in unclaimed),
        "scopes": sorted({t.scope_id for t in unclaimed if t.scope_id is not None})}).all()
    names = {row.login: row.display_name for row in rows}
    out: dict[str, dict[str, str]] = {}
    for task in tasks:
        if task.claimed_by:
            out[task.id] = {task.claimed_by: names.get(task.claimed_by, task.claimed_by)}
            continue
        logins = {row.login for row in rows if row.active and row.role == task.role
                  and (task.scope_id is None or row.scope_id == task.scope_id)}
        out[task.id] = {login: names[login] for login in sorted(logins)}
    return out


def task_holders(task: HumanTask) -> list[str]:
    return list(holders_of([task])[task.id])


def holder_words(task: HumanTask, holders: dict[str, str]) -> str:
    """Who holds `task` (its `holders_of` entry), as people say it: the claimant's name, or the
    role with its members' names ("县驻村工作领导小组（县驻村办）")."""
    role = ROLE_NAMES.get(task.role, task.role)
    if task.claimed_by:
        return f"{holders.get(task.claimed_by, task.claimed_by)}（{role}，已认领）"
    members = "、".join(holders.values())
    return f"{role}（{members}）" if members else role


def display_names(logins: list[str]) -> dict[str, str]:
    if not logins:
        return {}
    rows = db.session.execute(sa.select(User.login, User.display_name).where(User.login.in_(logins)))
    return {login: name for login, name in rows}
