"""Pending timer projection: the timer service's source of truth, with row locks for firing."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime


class PendingTimer(Model):
    __tablename__ = "pending_timers"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"), index=True)
    spec_id: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16))  # reminder | escalation | deadline
    notify: Mapped[str | None] = mapped_column(sa.String(32))
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(64))
    lock_owner: Mapped[str | None] = mapped_column(sa.String(100))
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # After a failed firing: not retried before this instant (exponential backoff).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The deadline reached a year the holiday calendar does not cover (weekends-only fallback).
    calendar_uncovered: Mapped[bool] = mapped_column(sa.Boolean, default=False)
