"""Where attachment bytes live: the attachment_blobs table, one row per distinct SHA-256.

Kept in the database (PostgreSQL and SQLite alike) so that a backup of the database is a backup
of the files, and a file's bytes and the rows naming them commit in one transaction. Everything
else reaches the bytes through put_blob / read_blob, so another store (a folder) would change
this module only.

Nothing here changes a stored file: a blob is written once and never updated or deleted, and an
attachment row is changed only while it is pending (not yet named by a history event). The ORM
refuses the rest; on PostgreSQL triggers do too (migration 0013).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite

from service.persistence.append_only import AppendOnlyViolation, guard_append_only
from service.persistence.db import db
from service.persistence.models import Attachment, AttachmentBlob


class AttachmentIsKept(AppendOnlyViolation):
    pass


ATTACHMENTS: sa.Table = Attachment.__table__
BLOBS: sa.Table = AttachmentBlob.__table__

guard_append_only(AttachmentBlob, AttachmentIsKept, lambda b: f"附件内容不能修改或删除（{b.sha256}）",
                  "附件内容不能修改或删除")


def _refuse_submitted(_mapper: Any, connection: sa.Connection, target: Attachment) -> None:
    # The row as stored, not as loaded: an attribute expired since would show no history.
    stored = connection.execute(sa.select(ATTACHMENTS.c.event_seq)
                                .where(ATTACHMENTS.c.id == target.id)).first()
    if stored is not None and stored.event_seq is not None:
        raise AttachmentIsKept(f"已提交的附件不能修改或删除（{target.id}）")


event.listen(Attachment, "before_update", _refuse_submitted)
event.listen(Attachment, "before_delete", _refuse_submitted)


def digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def put_blob(content: bytes, at: datetime) -> str:
    """Keep `content` (once: the same bytes uploaded again share the row); its SHA-256 hex."""
    sha256 = digest(content)
    values = {"sha256": sha256, "size": len(content), "content": content, "created_at": at}
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Two people uploading the same file at once: the second insert does nothing.
    db.session.execute(insert(BLOBS).values(values).on_conflict_do_nothing(index_elements=["sha256"]))
    return sha256


def read_blob(sha256: str) -> bytes | None:
    return db.session.execute(sa.select(AttachmentBlob.content).where(
        AttachmentBlob.sha256 == sha256)).scalar_one_or_none()
