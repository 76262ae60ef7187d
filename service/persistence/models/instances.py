"""Process instances: serialized engine state without spec, business fields for queries, revision."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime, utcnow

INSTANCE_STATUSES = ("running", "completed", "rejected", "withdrawn", "terminated", "error")


class ProcessInstance(Model):
    __tablename__ = "process_instances"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definitions.id"), index=True)
    process_key: Mapped[str] = mapped_column(sa.String(100))
    business_key: Mapped[str | None] = mapped_column(sa.String(200), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="running")
    # Plain JSON (not JSONB) on PostgreSQL: SpiffWorkflow's restored state depends on the order of
    # keys (tasks are restored in mapping order, data deltas list keys in insertion order), and
    # JSONB reorders keys, which would make a restored instance diverge from its replay.
    state: Mapped[dict] = mapped_column(sa.JSON)
    # Optimistic concurrency: SQLAlchemy issues UPDATE ... WHERE revision = :old and raises
    # StaleDataError when another transaction got there first (the unit of work makes it a 409).
    # This is the one concurrency check: the store and every other ORM write of the row go through it.
    revision: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    cadre_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    old_cadre_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    new_cadre_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    village_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    township_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    unit_id: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    submitter: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(sa.Text)

    __mapper_args__ = {"version_id_col": revision}
    __table_args__ = (sa.Index("ix_process_instances_process_key_status", "process_key", "status"),)
