"""Webhook outbox: one row per notification to POST to CADREFLOW_WEBHOOK_URL.

Written in the same transaction as its notification, delivered later by the scheduler, so a
notification is never lost nor sent for a rolled-back command.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime

DELIVERY_STATUSES = ("pending", "sent", "failed")


class WebhookDelivery(Model):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="CASCADE"), unique=True)
    url: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    response_status: Mapped[int | None] = mapped_column(sa.Integer)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The delivery loop's query: WHERE status='pending' AND next_attempt_at <= now.
    __table_args__ = (sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)
