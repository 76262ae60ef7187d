"""Human task projection: what inboxes are read from (written with the instance state)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime, utcnow

TASK_STATUSES = ("open", "done", "cancelled")


class HumanTask(Model):
    __tablename__ = "human_tasks"

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # the engine's task id
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"), index=True)
    spec_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(32))
    scope_kind: Mapped[str] = mapped_column(sa.String(16))
    scope_id: Mapped[str | None] = mapped_column(sa.String(64))
    decisions: Mapped[list] = mapped_column(JSONType, default=list)
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(sa.String(64))
    decision: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        # The inbox query: WHERE status='open' AND role=? AND scope_id IN (...) ORDER BY due_at.
        sa.Index("ix_human_tasks_inbox", "status", "role", "scope_id", "due_at"),
        # ... OR (scope_kind='user' AND scope_id=login): the open tasks that name the caller (会签).
        sa.Index("ix_human_tasks_personal", "scope_kind", "scope_id", "status", "due_at"),
    )
