"""Files a case carries (附件): their bytes kept once by SHA-256, and one row per file a step submitted.

An upload is pending (event_seq is NULL) until the step that carries it completes; that step's
history event names the file's name, size and hash, and the row then records which event it
was. A bound row is never changed or deleted, and neither is a blob: a new version of a file is
a new row (persistence/attachment_store.py guards both).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import UTCDateTime


class AttachmentBlob(Model):
    __tablename__ = "attachment_blobs"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)  # hex of the content
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attachment(Model):
    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.ForeignKey("attachment_blobs.sha256"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))  # as the person named it (Chinese kept)
    kind: Mapped[str] = mapped_column(sa.String(8))  # core/file_types.KINDS, told by the content
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    uploaded_by: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The case: set at upload when it exists already, else when the request that opens it is filed.
    instance_id: Mapped[str | None] = mapped_column(sa.ForeignKey("process_instances.id"))
    # Set together when the step that carries the file completes (all NULL while pending):
    step: Mapped[str | None] = mapped_column(sa.String(100))  # the task's spec id, or "start"
    task_id: Mapped[str | None] = mapped_column(sa.String(64))
    event_seq: Mapped[int | None] = mapped_column(sa.Integer)  # the step's history event
    position: Mapped[int | None] = mapped_column(sa.Integer)  # its place among the step's files
    version: Mapped[int | None] = mapped_column(sa.Integer)  # 1, 2 ... by name within the case
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_attachments_instance_id_event_seq", "instance_id", "event_seq"),
        sa.Index("ix_attachments_uploaded_by_event_seq", "uploaded_by", "event_seq"),
    )
