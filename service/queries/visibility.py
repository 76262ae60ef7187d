"""Which cadres a caller may see: unit HR its own unit's, a cadre itself, every other role all."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from service.core.principal import Principal
from service.persistence.models import Cadre

# Roles whose jurisdiction is narrower than the county for reading cadres.
NARROW_ROLES = frozenset({"unit_hr", "cadre"})


def cadre_visibility_clause(principal: Principal) -> ColumnElement[bool] | None:
    """A WHERE clause on Cadre for the caller, or None when it may see every cadre."""
    if principal.roles - NARROW_ROLES:
        return None
    conditions: list[ColumnElement[bool]] = []
    units = principal.scopes("unit_hr")
    if units:
        conditions.append(Cadre.unit_id.in_(units))
    selves = principal.scopes("cadre")
    if selves:
        conditions.append(Cadre.id.in_(selves))
    return sa.or_(*conditions) if conditions else sa.false()


def can_see_cadre(principal: Principal, cadre: Cadre) -> bool:
    if principal.roles - NARROW_ROLES:
        return True
    return cadre.unit_id in principal.scopes("unit_hr") or cadre.id in principal.scopes("cadre")
