"""Add notifications for users, and their webhook outbox rows when a webhook URL is configured.

The rows join the caller's transaction: a rolled-back command notifies nobody, and a committed
one is delivered by the scheduler even if the process dies right after the commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from service.config import get_settings
from service.persistence.db import db
from service.persistence.models import Notification, WebhookDelivery

NOTIFICATIONS: sa.Table = Notification.__table__


@dataclass(frozen=True)
class Notice:
    login: str
    kind: str
    message: str
    task_id: str | None = None


def add_notification(login: str, *, kind: str, message: str, at: datetime,
                     instance_id: str | None = None, task_id: str | None = None) -> Notification:
    row = Notification(login=login, instance_id=instance_id, task_id=task_id, kind=kind,
                       message=message, created_at=at)
    db.session.add(row)
    url = get_settings().webhook_url
    if url:
        db.session.flush()  # the outbox row references the notification's id
        db.session.add(WebhookDelivery(notification_id=row.id, url=url, status="pending", attempts=0,
                                       next_attempt_at=at))
    return row


def add_notifications(notices: Sequence[Notice], *, at: datetime, instance_id: str | None = None) -> None:
    """One event's notices, written by one statement (each needs its own id first when a
    webhook delivers them)."""
    if not notices:
        return
    if get_settings().webhook_url:
        for notice in notices:
            add_notification(notice.login, kind=notice.kind, message=notice.message, at=at,
                             instance_id=instance_id, task_id=notice.task_id)
        return
    # A table insert: the rows are not read back, so they need no ORM objects.
    db.session.execute(NOTIFICATIONS.insert(), [
        {"login": n.login, "instance_id": instance_id, "task_id": n.task_id, "kind": n.kind,
         "message": n.message, "created_at": at} for n in notices])
