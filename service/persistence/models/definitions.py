"""Deployed process definitions: one row per version, the BPMN/DMN files stored once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime, utcnow


class ProcessDefinition(Model):
    __tablename__ = "process_definitions"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    content_hash: Mapped[str] = mapped_column(sa.String(80))
    files: Mapped[dict] = mapped_column(JSONType)  # {file name: text}
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str | None] = mapped_column(sa.String(64))
    # What the deploy filled in that the files left out (a role from a lane, a default decision or
    # scope, a plain task passed through): Chinese sentences naming the element
    # (workflows/plain_bpmn.py), shown to the admin with the version.
    warnings: Mapped[list] = mapped_column(JSONType, default=list, server_default=sa.text("'[]'"))

    __table_args__ = (
        sa.UniqueConstraint("key", "version"),
        # Deploying identical files again is a no-op, not a new version.
        sa.UniqueConstraint("key", "content_hash"),
    )
