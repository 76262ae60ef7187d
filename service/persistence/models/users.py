"""Users, their hashed credentials and their roles with jurisdiction scopes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.core.principal import ROLES, SCOPE_KIND_BY_ROLE  # noqa: F401  (re-exported)
from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime, utcnow


class User(Model):
    __tablename__ = "users"

    login: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    # sha256 hex of the bearer token: a leaked table does not leak usable tokens.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The token is refused from this instant on (CADREFLOW_TOKEN_DAYS after it was issued). A token
    # without an expiry is refused too: every way of issuing one sets it.
    token_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", order_by="UserRole.id", cascade="all, delete-orphan"
    )


class UserRole(Model):
    __tablename__ = "user_roles"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(sa.ForeignKey("users.login", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(sa.String(32))
    scope_kind: Mapped[str] = mapped_column(sa.String(16))
    scope_id: Mapped[str] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (
        sa.UniqueConstraint("login", "role", "scope_kind", "scope_id"),
        # "who may act on a task of role R in scope S" (transfer targets, notifications).
        sa.Index("ix_user_roles_role_scope_id", "role", "scope_id"),
    )
