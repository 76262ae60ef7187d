"""Append-only, hash-chained history of every command applied to an instance."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime


class HistoryEvent(Model):
    __tablename__ = "history_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_login: Mapped[str | None] = mapped_column(sa.String(64))
    actor_role: Mapped[str | None] = mapped_column(sa.String(32))
    actor_scope: Mapped[str | None] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(32))
    inputs: Mapped[dict] = mapped_column(JSONType, default=dict)
    task_id: Mapped[str | None] = mapped_column(sa.String(64))
    task_spec_id: Mapped[str | None] = mapped_column(sa.String(100))
    decision: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    state_hash: Mapped[str] = mapped_column(sa.String(80))
    prev_hash: Mapped[str | None] = mapped_column(sa.String(80))
    event_hash: Mapped[str] = mapped_column(sa.String(80))

    # The unique pair also serialises concurrent appends: two writers cannot both take seq N.
    __table_args__ = (sa.UniqueConstraint("instance_id", "seq"),)
