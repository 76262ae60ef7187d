"""The access policy: who may see which instances, tasks and cadres, and who may act on a task.

The one definition for the JSON API, the pages and the commands. Each rule comes in two forms
written next to each other from the same tables: a SQL clause (for lists) and a Python predicate
(for one row already read). tests/service/test_access_policy.py checks that they agree.

Reads never leak: what a caller may not see is answered as if it did not exist (404).
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from service.core.principal import Grant, Principal
from service.persistence.models import Cadre, HumanTask, ProcessInstance

# How far each role reads: "county" is everything; otherwise the kind of scope whose id the grant
# names (a unit, a township, the cadre themself). A role missing here reads nothing.
COUNTY = "county"
INSTANCE_REACH: Mapping[str, str] = {
    "unit_hr": "unit",
    "township": "township",
    "cadre": "cadre",
    "county": COUNTY,
    "org_dept": COUNTY,
    "rrb": COUNTY,
    "auditor": COUNTY,  # read-only, everything
    "admin": COUNTY,
}
# Cadres (reference data) reach wider than instances for townships: a township reviews nominees
# from every dispatch unit.
CADRE_REACH: Mapping[str, str] = {**INSTANCE_REACH, "township": COUNTY}

# The columns a scope of each kind is matched against. An instance is also visible to its
# submitter (checked separately: that is a login, not a scope).
INSTANCE_COLUMNS: Mapping[str, tuple[InstrumentedAttribute[str | None], ...]] = {
    "unit": (ProcessInstance.unit_id,),
    "township": (ProcessInstance.township_id,),
    "cadre": (ProcessInstance.cadre_id, ProcessInstance.old_cadre_id, ProcessInstance.new_cadre_id),
}
CADRE_COLUMNS: Mapping[str, tuple[InstrumentedAttribute[str], ...]] = {
    "unit": (Cadre.unit_id,),
    "cadre": (Cadre.id,),
}


def _reach(principal: Principal, reach: Mapping[str, str]) -> dict[str, frozenset[str]] | None:
    """Scope ids by scope kind the caller reads in, or None when it reads the whole county."""
    kinds: dict[str, set[str]] = {}
    for grant in principal.grants:
        kind = reach.get(grant.role)
        if kind == COUNTY:
            return None
        if kind is not None:
            kinds.setdefault(kind, set()).add(grant.scope_id)
    return {kind: frozenset(ids) for kind, ids in kinds.items()}


def _scoped_clause(scopes: dict[str, frozenset[str]], columns: Mapping[str, tuple[InstrumentedAttribute, ...]]
                   ) -> list[ColumnElement[bool]]:
    return [column.in_(sorted(scopes[kind])) for kind, cols in columns.items() if kind in scopes
            for column in cols]


def _scoped_match(scopes: dict[str, frozenset[str]], columns: Mapping[str, tuple[InstrumentedAttribute, ...]],
                  row: object) -> bool:
    return any(getattr(row, column.key) in scopes[kind] for kind, cols in columns.items() if kind in scopes
               for column in cols)


# -- instances ------------------------------------------------------------------------------------

def instance_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on ProcessInstance for the caller, or None when it may see every instance."""
    scopes = _reach(principal, INSTANCE_REACH)
    if scopes is None:
        return None
    return sa.or_(ProcessInstance.submitter == principal.login, *_scoped_clause(scopes, INSTANCE_COLUMNS))


def can_see_instance(principal: Principal, row: ProcessInstance) -> bool:
    """instance_clause for one row."""
    scopes = _reach(principal, INSTANCE_REACH)
    if scopes is None or row.submitter == principal.login:
        return True
    return _scoped_match(scopes, INSTANCE_COLUMNS, row)


# -- cadres ---------------------------------------------------------------------------------------

def cadre_clause(principal: Principal) -> ColumnElement[bool] | None:
    """WHERE clause on Cadre for the caller, or None when it may see every cadre."""
    scopes = _reach(principal, CADRE_REACH)
    if scopes is None:
        return None
    conditions = _scoped_clause(scopes, CADRE_COLUMNS)
    return sa.or_(*conditions) if conditions else sa.false()


def can_see_cadre(principal: Principal, cadre: Cadre) -> bool:
    """cadre_clause for one row."""
    scopes = _reach(principal, CADRE_REACH)
    return scopes is None or _scoped_match(scopes, CADRE_COLUMNS, cadre)


# -- tasks ----------------------------------------------------------------------------------------
# A task is acted on by whoever holds its role in its scope; it is seen by those and by everyone
# who may see its instance.

def acting_grant(principal: Principal, role: str, scope_id: str | None) -> Grant | None:
    """The grant that lets the caller act as `role` in `scope_id`, if any."""
    for grant in principal.grants:
        if grant.role == role and grant.scope_id == scope_id:
            return grant
    return None


def inbox_clause(principal: Principal) -> ColumnElement[bool]:
    """WHERE clause on HumanTask: the tasks the caller may act on (may_act as SQL). One
    (role, scopes) branch per role, so each branch is a range of the (status, role, scope_id,
    due_at) index."""
    branches = []
    for role in sorted(principal.roles):
        scopes = principal.scopes(role)
        branches.append(sa.and_(HumanTask.role == role, HumanTask.scope_id.in_(sorted(scopes))))
    return sa.or_(*branches) if branches else sa.false()


def may_act(principal: Principal, task: HumanTask) -> bool:
    """inbox_clause for one row."""
    return acting_grant(principal, task.role, task.scope_id) is not None


def can_see_task(principal: Principal, task: HumanTask, row: ProcessInstance) -> bool:
    """Whether the caller may see `task` of instance `row`."""
    return may_act(principal, task) or can_see_instance(principal, row)
