"""The active user holding an API token, as a Principal, and when the token expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from service.core.credentials import hash_token
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import User, UserRole

# The user holding a token hash with its grants in role-id order (no roles: one row of NULLs).
# Plain rows: an ORM User with its roles collection costs more than the rest of a small request.
_PRINCIPAL_BY_TOKEN = (
    sa.select(User.login, User.display_name, User.active, User.token_expires_at, UserRole.role,
              UserRole.scope_kind, UserRole.scope_id)
    .select_from(sa.outerjoin(User, UserRole, UserRole.login == User.login))
    .where(User.token_hash == sa.bindparam("token_hash"))
    .order_by(UserRole.id)
)


@dataclass(frozen=True)
class TokenHolder:
    principal: Principal
    expires_at: datetime | None  # None: issued without an expiry, which no code path does; refused

    def expired(self, at: datetime) -> bool:
        return self.expires_at is None or self.expires_at <= at


def token_holder(token: str) -> TokenHolder | None:
    """The active user holding `token`, expired or not; None for a token nobody (active) holds."""
    rows = db.session.execute(_PRINCIPAL_BY_TOKEN, {"token_hash": hash_token(token)}).all()
    if not rows or not rows[0].active:
        return None
    first = rows[0]
    principal = Principal(first.login, first.display_name,
                          tuple(Grant(r.role, r.scope_kind, r.scope_id) for r in rows if r.role is not None))
    return TokenHolder(principal, first.token_expires_at)
