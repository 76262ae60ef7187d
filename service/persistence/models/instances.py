"""Process instances: serialized engine state without spec, business fields for queries, revision."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime, utcnow

INSTANCE_STATUSES = ("running", "suspended", "completed", "rejected", "withdrawn", "terminated", "error")
# Still open: a suspended case is held by an administrator (commands/suspend.py) and goes on when
# resumed, so a second case of the same cadre waits for it like for a running one.
OPEN_STATUSES = ("running", "suspended")
# One open case per cadre: the processes whose commands refuse a second running case of the same
# cadre (commands/adjustments.py, commands/recalls.py). Their check reads before it writes, so two
# requests at once both pass it; this partial unique index refuses the second row whatever the
# timing (migration 0007), and the unit of work answers 409. A cadre holds one posting at a time,
# so the cadre also fixes the role. Handovers are left out: one follows every approved
# replacement or recall, started by the approval itself.
ONE_OPEN_CASE_PROCESSES = ("mid_term_replacement", "recall")
ONE_OPEN_CASE_INDEX = "uq_process_instances_one_open_case"
CREATED_INDEX = "ix_process_instances_created_at_id"
ONE_OPEN_CASE_COLUMNS = ("process_key", "cadre_id")
ONE_OPEN_CASE_WHERE = ("status = 'running' AND process_key IN ("
                       + ", ".join(f"'{key}'" for key in ONE_OPEN_CASE_PROCESSES) + ")")


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
    # The cadre a case is about (old_cadre_id for a handover); see ONE_OPEN_CASE_PROCESSES.
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
    __table_args__ = (
        sa.Index("ix_process_instances_process_key_status", "process_key", "status"),
        # The instance lists and the audit search, newest first: a page without it sorted every
        # instance (0.4 s at 500,000, bench/province.py; migration 0010).
        sa.Index(CREATED_INDEX, "created_at", "id"),
        sa.Index(ONE_OPEN_CASE_INDEX, *ONE_OPEN_CASE_COLUMNS, unique=True,
                 sqlite_where=sa.text(ONE_OPEN_CASE_WHERE), postgresql_where=sa.text(ONE_OPEN_CASE_WHERE)),
    )
