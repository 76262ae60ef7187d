"""加签 (a signer added to an open task) and 抄送 (a reader of a case): rows beside the engine.

Neither changes the engine's state: an added signer holds the task until they have signed
(before the holder, or after the holder decided), and a reader may read the case, never act.
Both are recorded as history events (add_signer, added_sign, cc); the rows are what the commands
and the access policy read.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from service.persistence.db import Model
from service.persistence.models.types import JSONType, UTCDateTime, utcnow

SIGNER_MODES = ("before", "after")  # 前加签 | 后加签
SIGNER_STATUSES = ("open", "signed", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AddedSigner(Model):
    __tablename__ = "added_signers"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"), index=True)
    task_id: Mapped[str] = mapped_column(sa.ForeignKey("human_tasks.id"), index=True)
    login: Mapped[str] = mapped_column(sa.ForeignKey("users.login"), index=True)
    mode: Mapped[str] = mapped_column(sa.String(8))
    status: Mapped[str] = mapped_column(sa.String(16), default="open")
    added_by: Mapped[str] = mapped_column(sa.String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # 后加签: the holder's completion, applied to the engine once the added signer approves.
    held_completion: Mapped[dict | None] = mapped_column(JSONType)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(_in("mode", SIGNER_MODES), name="mode"),
        sa.CheckConstraint(_in("status", SIGNER_STATUSES), name="status"),
    )


class CaseReader(Model):
    __tablename__ = "case_readers"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    instance_id: Mapped[str] = mapped_column(sa.ForeignKey("process_instances.id"))
    login: Mapped[str] = mapped_column(sa.ForeignKey("users.login"), index=True)
    added_by: Mapped[str] = mapped_column(sa.String(64))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    task_id: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.UniqueConstraint("instance_id", "login"),)
