"""Who runs a command, and which of its grants (role + scope) it acts under."""

from __future__ import annotations

from service.core.errors import Forbidden
from service.core.principal import Grant, Principal

SYSTEM = Principal(login="system", display_name="系统", grants=(Grant("system", "county", "county"),))


def grant_for(actor: Principal, role: str, scope_id: str | None) -> Grant | None:
    """The grant that lets `actor` act as `role` in `scope_id`, if any."""
    for grant in actor.grants:
        if grant.role == role and grant.scope_id == scope_id:
            return grant
    return None


def require_grant(actor: Principal, role: str, scope_id: str | None, what: str) -> Grant:
    grant = grant_for(actor, role, scope_id)
    if grant is None:
        raise Forbidden(f"无权{what}：需要角色 {role}，管辖范围 {scope_id}。")
    return grant


def first_grant(actor: Principal, *roles: str) -> Grant | None:
    for grant in actor.grants:
        if not roles or grant.role in roles:
            return grant
    return None


def scope_label(grant: Grant | None) -> str | None:
    return f"{grant.scope_kind}:{grant.scope_id}" if grant is not None else None
