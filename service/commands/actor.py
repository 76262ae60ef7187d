"""Who runs a command, and which of its grants (role + scope) it acts under."""

from __future__ import annotations

from service.core.errors import Forbidden
from service.core.principal import Grant, Principal
from service.queries.access import acting_grant

SYSTEM = Principal(login="system", display_name="系统", grants=(Grant("system", "county", "county"),))


def require_grant(actor: Principal, role: str, scope_id: str | None, what: str,
                  scope_kind: str | None = None) -> Grant:
    """The grant `actor` acts under as `role` in `scope_id` (access.acting_grant), else 403."""
    grant = acting_grant(actor, role, scope_id, scope_kind)
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
