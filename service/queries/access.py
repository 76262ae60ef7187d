"""Who may see which instances and tasks (jurisdiction filters for reads; never leak)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from service.core.principal import Principal
from service.persistence.models import HumanTask, ProcessInstance

# County-wide readers: the county bodies, auditors (read-only) and admins.
WIDE_ROLES = frozenset({"county", "org_dept", "rrb", "auditor", "admin"})


def instance_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on ProcessInstance for the caller, or None when it may see every instance."""
    if principal.roles & WIDE_ROLES:
        return None
    conditions: list[ColumnElement[bool]] = [ProcessInstance.submitter == principal.login]
    units = principal.scopes("unit_hr")
    if units:
        conditions.append(ProcessInstance.unit_id.in_(units))
    townships = principal.scopes("township")
    if townships:
        conditions.append(ProcessInstance.township_id.in_(townships))
    selves = principal.scopes("cadre")
    if selves:
        conditions += [ProcessInstance.cadre_id.in_(selves), ProcessInstance.old_cadre_id.in_(selves),
                       ProcessInstance.new_cadre_id.in_(selves)]
    return sa.or_(*conditions)


def can_see_instance(principal: Principal, row: ProcessInstance) -> bool:
    if principal.roles & WIDE_ROLES or row.submitter == principal.login:
        return True
    selves = principal.scopes("cadre")
    return (row.unit_id in principal.scopes("unit_hr") or row.township_id in principal.scopes("township")
            or bool({row.cadre_id, row.old_cadre_id, row.new_cadre_id} & selves))


def inbox_clause(principal: Principal) -> ColumnElement[bool]:
    """Tasks the caller may act on: its role in its scope. One (role, scopes) branch per role, so
    each branch is a range of the (status, role, scope_id, due_at) index."""
    branches = []
    for role in sorted(principal.roles):
        scopes = principal.scopes(role)
        branches.append(sa.and_(HumanTask.role == role, HumanTask.scope_id.in_(sorted(scopes))))
    return sa.or_(*branches) if branches else sa.false()


def may_act(principal: Principal, task: HumanTask) -> bool:
    return principal.holds(task.role, task.scope_id)
