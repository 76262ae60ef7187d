"""Bearer-token authentication, roles with jurisdiction scopes, and password hashing for web login."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, request
from werkzeug.security import check_password_hash, generate_password_hash

from service.core.errors import Forbidden, Unauthorized
from service.persistence.db import db
from service.persistence.models import SCOPE_KIND_BY_ROLE, User, UserRole
from service.persistence.raw_reads import read_rows

F = TypeVar("F", bound=Callable[..., Any])


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue_token(user: User) -> str:
    """Give `user` a fresh token (the old one stops working); only its hash is stored."""
    token = new_token()
    user.token_hash = hash_token(token)
    return token


def token_matches(user: User, token: str) -> bool:
    return user.token_hash is not None and hmac.compare_digest(user.token_hash, hash_token(token))


def set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)


def check_password(user: User, password: str) -> bool:
    return user.password_hash is not None and check_password_hash(user.password_hash, password)


def scope_kind_for(role: str) -> str:
    return SCOPE_KIND_BY_ROLE[role]


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

    def holds(self, role: str, scope_id: str | None) -> bool:
        return any(g.role == role and g.scope_id == scope_id for g in self.grants)

    @classmethod
    def from_user(cls, user: User) -> Principal:
        return cls(
            login=user.login,
            display_name=user.display_name,
            grants=tuple(Grant(r.role, r.scope_kind, r.scope_id) for r in user.roles),
        )


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@functools.cache
def _principal_statement() -> sa.Select:
    """The user holding a token hash with its grants in role-id order (no roles: one row of NULLs)."""
    users, roles = User.__table__.c, UserRole.__table__.c
    return (sa.select(users.login, users.display_name, users.active,
                      roles.role, roles.scope_kind, roles.scope_id)
            .select_from(User.__table__.outerjoin(UserRole.__table__, roles.login == users.login))
            .where(users.token_hash == sa.bindparam("token_hash"))
            .order_by(roles.id))


def authenticate() -> Principal:
    """The caller of this request, or 401. Cached on flask.g for the request."""
    cached = g.get("principal")
    if cached is not None:
        return cached
    token = _bearer_token()
    if token is None:
        raise Unauthorized("缺少访问令牌：请在请求头中提供 Authorization: Bearer <token>。")
    # One round trip for the user and its roles, read as plain rows: an ORM User with its roles
    # collection costs more Python than the rest of a small request.
    # On the session's connection, not through Session.execute: plain rows need none of the
    # ORM's result machinery (and on PostgreSQL none of SQLAlchemy's execution: raw_reads.py).
    rows = read_rows(db.session.connection(), _principal_statement(), {"token_hash": hash_token(token)})
    if not rows or not rows[0].active:
        raise Unauthorized("访问令牌无效或已停用。")
    first = rows[0]
    principal = Principal(first.login, first.display_name,
                          tuple(Grant(r.role, r.scope_kind, r.scope_id) for r in rows if r.role is not None))
    g.principal = principal
    return principal


def current_user() -> Principal:
    return authenticate()


def user_scopes(role: str) -> frozenset[str]:
    """Scope ids in which the current caller holds `role` (empty if it does not hold it)."""
    return authenticate().scopes(role)


def require_role(*roles: str) -> Principal:
    """The caller if it holds one of `roles`, else 403 (401 without a valid token)."""
    principal = authenticate()
    if not principal.has_role(*roles):
        names = "、".join(roles)
        raise Forbidden(f"此操作需要以下角色之一：{names}。")
    return principal


def login_required(fn: F) -> F:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        authenticate()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def roles_required(*roles: str) -> Callable[[F], F]:
    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_role(*roles)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
