"""Who is acting: a login with its roles, each held in one jurisdiction (scope)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The kind of scope each role is held in (a unit, a township, a cadre or the county).
SCOPE_KIND_BY_ROLE = {
    "unit_hr": "unit",
    "township": "township",
    "cadre": "cadre",
    "county": "county",
    "org_dept": "county",
    "rrb": "county",
    "auditor": "county",
    "admin": "county",
}
ROLES = ("unit_hr", "township", "county", "org_dept", "rrb", "cadre", "auditor", "admin")


@dataclass(frozen=True)
class Grant:
    role: str
    scope_kind: str
    scope_id: str


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a detached snapshot, safe to keep across the request."""

    login: str
    display_name: str
    grants: tuple[Grant, ...]

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.grants)

    def has_role(self, *roles: str) -> bool:
        return any(grant.role in roles for grant in self.grants)

    def scopes(self, role: str) -> frozenset[str]:
        """The scope ids (unit, township, cadre or county ids) in which the caller holds `role`."""
        return frozenset(grant.scope_id for grant in self.grants if grant.role == role)

    @classmethod
    def from_user(cls, user: Any) -> Principal:
        """From a user row with its `roles` (role, scope_kind, scope_id)."""
        return cls(
            login=user.login,
            display_name=user.display_name,
            grants=tuple(Grant(r.role, r.scope_kind, r.scope_id) for r in user.roles),
        )
