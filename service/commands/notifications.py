"""Mark notifications read (only the addressee can; marking twice keeps the first time)."""

from __future__ import annotations

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
