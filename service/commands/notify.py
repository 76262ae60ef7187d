"""Add a notification for a user, and its webhook outbox row when a webhook URL is configured.

Both rows join the caller's transaction: a rolled-back command notifies nobody, and a committed
one is delivered by the scheduler even if the process dies right after the commit.
"""

from __future__ import annotations

from datetime import datetime

from service.config import get_settings
from service.persistence.db import db
from service.persistence.models import Notification, WebhookDelivery


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
