"""Account commands of administrators (and, for the county's units, townships and cadres, the
Organization Department): create, change name and roles, set a password, deactivate, reactivate.

Each is one unit of work and appends its change to the roster change log. `source` says where it
came from ("api", "page", "cli").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.commands.tokens import token_expiry
from service.commands.uow import unit_of_work
from service.commands.users_admin.claims import release_claims
from service.commands.users_admin.guard import check_grantable, keep_an_admin, manager_grant, target_user
from service.commands.users_admin.log import PASSWORD_RESET, PASSWORD_SET, log_user_change, snapshot
from service.commands.users_admin.validation import (
    Problems,
    RoleSpec,
    check_login,
    clean_display_name,
    parse_roles,
)
from service.commands.web_sessions import end_sessions_of
from service.config import get_settings
from service.core.clock import now
from service.core.credentials import issue_token, revoke_token, set_password
from service.core.errors import Conflict
from service.core.passwords import password_problems
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import User, UserRole


@dataclass(frozen=True)
class NewUser:
    login: str
    display_name: str
    roles: Sequence[Mapping[str, Any]]  # {"role", "scope_id"}; scope_id may be left out for county roles
    password: str | None = None  # None: no web login until a password is set


@dataclass
class PasswordSet:
    user: User
    sessions_ended: int
    token: str | None = None  # a new API token, when one was asked for (shown once)
    token_expires_at: datetime | None = None


@dataclass
class Deactivated:
    user: User
    released_tasks: list[str] = field(default_factory=list)
    sessions_ended: int = 0


def _set_roles(user: User, specs: list[RoleSpec]) -> None:
    """Replace the roles, keeping the rows of those that stay (their ids order the grants)."""
    wanted = {(s.role, s.scope_kind, s.scope_id) for s in specs}
    for row in list(user.roles):
        if (row.role, row.scope_kind, row.scope_id) not in wanted:
            user.roles.remove(row)
    have = {(r.role, r.scope_kind, r.scope_id) for r in user.roles}
    for spec in specs:
        if (spec.role, spec.scope_kind, spec.scope_id) not in have:
            user.roles.append(UserRole(role=spec.role, scope_kind=spec.scope_kind, scope_id=spec.scope_id))
    db.session.flush()


def create_user(actor: Principal, new: NewUser, source: str) -> User:
    """A new active account; 409 when the login is taken."""
    grant = manager_grant(actor)
    with unit_of_work():
        problems = Problems()
        login = new.login.strip()
        check_login(login, problems)
        name = clean_display_name(new.display_name, problems)
        specs = parse_roles(new.roles, problems)
        if new.password is not None:
            for message in password_problems(login, new.password):
                problems.add("password", message)
        problems.raise_any()
        check_grantable(actor, (s.role for s in specs))
        if db.session.get(User, login) is not None:
            raise Conflict(f"登录名 {login} 已被使用。", errors={"login": [f"登录名 {login} 已被使用。"]},
                           slug="login-taken")
        user = User(login=login, display_name=name, active=True, created_at=now())
        db.session.add(user)
        _set_roles(user, specs)
        if new.password is not None:
            set_password(user, new.password, get_settings().password_hash)
        after = snapshot(user) | ({"password": PASSWORD_SET} if new.password is not None else {})
        log_user_change(actor, grant, source, user, "create", None, after)
    return user


def update_user(actor: Principal, login: str, *, display_name: str | None = None,
                roles: Sequence[Mapping[str, Any]] | None = None, source: str) -> User:
    """Change the display name and/or replace the roles (None: left as they are)."""
    grant = manager_grant(actor)
    with unit_of_work():
        user = target_user(actor, login)
        problems = Problems()
        name = clean_display_name(display_name, problems) if display_name is not None else user.display_name
        specs = parse_roles(roles, problems) if roles is not None else None
        problems.raise_any()
        before = snapshot(user)
        if specs is not None:
            check_grantable(actor, (s.role for s in specs))
            keep_an_admin(user, stays_active=True, keeps_admin=any(s.role == "admin" for s in specs))
            _set_roles(user, specs)
        user.display_name = name
        if snapshot(user) != before:  # saving an unchanged form leaves no entry
            log_user_change(actor, grant, source, user, "update", before, snapshot(user))
    return user


def set_user_password(actor: Principal, login: str, password: str, *, source: str,
                      rotate_token: bool = False, keep_session_id: str | None = None) -> PasswordSet:
    """Set (reset) the password. Every other web session of the user ends, and the API token is
    revoked, or replaced by a new one when `rotate_token`: whoever knew the old password may have
    signed in or read the token meanwhile. `keep_session_id`: the caller's own session, when users
    set their own password."""
    grant = manager_grant(actor)
    with unit_of_work():
        user = target_user(actor, login)
        problems = Problems()
        for message in password_problems(user.login, password):
            problems.add("password", message)
        problems.raise_any()
        set_password(user, password, get_settings().password_hash)
        ended = end_sessions_of(user.login, keep_session_id if actor.login == user.login else None)
        result = PasswordSet(user, ended)
        if rotate_token:
            result.token_expires_at = token_expiry()
            result.token = issue_token(user, result.token_expires_at)
        else:
            revoke_token(user)
        token_note = "已签发新令牌" if rotate_token else "已吊销"
        log_user_change(actor, grant, source, user, "update", None,
                        {"password": PASSWORD_RESET, "api_token": token_note})
    return result


def deactivate_user(actor: Principal, login: str, *, source: str) -> Deactivated:
    """The user can no longer sign in or use a token: sessions end, the token is revoked, and
    their claimed open tasks go back to the pool. 409 for the last active admin or oneself."""
    grant = manager_grant(actor)
    at = now()
    with unit_of_work():
        user = target_user(actor, login)
        if not user.active:
            return Deactivated(user)
        if user.login == actor.login:
            raise Conflict("不能停用自己的账号。", slug="self-deactivation")
        keep_an_admin(user, stays_active=False, keeps_admin=False)
        before = snapshot(user)
        user.active = False
        revoke_token(user)
        ended = end_sessions_of(user.login)
        released = release_claims(actor, grant, user.login, at)
        log_user_change(actor, grant, source, user, "deactivate", before, snapshot(user),
                        {"released_tasks": released} if released else None)
    return Deactivated(user, released, ended)


def reactivate_user(actor: Principal, login: str, *, source: str) -> User:
    """The user may sign in again with their password; an API token has to be issued anew."""
    grant = manager_grant(actor)
    with unit_of_work():
        user = target_user(actor, login)
        if user.active:
            return user
        before = snapshot(user)
        user.active = True
        log_user_change(actor, grant, source, user, "reactivate", before, snapshot(user))
    return user
