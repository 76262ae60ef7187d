"""The pages' sessions, kept on the server, and the failed logins that throttle the login form."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime


class WebSession(Model):
    """One signed-in browser. The signed cookie carries a random id; a session is valid only while
    its row exists and is within its idle and absolute lifetimes, so signing out (deleting the row)
    ends it on the server, whatever copy of the cookie is replayed."""

    __tablename__ = "web_sessions"

    # sha256 hex of the random id in the cookie: a leaked table does not leak usable sessions.
    id_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    login: Mapped[str] = mapped_column(sa.ForeignKey("users.login", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginFailure(Model):
    """A wrong login name or password at the login form. Rows older than the throttling window
    are deleted as new ones come in; a successful login takes its name off its rows."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    # As typed, whether or not such a user exists (None when longer than any login can be, or
    # once that login has signed in successfully).
    login: Mapped[str | None] = mapped_column(sa.String(64))
    address: Mapped[str | None] = mapped_column(sa.String(64))  # the client address
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_login_failures_login_at", "login", "at"),
        sa.Index("ix_login_failures_address_at", "address", "at"),
    )
