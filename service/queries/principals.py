"""The active user holding an API token, as a Principal."""

from __future__ import annotations

import sqlalchemy as sa

from service.core.credentials import hash_token
from service.core.principal import Grant, Principal
from service.persistence.db import db
from service.persistence.models import User, UserRole

# The user holding a token hash with its grants in role-id order (no roles: one row of NULLs).
# Plain rows: an ORM User with its roles collection costs more than the rest of a small request.
_PRINCIPAL_BY_TOKEN = (
    sa.select(User.login, User.display_name, User.active, UserRole.role, UserRole.scope_kind,
              UserRole.scope_id)
    .select_from(sa.outerjoin(User, UserRole, UserRole.login == User.login))
    .where(User.token_hash == sa.bindparam("token_hash"))
    .order_by(UserRole.id)
)


def principal_for_token(token: str) -> Principal | None:
    rows = db.session.execute(_PRINCIPAL_BY_TOKEN, {"token_hash": hash_token(token)}).all()
    if not rows or not rows[0].active:
        return None
    first = rows[0]
    return Principal(first.login, first.display_name,
                     tuple(Grant(r.role, r.scope_kind, r.scope_id) for r in rows if r.role is not None))
