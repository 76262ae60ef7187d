"""Mark notifications read (only the addressee can; marking twice keeps the first time)."""

from __future__ import annotations

import sqlalchemy as sa

from service.commands.uow import unit_of_work
from service.core.clock import now
from service.core.errors import NotFound
from service.core.principal import Principal
from service.persistence.db import db
from service.persistence.models import Notification


def mark_read(actor: Principal, notification_id: int) -> Notification:
    at = now()
    with unit_of_work():
        row = db.session.get(Notification, notification_id)
        if row is None or row.login != actor.login:
            raise NotFound(f"通知 {notification_id} 不存在。")
        if row.read_at is None:
            row.read_at = at
    return row


def mark_notifications_read(actor: Principal, ids: list[int] | None = None) -> int:
    """Mark the caller's unread notifications read (those of `ids`, or all); returns how many."""
    at = now()
    with unit_of_work():
        stmt = (sa.update(Notification)
                .where(Notification.login == actor.login, Notification.read_at.is_(None))
                .values(read_at=at).execution_options(synchronize_session=False))
        if ids is not None:
            stmt = stmt.where(Notification.id.in_(ids))
        count = db.session.execute(stmt).rowcount
    return count
