"""Who may change an account, and the one account change nobody may make: leaving the county
without an active administrator (nobody could then manage users or correct anything)."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from service.commands.actor import SYSTEM
from service.core.errors import Conflict, Forbidden, NotFound
from service.core.labels import ROLE_NAMES
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import User, UserRole
from service.queries.access import manageable_roles, may_manage_user, user_manager_grant


def manager_grant(actor: Principal) -> Grant:
    """The grant the actor manages users under; the command line acts as SYSTEM. Else 403."""
    if actor is SYSTEM:
        return SYSTEM.grants[0]
    grant = user_manager_grant(actor)
    if grant is None:
        raise Forbidden("管理用户需要系统管理员或县委组织部的角色。")
    return grant


def target_user(actor: Principal, login: str) -> User:
    """The account `login`, for the actor to change: 404 when missing or not one the actor manages
    (the Organization Department does not see county bodies', auditors' or admins' accounts)."""
    user = db.session.get(User, login)
    if user is None or (actor is not SYSTEM and not may_manage_user(actor, (r.role for r in user.roles))):
        raise NotFound(f"用户 {login} 不存在。")
    return user


def check_grantable(actor: Principal, roles: Iterable[str]) -> None:
    """403 when the actor may not give one of `roles` (the Organization Department: only unit HR,
    township and cadre roles)."""
    if actor is SYSTEM:
        return
    refused = sorted(set(roles) - manageable_roles(actor))
    if refused:
        names = "、".join(ROLE_NAMES.get(r, r) for r in refused)
        raise Forbidden(f"无权授予以下角色：{names}。", errors={"roles": [f"无权授予以下角色：{names}。"]})


def _is_active_admin(user: User) -> bool:
    return user.active and any(r.role == "admin" for r in user.roles)


def keep_an_admin(user: User, *, stays_active: bool, keeps_admin: bool) -> None:
    """409 when `user` is the last active administrator and would stop being one. Two admins
    demoting each other at once cannot both pass: each change appends to the roster change log,
    whose unique link lets only one of two concurrent appends commit."""
    if not _is_active_admin(user) or (stays_active and keeps_admin):
        return
    others = db.session.execute(
        sa.select(sa.func.count(sa.distinct(User.login))).select_from(User).join(UserRole)
        .where(UserRole.role == "admin", User.active.is_(True), User.login != user.login)
    ).scalar_one()
    if others == 0:
        what = "停用" if not stays_active else "取消其系统管理员角色"
        message = f"{user.login} 是最后一个有效的系统管理员，不能{what}：请先为另一用户授予系统管理员角色。"
        raise Conflict(message, slug="last-admin")
